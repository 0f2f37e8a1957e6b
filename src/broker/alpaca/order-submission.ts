import { BrokerError, isBrokerError, OrderOutcomeUnknownError, ProtectionMissingError } from '../errors.ts';
import type { BrokerOrder, SubmitOrderRequest, SubmittedOrder } from '../order-types.ts';
import { type LegExpectation, legProblem } from '../protective-legs.ts';
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
 * (404). A bracket/OTO is then read back with its legs and must have a live stop leg; with
 * `legConfirmation: 'reply'` the legs of the POST's answer are checked instead, and the read is
 * left to the caller.
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
  const expected = { stopLoss: body.stop_loss !== undefined, takeProfit: body.take_profit !== undefined };
  // The answer carries the legs (the POST's does; a lookup's may not): they are checked there and
  // then, and the caller confirms them later, off the order's critical path.
  if (request.legConfirmation === 'reply' && order.legs.length > 0) {
    throwOnProblem(order, expected);
    return { order, protection: 'in-reply', attempts };
  }
  await confirmLegs(calls, order, expected, kind);
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

/** Reads the accepted order back with its legs; a missing or dead stop leg is an error. */
async function confirmLegs(
  calls: SubmissionCalls,
  accepted: BrokerOrder,
  expected: LegExpectation,
  kind: RequestKind,
): Promise<void> {
  let nested: BrokerOrder;
  try {
    nested = await calls.nested(accepted.id, kind);
  } catch (error) {
    throw new ProtectionMissingError(
      `order ${accepted.id} was accepted but its legs could not be confirmed`,
      { orderId: accepted.id, clientOrderId: accepted.clientOrderId, problem: 'confirmation-failed' },
      { cause: error },
    );
  }
  throwOnProblem(nested, expected);
}

/** Throws `PROTECTION_MISSING`, with the order as read, when its legs are not as sent. */
function throwOnProblem(order: BrokerOrder, expected: LegExpectation): void {
  const found = legProblem(order, expected);
  if (found === undefined) return;
  throw new ProtectionMissingError(found.message, {
    orderId: order.id,
    clientOrderId: order.clientOrderId,
    problem: found.problem,
    ...(found.stopLegStatus !== undefined ? { stopLegStatus: found.stopLegStatus } : {}),
    order,
  });
}
