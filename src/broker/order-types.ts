import type { OrderIntent, OrderType, TimeInForce } from '../core/order.ts';
import type { Side } from '../core/side.ts';

/** Every order status the broker reports; `held` is used by bracket exit legs. */
export type OrderStatus =
  | 'new'
  | 'partially_filled'
  | 'filled'
  | 'done_for_day'
  | 'canceled'
  | 'expired'
  | 'replaced'
  | 'pending_cancel'
  | 'pending_replace'
  | 'accepted'
  | 'pending_new'
  | 'accepted_for_bidding'
  | 'stopped'
  | 'rejected'
  | 'suspended'
  | 'calculated'
  | 'held'
  | 'pending_review';

/** Statuses after which an order never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'canceled',
  'expired',
  'replaced',
  'rejected',
]);

/** How the orders of a group relate: a lone order, entry plus both exits, exits only, entry plus one exit. */
export type OrderClass = 'simple' | 'bracket' | 'oco' | 'oto' | 'mleg';

/** Whether an order opens/increases risk (`entry`) or reduces a position (`exit`). */
export type OrderPurpose = 'entry' | 'exit';

/** An order to send: the risk-checked intent plus how the broker should group it. */
export interface SubmitOrderRequest extends OrderIntent {
  /**
   * Group to send as. Omitted: `bracket` when both protection prices are present, `oto` when one
   * is, `simple` when none. `simple` with protection is refused locally (the broker would drop
   * the legs silently).
   */
  readonly orderClass?: OrderClass;
  /**
   * `exit` marks an order that reduces a position: it is paced first and queued (not refused)
   * while the circuit breaker is open. Defaults to `entry`.
   */
  readonly intent?: OrderPurpose;
  /**
   * How the legs of a bracket/OTO are confirmed before the submission resolves. `read-back`
   * (default): a nested read of the order after the POST. `reply`: from the legs in the POST's
   * answer, with no second request; the caller confirms them later (the trade stream, a deferred
   * read, see `legProblem`). An answer without legs is read back either way.
   */
  readonly legConfirmation?: 'read-back' | 'reply';
}

/** Changes to a working order (PATCH); a replace creates an order with a new id. */
export interface ReplaceOrderRequest {
  /** New quantity in shares. */
  readonly qty?: number;
  readonly timeInForce?: TimeInForce;
  /** New limit price in dollars. */
  readonly limitPrice?: number;
  /** New stop price in dollars. */
  readonly stopPrice?: number;
  /** New trail in dollars or percent (trailing stops). */
  readonly trail?: number;
  readonly clientOrderId?: string;
  /** `exit` when the replace belongs to protecting or closing a position (paced first). */
  readonly intent?: OrderPurpose;
}

/** An order as the broker reports it, in domain units (numbers, camelCase, epoch ms). */
export interface BrokerOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly assetClass: string | undefined;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly orderClass: OrderClass;
  readonly status: OrderStatus;
  /** Ordered quantity in shares; undefined for notional orders. */
  readonly qty: number | undefined;
  /** Notional amount in dollars for notional orders. */
  readonly notional: number | undefined;
  /** Filled quantity in shares. */
  readonly filledQty: number;
  /** Average fill price in dollars. */
  readonly filledAvgPrice: number | undefined;
  readonly limitPrice: number | undefined;
  readonly stopPrice: number | undefined;
  readonly trailPrice: number | undefined;
  readonly trailPercent: number | undefined;
  readonly extendedHours: boolean;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly updatedAt: number | undefined;
  readonly submittedAt: number | undefined;
  readonly filledAt: number | undefined;
  readonly canceledAt: number | undefined;
  readonly expiredAt: number | undefined;
  readonly failedAt: number | undefined;
  readonly replacedAt: number | undefined;
  readonly replacedBy: string | undefined;
  readonly replaces: string | undefined;
  /** Exit legs of a bracket/OTO/OCO parent; empty on simple orders and legs. */
  readonly legs: readonly BrokerOrder[];
}

/** Which orders a listing returns. */
export interface OrderQuery {
  /** `open` (default), `closed` or `all`. */
  readonly status?: 'open' | 'closed' | 'all';
  /** Maximum orders, at most 500 (broker default 50). */
  readonly limit?: number;
  /** Only orders submitted after this time (exclusive), epoch ms. */
  readonly after?: number;
  /** Only orders submitted before this time (exclusive), epoch ms. */
  readonly until?: number;
  /** By submission time; the broker's default is `desc` (newest first). */
  readonly direction?: 'asc' | 'desc';
  /** Include the legs of bracket parents. */
  readonly nested?: boolean;
  readonly symbols?: readonly string[];
  readonly side?: Side;
}

/** Result of cancelling one order in a cancel-all. */
export interface CancelResult {
  readonly orderId: string;
  /** HTTP status of that cancel: 200 on success. */
  readonly status: number;
}

/** A submitted order and what the adapter confirmed about its protection. */
export interface SubmittedOrder {
  readonly order: BrokerOrder;
  /**
   * `confirmed`: the stop leg was seen live on a nested read-back. `in-reply`: it was live in the
   * POST's answer and not read back (`legConfirmation: 'reply'`). `not-requested`: no protection
   * was asked for. A missing stop leg is never a value here: it is a `PROTECTION_MISSING` error.
   */
  readonly protection: 'confirmed' | 'in-reply' | 'not-requested';
  /** How many POSTs reached the network (1 unless an ambiguous failure forced a confirmed resubmit). */
  readonly attempts: number;
}
