import type { BrokerOrder } from './order-types.ts';

/** Events of the `trade_updates` stream. */
export type TradeUpdateEvent =
  | 'new'
  | 'fill'
  | 'partial_fill'
  | 'canceled'
  | 'expired'
  | 'done_for_day'
  | 'replaced'
  | 'rejected'
  | 'pending_new'
  | 'stopped'
  | 'pending_cancel'
  | 'pending_replace'
  | 'calculated'
  | 'suspended'
  | 'order_replace_rejected'
  | 'order_cancel_rejected'
  | 'accepted'
  | 'restated'
  | 'held';

/** One order event from the broker's stream. */
export interface TradeUpdate {
  readonly event: TradeUpdateEvent;
  readonly order: BrokerOrder;
  /** Epoch milliseconds of the event. */
  readonly time: number | undefined;
  readonly executionId: string | undefined;
  /** Fill price in dollars (fill/partial_fill). */
  readonly price: number | undefined;
  /** Filled quantity of this execution in shares (fill/partial_fill). */
  readonly qty: number | undefined;
  /** Signed position after the execution, in shares. */
  readonly positionQty: number | undefined;
}

/** Connection state of the trade-update stream. */
export type StreamState =
  | 'connecting'
  | 'authenticating'
  | 'listening'
  | 'disconnected'
  | 'reconnecting'
  | 'unauthorized'
  | 'closed';

/** A state change of the stream, with the error that caused it when there was one. */
export interface StreamStateEvent {
  readonly state: StreamState;
  /** Reconnect attempt number (1-based) while reconnecting. */
  readonly attempt?: number;
  /** Delay before the next attempt in milliseconds while reconnecting. */
  readonly delayMs?: number;
  readonly error?: Error;
}

/** Cancels a subscription. */
export type Unsubscribe = () => void;
