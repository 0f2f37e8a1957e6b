import type { OrderIntent, OrderType, TimeInForce } from '../core/order.ts';
import type { Side } from '../core/side.ts';

/**
 * Lifecycle of an order in the store. `pending_submit` is the intent recorded before the
 * broker is called; `submit_failed` means the broker definitely refused or never got it.
 * The rest are the broker's (Alpaca's) statuses.
 */
export type OrderStatus =
  | 'pending_submit'
  | 'submit_failed'
  | 'pending_new'
  | 'new'
  | 'accepted'
  | 'partially_filled'
  | 'filled'
  | 'done_for_day'
  | 'pending_cancel'
  | 'canceled'
  | 'pending_replace'
  | 'replaced'
  | 'expired'
  | 'rejected'
  | 'suspended'
  | 'stopped';

/** Every {@link OrderStatus}, as the schema's CHECK lists them. */
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending_submit',
  'submit_failed',
  'pending_new',
  'new',
  'accepted',
  'partially_filled',
  'filled',
  'done_for_day',
  'pending_cancel',
  'canceled',
  'pending_replace',
  'replaced',
  'expired',
  'rejected',
  'suspended',
  'stopped',
];

/** Statuses after which an order can no longer fill; every other status is working. */
export const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = [
  'filled',
  'canceled',
  'expired',
  'rejected',
  'replaced',
  'submit_failed',
];

/** True when an order in `status` can no longer fill. */
export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.includes(status);
}

/** Why an order closed (part of) a position. */
export type CloseReason =
  | 'STOP_LOSS_HIT'
  | 'TAKE_PROFIT_HIT'
  | 'MANUAL'
  | 'KILL_SWITCH'
  | 'FALLBACK_STOP'
  | 'BREAKER_FLATTEN'
  | 'TIME_EXIT'
  | 'TRAILING_STOP_HIT'
  | 'RECONCILIATION';

/** Every {@link CloseReason}, as the schema's CHECK lists them. */
export const CLOSE_REASONS: readonly CloseReason[] = [
  'STOP_LOSS_HIT',
  'TAKE_PROFIT_HIT',
  'MANUAL',
  'KILL_SWITCH',
  'FALLBACK_STOP',
  'BREAKER_FLATTEN',
  'TIME_EXIT',
  'TRAILING_STOP_HIT',
  'RECONCILIATION',
];

/** Broker ids of the protective legs of a bracket or OTO order. */
export interface BracketLegIds {
  readonly takeProfit: string | null;
  readonly stopLoss: string | null;
}

/** An order as stored: the intent, its broker ids and where it is in its lifecycle. */
export interface OrderRecord {
  readonly clientOrderId: string;
  readonly intent: OrderIntent;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: number;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly strategy: string | null;
  readonly status: OrderStatus;
  readonly statusReason: string | null;
  /** Incremented by every change; pass it back as `expectedVersion` for an optimistic update. */
  readonly version: number;
  readonly brokerOrderId: string | null;
  readonly legs: BracketLegIds;
  /** The entry this order protects or exits, when it is a separately placed leg. */
  readonly parentClientOrderId: string | null;
  readonly filledQty: number;
  /** Average fill price in dollars, or null before the first fill. */
  readonly avgFillPrice: number | null;
  readonly closeReason: CloseReason | null;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Epoch ms when the broker acknowledged it, or null. */
  readonly ackedAt: number | null;
}

/** One status change of an order. */
export interface OrderStatusChange {
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly reason: string | null;
  readonly filledQty: number;
  readonly at: number;
}

/** Options of recording an intent. */
export interface RecordIntentOptions {
  /** Epoch ms of the decision. */
  readonly at: number;
  readonly parentClientOrderId?: string;
  /** Set on exits: why this order closes a position. */
  readonly closeReason?: CloseReason;
}

/** The broker's acknowledgement of a submitted order. */
export interface OrderAck {
  readonly brokerOrderId: string;
  /** Status the broker reported; `new` when omitted. */
  readonly status?: OrderStatus;
  readonly legs?: Partial<BracketLegIds>;
  readonly at: number;
}

/** A status change requested by the broker layer, with optional optimistic checks. */
export interface OrderTransition {
  readonly to: OrderStatus;
  readonly at: number;
  readonly reason?: string;
  /** Apply only if the order is still in this status. */
  readonly expectedStatus?: OrderStatus;
  /** Apply only if the order's version is still this (no one changed it since it was read). */
  readonly expectedVersion?: number;
  readonly filledQty?: number;
  readonly avgFillPrice?: number;
  readonly closeReason?: CloseReason;
}

/** Outcome of a transition or an acknowledgement: applied, or why not with the current record. */
export type OrderUpdateResult =
  | { readonly applied: true; readonly order: OrderRecord }
  | {
      readonly applied: false;
      /** `not-found`: no such order; `stale`: an expectation failed; `terminal`: it can no longer change. */
      readonly reason: 'not-found' | 'stale' | 'terminal' | 'conflict';
      readonly current: OrderRecord | null;
    };
