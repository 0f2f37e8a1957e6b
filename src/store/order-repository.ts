import type { OrderIntent } from '../core/order.ts';
import { clampLimit } from './audit-log.ts';
import type { Database } from './database.ts';
import type { GroupCommitOptions, GroupCommitStats } from './group-commit.ts';
import { loadWorkingOrders, ORDER_COLUMNS, type OrderRow, selectOrder, toOrder } from './order-rows.ts';
import {
  CLOSE_REASONS,
  ORDER_STATUSES,
  type OrderAck,
  type OrderRecord,
  type OrderStatus,
  type OrderStatusChange,
  type OrderTransition,
  type OrderUpdateResult,
  type RecordIntentOptions,
} from './order-types.ts';
import { OrderWriteBatcher } from './order-writes.ts';
import { epochMs, epochTime, finite, fromEpochMs, json, type Tables, toNumber } from './sql.ts';
import { Where } from './where.ts';

/**
 * Orders: the intent is recorded (status `pending_submit`) and committed before the broker
 * is called, so a crash between the two leaves a record to reconcile instead of an unknown
 * order. Client order ids are unique: recording the same intent again returns the stored one.
 * The intent is one statement. Acknowledgements and status changes, which come after the broker
 * call, are group-committed ({@link OrderWriteBatcher}): one statement per batch, a write that
 * changes nothing skipped. Every status change is kept in a history table; changes can carry
 * optimistic checks.
 */
export class OrderRepository {
  readonly #db: Database;
  readonly #t: Tables;
  readonly #writes: OrderWriteBatcher;

  constructor(db: Database, tables: Tables, groupCommit: GroupCommitOptions = {}) {
    this.#db = db;
    this.#t = tables;
    this.#writes = new OrderWriteBatcher(db, tables, groupCommit);
  }

  /** Batches of acknowledgements and status changes committed so far. */
  get writeStats(): GroupCommitStats {
    return this.#writes.stats;
  }

  /** Forgets the orders' remembered states (call when the leadership epoch changes). */
  forgetKnown(): void {
    this.#writes.forgetKnown();
  }

  /** Commits every queued acknowledgement and status change now. */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /** Commits what is queued, then refuses further acknowledgements and status changes. */
  close(): Promise<void> {
    return this.#writes.close();
  }

  /**
   * Records an intent before the broker call. Resolves once committed with the stored order
   * and whether it was created now; `created: false` means the client order id was already
   * used, and `order` is the earlier one (compare its intent before sending anything).
   */
  async recordIntent(
    intent: OrderIntent,
    options: RecordIntentOptions,
  ): Promise<{ readonly order: OrderRecord; readonly created: boolean }> {
    if (intent.clientOrderId === '') throw new RangeError('clientOrderId must not be empty');
    if (!(intent.qty > 0) || !Number.isFinite(intent.qty))
      throw new RangeError(`qty must be > 0, got ${intent.qty}`);
    if (options.closeReason !== undefined && !CLOSE_REASONS.includes(options.closeReason)) {
      throw new RangeError(`unknown close reason ${options.closeReason}`);
    }
    epochTime(options.at, 'intent time');
    const t = this.#t;
    // One statement, committed on its own: the row and its first history entry, or (the id
    // being taken) the stored order.
    const params = [
      intent.clientOrderId,
      intent.symbol,
      intent.side,
      intent.qty,
      intent.type,
      intent.timeInForce,
      intent.limitPrice ?? null,
      intent.stopPrice ?? null,
      intent.strategy ?? null,
      json(intent, 'order intent'),
      options.parentClientOrderId ?? null,
      options.closeReason ?? null,
      options.at,
    ];
    const { rows } = await this.#db.query<OrderRow & { created: boolean }>(
      `WITH ins AS (
         INSERT INTO ${t.orders} (client_order_id, symbol, side, qty, order_type, time_in_force, limit_price,
           stop_price, strategy, intent, status, parent_client_order_id, close_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, 'pending_submit', $11, $12,
           ${fromEpochMs('$13')}, ${fromEpochMs('$13')})
         ON CONFLICT (client_order_id) DO NOTHING
         RETURNING *),
       hist AS (
         INSERT INTO ${t.order_status_history} (client_order_id, from_status, to_status, reason, filled_qty, at)
         SELECT client_order_id, NULL, 'pending_submit', 'intent recorded', 0, created_at FROM ins)
       SELECT ${ORDER_COLUMNS}, true AS created FROM ins
       UNION ALL
       SELECT ${ORDER_COLUMNS}, false AS created FROM ${t.orders}
       WHERE client_order_id = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
      params,
    );
    const row = rows[0];
    let result: { readonly order: OrderRecord; readonly created: boolean };
    if (row !== undefined) result = { order: toOrder(row), created: row.created };
    else {
      // A concurrent writer committed the same id after this statement's snapshot was taken:
      // its row is visible to a new statement.
      const existing = await selectOrder(this.#db, t, intent.clientOrderId, false);
      result = { order: existing!, created: false };
    }
    this.#writes.remember(result.order);
    return result;
  }

  /**
   * Records the broker's acknowledgement: its order id, bracket leg ids and status. Repeating
   * an acknowledgement with the same broker id is a no-op; a different broker id is a conflict.
   */
  async recordAck(clientOrderId: string, ack: OrderAck): Promise<OrderUpdateResult> {
    epochTime(ack.at, 'ack time');
    const status = ack.status ?? 'new';
    assertStatus(status);
    return this.#writes.write({ kind: 'ack', clientOrderId, ack: { ...ack, status } });
  }

  /**
   * Moves an order to a new status (and fill figures), recording the change in its history.
   * With `expectedStatus` or `expectedVersion` it applies only if nobody changed the order
   * since it was read; concurrent updates are serialised by a row lock, so exactly one wins.
   */
  async transition(clientOrderId: string, change: OrderTransition): Promise<OrderUpdateResult> {
    assertStatus(change.to);
    epochTime(change.at, 'transition time');
    if (change.filledQty !== undefined) finite(change.filledQty, 'filledQty');
    if (change.avgFillPrice !== undefined) finite(change.avgFillPrice, 'avgFillPrice');
    if (change.closeReason !== undefined && !CLOSE_REASONS.includes(change.closeReason)) {
      throw new RangeError(`unknown close reason ${change.closeReason}`);
    }
    return this.#writes.write({ kind: 'transition', clientOrderId, change });
  }

  /** The order with this client order id, or null. */
  get(clientOrderId: string): Promise<OrderRecord | null> {
    return selectOrder(this.#db, this.#t, clientOrderId, false);
  }

  /** The order the broker knows by this id, or null. */
  async getByBrokerId(brokerOrderId: string): Promise<OrderRecord | null> {
    const { rows } = await this.#db.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM ${this.#t.orders} WHERE broker_order_id = $1`,
      [brokerOrderId],
    );
    return rows[0] === undefined ? null : toOrder(rows[0]);
  }

  /** Orders that can still fill (including intents not yet acknowledged), oldest first. */
  listWorking(): Promise<OrderRecord[]> {
    return loadWorkingOrders(this.#db, this.#t);
  }

  /** Orders filtered by status and symbol, newest first. */
  async list(
    filter: { readonly status?: OrderStatus; readonly symbol?: string; readonly limit?: number } = {},
  ) {
    const where = new Where();
    if (filter.status !== undefined) where.add('status = ?', filter.status);
    if (filter.symbol !== undefined) where.add('symbol = ?', filter.symbol);
    const { rows } = await this.#db.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM ${this.#t.orders} ${where.sql()}
       ORDER BY created_at DESC, id DESC LIMIT ${clampLimit(filter.limit)}`,
      where.params,
    );
    return rows.map(toOrder);
  }

  /** Every status change of an order, oldest first. */
  async history(clientOrderId: string): Promise<OrderStatusChange[]> {
    const { rows } = await this.#db.query<{
      from_status: OrderStatus | null;
      to_status: OrderStatus;
      reason: string | null;
      filled_qty: string;
      at: number;
    }>(
      `SELECT from_status, to_status, reason, filled_qty, ${epochMs('at')} AS at
       FROM ${this.#t.order_status_history} WHERE client_order_id = $1 ORDER BY id`,
      [clientOrderId],
    );
    return rows.map((r) => ({
      from: r.from_status,
      to: r.to_status,
      reason: r.reason,
      filledQty: toNumber(r.filled_qty),
      at: r.at,
    }));
  }
}

function assertStatus(status: OrderStatus): void {
  if (!ORDER_STATUSES.includes(status))
    throw new RangeError(`unknown order status ${JSON.stringify(status)}`);
}
