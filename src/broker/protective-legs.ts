import type { ProtectionProblem } from './errors.ts';
import type { BrokerOrder } from './order-types.ts';

/** Which exit legs a bracket/OTO was sent with. */
export interface LegExpectation {
  readonly stopLoss: boolean;
  readonly takeProfit: boolean;
}

/** What is wrong with the legs of an accepted bracket/OTO. */
export interface LegProblem {
  readonly problem: Exclude<ProtectionProblem, 'confirmation-failed'>;
  readonly message: string;
  /** Status of the stop leg when one was found, e.g. `rejected`. */
  readonly stopLegStatus?: string;
}

/** Statuses in which a stop leg protects nothing (a filled one did its job). */
const NOT_LIVE: ReadonlySet<string> = new Set([
  'rejected',
  'canceled',
  'expired',
  'done_for_day',
  'suspended',
]);

/** True for the order types a protective stop leg has (stop or stop-limit). */
export function isStopLeg(order: BrokerOrder): boolean {
  return order.type === 'stop' || order.type === 'stop_limit';
}

/** The order's stop leg, if it has one. */
export function stopLegOf(order: BrokerOrder): BrokerOrder | undefined {
  return order.legs.find(isStopLeg);
}

/**
 * Checks the legs of an accepted bracket/OTO as the broker reported them (its POST answer, a
 * nested read, or a stream update of the parent): a missing or dead stop leg, or a missing
 * take-profit leg, is a problem; undefined when the legs are as sent.
 */
export function legProblem(order: BrokerOrder, expected: LegExpectation): LegProblem | undefined {
  if (expected.stopLoss) {
    const stop = stopLegOf(order);
    if (stop === undefined) {
      return {
        problem: 'stop-leg-missing',
        message: `order ${order.id} was accepted without a stop-loss leg`,
      };
    }
    if (NOT_LIVE.has(stop.status)) {
      return {
        problem: 'stop-leg-not-live',
        message: `order ${order.id}: its stop-loss leg is ${stop.status}`,
        stopLegStatus: stop.status,
      };
    }
  }
  if (expected.takeProfit && !order.legs.some((leg) => leg.type === 'limit')) {
    return {
      problem: 'take-profit-leg-missing',
      message: `order ${order.id} was accepted without a take-profit leg`,
    };
  }
  return undefined;
}
