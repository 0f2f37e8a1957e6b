import type { OrderType, TimeInForce } from '../../core/order.ts';
import type { Side } from '../../core/side.ts';
import type { OrderStatus } from '../order-types.ts';
import { assetClassOf } from '../wire/asset-class.ts';
import { numberToDecimal } from '../wire/decimal.ts';
import type { WireOrder } from '../wire/order-wire.ts';
import { rfc3339 } from './sim-clock.ts';

/** Role of an order inside its group. */
export type SimRole = 'simple' | 'entry' | 'take_profit' | 'stop_loss';

/** An order held by the simulated exchange (mutable: the venue updates it in place). */
export interface SimOrder {
  readonly id: string;
  clientOrderId: string;
  readonly symbol: string;
  readonly assetId: string;
  readonly side: Side;
  readonly type: OrderType;
  timeInForce: TimeInForce;
  /** `''` for a simple order, as the broker reports it. */
  readonly orderClass: '' | 'bracket' | 'oco' | 'oto';
  readonly role: SimRole;
  qty: number;
  filledQty: number;
  filledAvgPrice: number | undefined;
  limitPrice: number | undefined;
  stopPrice: number | undefined;
  trailPrice: number | undefined;
  trailPercent: number | undefined;
  /** High (sells) or low (buys) water mark of a trailing stop. */
  hwm: number | undefined;
  status: OrderStatus;
  /** A `held` stop leg whose trigger is being watched (the entry has filled). */
  armed: boolean;
  /** A stop-limit whose stop has triggered and now rests as a limit. */
  triggered: boolean;
  readonly extendedHours: boolean;
  readonly createdAt: number;
  updatedAt: number;
  readonly submittedAt: number;
  filledAt: number | undefined;
  canceledAt: number | undefined;
  expiredAt: number | undefined;
  failedAt: number | undefined;
  replacedAt: number | undefined;
  replacedBy: string | undefined;
  replaces: string | undefined;
  parentId: string | undefined;
  legIds: string[];
}

/** Statuses in which an order can still fill. */
export const WORKING: ReadonlySet<OrderStatus> = new Set([
  'new',
  'partially_filled',
  'accepted',
  'pending_new',
  'pending_cancel',
  'pending_replace',
]);

/** Statuses after which the order never changes. */
export const FINAL: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'canceled',
  'expired',
  'replaced',
  'rejected',
]);

/** True when the order is watched for fills: working, or a held stop leg that is armed. */
export function isLive(order: SimOrder): boolean {
  return WORKING.has(order.status) || (order.status === 'held' && order.armed);
}

function decimal(value: number | undefined): string | null {
  return value === undefined ? null : numberToDecimal(value);
}

function time(value: number | undefined): string | null {
  return value === undefined ? null : rfc3339(value);
}

function positionIntent(order: SimOrder): string {
  const closing = order.role === 'take_profit' || order.role === 'stop_loss';
  if (order.side === 'buy') return closing ? 'buy_to_close' : 'buy_to_open';
  return closing ? 'sell_to_close' : 'sell_to_open';
}

/** Renders an order in the broker's wire shape; `legs` are included only when given. */
export function renderOrder(order: SimOrder, legs: readonly SimOrder[] | undefined): WireOrder {
  return {
    id: order.id,
    client_order_id: order.clientOrderId,
    created_at: rfc3339(order.createdAt),
    updated_at: rfc3339(order.updatedAt),
    submitted_at: rfc3339(order.submittedAt),
    filled_at: time(order.filledAt),
    expired_at: time(order.expiredAt),
    canceled_at: time(order.canceledAt),
    failed_at: time(order.failedAt),
    replaced_at: time(order.replacedAt),
    replaced_by: order.replacedBy ?? null,
    replaces: order.replaces ?? null,
    asset_id: order.assetId,
    symbol: order.symbol,
    asset_class: assetClassOf(order.symbol),
    notional: null,
    qty: numberToDecimal(order.qty),
    filled_qty: numberToDecimal(order.filledQty),
    filled_avg_price: decimal(order.filledAvgPrice),
    order_class: order.orderClass,
    order_type: order.type,
    type: order.type,
    side: order.side,
    position_intent: positionIntent(order),
    time_in_force: order.timeInForce,
    limit_price: decimal(order.limitPrice),
    stop_price: decimal(order.stopPrice),
    status: order.status,
    extended_hours: order.extendedHours,
    legs: legs === undefined || legs.length === 0 ? null : legs.map((leg) => renderOrder(leg, undefined)),
    trail_percent: decimal(order.trailPercent),
    trail_price: decimal(order.trailPrice),
    hwm: decimal(order.hwm),
    expires_at: null,
    source: null,
    subtag: null,
  };
}
