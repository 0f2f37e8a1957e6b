import type { OrderIntent } from '../core/order.ts';
import type { Queryable } from './database.ts';
import { type OrderRecord, type OrderStatus, TERMINAL_ORDER_STATUSES } from './order-types.ts';
import { epochMs, fromEpochMs, type Tables, toNumber, toNumberOrNull } from './sql.ts';

/** Columns of an order row as {@link OrderRow}. */
export const ORDER_COLUMNS = `client_order_id, intent, symbol, side, qty, order_type, time_in_force, strategy,
  status, status_reason, version, broker_order_id, take_profit_leg_id, stop_loss_leg_id,
  parent_client_order_id, filled_qty, avg_fill_price, close_reason,
  ${epochMs('created_at')} AS created_at, ${epochMs('updated_at')} AS updated_at,
  CASE WHEN acked_at IS NULL THEN NULL ELSE ${epochMs('acked_at')} END AS acked_at`;

/** An order as read from the database. */
export interface OrderRow {
  client_order_id: string;
  intent: OrderIntent;
  symbol: string;
  side: OrderRecord['side'];
  qty: string;
  order_type: OrderRecord['type'];
  time_in_force: OrderRecord['timeInForce'];
  strategy: string | null;
  status: OrderStatus;
  status_reason: string | null;
  version: number;
  broker_order_id: string | null;
  take_profit_leg_id: string | null;
  stop_loss_leg_id: string | null;
  parent_client_order_id: string | null;
  filled_qty: string;
  avg_fill_price: string | null;
  close_reason: OrderRecord['closeReason'];
  created_at: number;
  updated_at: number;
  acked_at: number | null;
}

/** Maps an order row to an {@link OrderRecord}. */
export function toOrder(row: OrderRow): OrderRecord {
  return {
    clientOrderId: row.client_order_id,
    intent: row.intent,
    symbol: row.symbol,
    side: row.side,
    qty: toNumber(row.qty),
    type: row.order_type,
    timeInForce: row.time_in_force,
    strategy: row.strategy,
    status: row.status,
    statusReason: row.status_reason,
    version: row.version,
    brokerOrderId: row.broker_order_id,
    legs: { takeProfit: row.take_profit_leg_id, stopLoss: row.stop_loss_leg_id },
    parentClientOrderId: row.parent_client_order_id,
    filledQty: toNumber(row.filled_qty),
    avgFillPrice: toNumberOrNull(row.avg_fill_price),
    closeReason: row.close_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ackedAt: row.acked_at,
  };
}

/** The terminal statuses as a SQL list, for `status NOT IN (…)`. */
export const TERMINAL_SQL = TERMINAL_ORDER_STATUSES.map((s) => `'${s}'`).join(', ');

/** Reads every order that can still fill, oldest first; run inside a transaction for a consistent view. */
export async function loadWorkingOrders(q: Queryable, t: Tables): Promise<OrderRecord[]> {
  const { rows } = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM ${t.orders} WHERE status NOT IN (${TERMINAL_SQL}) ORDER BY created_at, id`,
  );
  return rows.map(toOrder);
}

/** Reads one order, optionally locking its row for the rest of the transaction. */
export async function selectOrder(
  q: Queryable,
  t: Tables,
  clientOrderId: string,
  lock: boolean,
): Promise<OrderRecord | null> {
  const { rows } = await q.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM ${t.orders} WHERE client_order_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [clientOrderId],
  );
  return rows[0] === undefined ? null : toOrder(rows[0]);
}

/** Appends one status change to an order's history. */
export async function insertHistory(
  q: Queryable,
  t: Tables,
  clientOrderId: string,
  from: OrderStatus | null,
  to: OrderStatus,
  reason: string | null,
  filledQty: number,
  at: number,
): Promise<void> {
  await q.query(
    `INSERT INTO ${t.order_status_history} (client_order_id, from_status, to_status, reason, filled_qty, at)
     VALUES ($1, $2, $3, $4, $5, ${fromEpochMs('$6')})`,
    [clientOrderId, from, to, reason, filledQty, at],
  );
}
