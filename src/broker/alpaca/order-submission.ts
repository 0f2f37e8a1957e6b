import { BrokerError, isBrokerError, OrderOutcomeUnknownError, ProtectionMissingError } from '../errors.ts';
import type { BrokerOrder, SubmitOrderRequest, SubmittedOrder } from '../order-types.ts';
import type { WireOrderRequest } from '../wire/order-wire.ts';
import type { RequestKind } from './pacer.ts';
import { toWireOrder } from './to-wire.ts';

/** The calls order submission needs from the adapter. */
export interface SubmissionCalls {
  /** One POST of the body, never retried by the caller. */
  post(body: WireOrderRequest, kind: RequestKind): Promise<BrokerOrder>;
  /** Looks the order up by client order id (reads may retry). */
  byClientId(clientOrderId: string, kind: RequestKind): Promise<BrokerOrder>;
  /** Reads the order with its legs. */
  nested(orderId: string, kind: RequestKind): Promise<BrokerOrder>;
}

/** A failure after which the order may or may not exist at the broker. */
export function isAmbiguous(error: unknown): boolean {
  return isBrokerError(error, 'UNAVAILABLE') && !(error as BrokerError).local;
}

/**
 * Sends an order without ever retrying blindly: after an ambiguous failure the order is looked up
 * by its client order id, and it is sent again only when the broker confirms it does not exist
 * (404). A bracket/OTO is then read back with its legs and must have a live stop leg.
 */
export async function submitOrder(
  calls: SubmissionCalls,
  request: SubmitOrderRequest,
  maxAttempts: number,
): Promise<SubmittedOrder> {
  const body = toWireOrder(request);
  const kind: RequestKind = request.intent === 'exit' ? 'exit' : 'entry';
  const cid = body.client_order_id!;
  let attempts = 0;
  let order: BrokerOrder | undefined;
  while (order === undefined) {
    attempts++;
    try {
      order = await calls.post(body, kind);
    } catch (error) {
      // An earlier attempt of ours landed after all: the id is ours, so that order is the result.
      if (attempts > 1 && isBrokerError(error, 'DUPLICATE_CLIENT_ORDER_ID')) {
        order = await lookUp(calls, cid, kind, error);
        if (order === undefined) throw error;
        break;
      }
      if (!isAmbiguous(error)) throw error;
      order = await lookUp(calls, cid, kind, error);
      if (order === undefined && attempts >= maxAttempts) {
        throw new BrokerError(
          'UNAVAILABLE',
          `order ${cid} was not placed: ${attempts} attempts failed and the broker confirmed it does not exist`,
          { cause: error },
        );
      }
    }
  }
  if (body.order_class !== 'bracket' && body.order_class !== 'oto') {
    return { order, protection: 'not-requested', attempts };
  }
  await confirmLegs(calls, order, body, kind);
  return { order, protection: 'confirmed', attempts };
}

/** Returns the order, undefined on a confirmed 404, or throws when the outcome stays unknown. */
async function lookUp(
  calls: SubmissionCalls,
  cid: string,
  kind: RequestKind,
  original: unknown,
): Promise<BrokerOrder | undefined> {
  try {
    return await calls.byClientId(cid, kind);
  } catch (error) {
    if (isBrokerError(error, 'NOT_FOUND')) return undefined;
    throw new OrderOutcomeUnknownError(
      cid,
      `order ${cid}: the submit failed ambiguously and the lookup failed too; reconcile by client order id before resending`,
      { cause: new AggregateError([original, error], 'submit and lookup failed') },
    );
  }
}

const NOT_LIVE: ReadonlySet<string> = new Set([
  'rejected',
  'canceled',
  'expired',
  'done_for_day',
  'suspended',
]);

/** Reads the accepted order back with its legs; a missing or dead stop leg is an error. */
async function confirmLegs(
  calls: SubmissionCalls,
  accepted: BrokerOrder,
  body: WireOrderRequest,
  kind: RequestKind,
): Promise<void> {
  const facts = { orderId: accepted.id, clientOrderId: accepted.clientOrderId };
  let nested: BrokerOrder;
  try {
    nested = await calls.nested(accepted.id, kind);
  } catch (error) {
    throw new ProtectionMissingError(
      `order ${accepted.id} was accepted but its legs could not be confirmed`,
      { ...facts, problem: 'confirmation-failed' },
      { cause: error },
    );
  }
  if (body.stop_loss !== undefined) {
    const stop = nested.legs.find((leg) => leg.type === 'stop' || leg.type === 'stop_limit');
    if (stop === undefined) {
      throw new ProtectionMissingError(`order ${accepted.id} was accepted without a stop-loss leg`, {
        ...facts,
        problem: 'stop-leg-missing',
      });
    }
    // A filled stop did its job; a rejected, cancelled or expired one protects nothing.
    if (NOT_LIVE.has(stop.status)) {
      throw new ProtectionMissingError(`order ${accepted.id}: its stop-loss leg is ${stop.status}`, {
        ...facts,
        problem: 'stop-leg-not-live',
        stopLegStatus: stop.status,
      });
    }
  }
  if (body.take_profit !== undefined && !nested.legs.some((leg) => leg.type === 'limit')) {
    throw new ProtectionMissingError(`order ${accepted.id} was accepted without a take-profit leg`, {
      ...facts,
      problem: 'take-profit-leg-missing',
    });
  }
}
