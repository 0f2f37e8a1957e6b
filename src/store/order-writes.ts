import type { Database, Queryable } from './database.ts';
import { isConnectionFailure } from './errors.ts';
import { type GroupCommitOptions, type GroupCommitStats, GroupCommitWriter } from './group-commit.ts';
import { ORDER_COLUMNS, type OrderRow, TERMINAL_SQL, toOrder } from './order-rows.ts';
import {
  isTerminalStatus,
  type OrderAck,
  type OrderRecord,
  type OrderStatus,
  type OrderTransition,
  type OrderUpdateResult,
  TERMINAL_ORDER_STATUSES,
} from './order-types.ts';
import { fromEpochMs, type Tables } from './sql.ts';

/** An acknowledgement or a status change of one order, queued for the next batch. */
export type OrderWrite =
  | {
      readonly kind: 'ack';
      readonly clientOrderId: string;
      readonly ack: OrderAck & { readonly status: OrderStatus };
    }
  | { readonly kind: 'transition'; readonly clientOrderId: string; readonly change: OrderTransition };

/** What the batch statement decided for one write. */
type Decision = 'apply' | 'same' | 'not-found' | 'conflict' | 'terminal' | 'stale';

/** Orders whose last stored state is remembered, so writes that change nothing skip the database. */
const REMEMBERED_ORDERS = 10_000;

/** Statuses in which an acknowledgement no longer applies (the broker's word wins over `submit_failed`). */
const ACK_REFUSED_SQL = TERMINAL_ORDER_STATUSES.filter((s) => s !== 'submit_failed')
  .map((s) => `'${s}'`)
  .join(', ');

/**
 * Acknowledgements and status changes of orders, committed in batches: concurrent writes are
 * collected by a {@link GroupCommitWriter} and applied by one statement per batch, which locks
 * the orders it touches, checks each write as the one-at-a-time path did (not found, conflicting
 * broker id, terminal status, failed expectation), updates the rows and appends their history.
 * Writes of one order are applied in the order they were made: a batch holding several for the
 * same order applies them in rounds, inside one transaction. Each caller's promise settles once
 * its batch is committed.
 *
 * A write that would change nothing (the same broker id again, the status and fill figures the
 * order already has, a change to an order already terminal) is answered from the order's last
 * stored state without touching the database, when no earlier write of that order is pending.
 * That state is what this process last read or wrote, which holds while it leads the account:
 * the store's fencing keeps any other instance from writing meanwhile.
 */
export class OrderWriteBatcher {
  readonly #db: Database;
  readonly #t: Tables;
  readonly #writer: GroupCommitWriter<OrderWrite, OrderUpdateResult>;
  readonly #known = new Map<string, OrderRecord>();
  /** Writes queued or committing, per client order id. */
  readonly #pending = new Map<string, number>();

  constructor(db: Database, tables: Tables, options: GroupCommitOptions = {}) {
    this.#db = db;
    this.#t = tables;
    // One write the database refuses must not fail the others: they are then tried one by one.
    this.#writer = new GroupCommitWriter((items) => this.#commit(items), {
      ...options,
      isolate: (error) => !isConnectionFailure(error),
    });
  }

  /** Batches committed so far, for benchmarks and metrics. */
  get stats(): GroupCommitStats {
    return this.#writer.stats;
  }

  /** Notes the stored state of an order (read or written elsewhere in the repository). */
  remember(order: OrderRecord): void {
    if (this.#pending.has(order.clientOrderId)) return; // a queued write will tell
    this.#note(order);
  }

  /**
   * Drops every remembered state: they hold only while this process leads, so a change of the
   * leadership epoch (another instance may have written meanwhile) makes the next writes ask the
   * database again.
   */
  forgetKnown(): void {
    this.#known.clear();
  }

  /** Applies one write with the next batch; resolves once it is committed. */
  async write(item: OrderWrite): Promise<OrderUpdateResult> {
    const id = item.clientOrderId;
    if (!this.#pending.has(id)) {
      const known = this.#known.get(id);
      const answer = known === undefined ? undefined : answerWithout(item, known);
      if (answer !== undefined) return answer;
    }
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1);
    try {
      return await this.#writer.append(item);
    } finally {
      const left = (this.#pending.get(id) ?? 1) - 1;
      if (left === 0) this.#pending.delete(id);
      else this.#pending.set(id, left);
    }
  }

  /** Commits every queued write now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Commits what is queued, then refuses further writes with `STORE_CLOSED`. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  async #commit(items: readonly OrderWrite[]): Promise<OrderUpdateResult[]> {
    try {
      return await this.#run(items);
    } catch (error) {
      for (const item of items) this.#known.delete(item.clientOrderId);
      throw error;
    }
  }

  /** Applies the writes in rounds (the n-th write of each order in round n); one statement each. */
  async #run(items: readonly OrderWrite[]): Promise<OrderUpdateResult[]> {
    const rounds: { index: number; item: OrderWrite }[][] = [];
    const seen = new Map<string, number>();
    for (const [index, item] of items.entries()) {
      const round = seen.get(item.clientOrderId) ?? 0;
      seen.set(item.clientOrderId, round + 1);
      (rounds[round] ??= []).push({ index, item });
    }
    const results: OrderUpdateResult[] = new Array(items.length);
    const apply = async (q: Queryable) => {
      for (const round of rounds) {
        const answers = await this.#statement(
          q,
          round.map((r) => r.item),
        );
        for (const [j, r] of round.entries()) results[r.index] = answers[j]!;
      }
    };
    // One round is one statement, atomic on its own; several share a transaction.
    if (rounds.length === 1) await apply(this.#db);
    else await this.#db.transaction(apply);
    for (const result of results) {
      const order = result.applied ? result.order : result.current;
      if (order !== null) this.#note(order);
    }
    return results;
  }

  /** One statement for writes of distinct orders: lock, decide, update, append history, answer. */
  async #statement(q: Queryable, items: readonly OrderWrite[]): Promise<OrderUpdateResult[]> {
    const t = this.#t;
    const input = items.map((item, ord) =>
      item.kind === 'ack'
        ? {
            ord,
            kind: 'ack',
            id: item.clientOrderId,
            status: item.ack.status,
            at: item.ack.at,
            reason: null,
            history_reason: 'acknowledged',
            filled_qty: null,
            avg_fill_price: null,
            close_reason: null,
            expected_status: null,
            expected_version: null,
            broker_order_id: item.ack.brokerOrderId,
            tp: item.ack.legs?.takeProfit ?? null,
            sl: item.ack.legs?.stopLoss ?? null,
          }
        : {
            ord,
            kind: 'transition',
            id: item.clientOrderId,
            status: item.change.to,
            at: item.change.at,
            reason: item.change.reason ?? null,
            history_reason: item.change.reason ?? null,
            filled_qty: item.change.filledQty ?? null,
            avg_fill_price: item.change.avgFillPrice ?? null,
            close_reason: item.change.closeReason ?? null,
            expected_status: item.change.expectedStatus ?? null,
            expected_version: item.change.expectedVersion ?? null,
            broker_order_id: null,
            tp: null,
            sl: null,
          },
    );
    const { rows } = await q.query<Partial<OrderRow> & { ord: number; outcome: Decision }>(
      `WITH input AS (
         SELECT x.ord AS in_ord, x.kind AS in_kind, x.id AS in_id, x.status AS in_status, x.at AS in_at,
                x.reason AS in_reason, x.history_reason AS in_history_reason, x.filled_qty AS in_filled_qty,
                x.avg_fill_price AS in_avg_fill_price, x.close_reason AS in_close_reason,
                x.expected_status AS in_expected_status, x.expected_version AS in_expected_version,
                x.broker_order_id AS in_broker_order_id, x.tp AS in_tp, x.sl AS in_sl
         FROM jsonb_to_recordset($1::jsonb) AS x(ord int, kind text, id text, status text, at float8,
                reason text, history_reason text, filled_qty numeric, avg_fill_price numeric,
                close_reason text, expected_status text, expected_version int, broker_order_id text,
                tp text, sl text)),
       cur AS MATERIALIZED (
         SELECT o.* FROM ${t.orders} o WHERE o.client_order_id IN (SELECT in_id FROM input)
         ORDER BY o.client_order_id FOR UPDATE),
       decided AS (
         SELECT i.*, c.status AS cur_status,
           CASE
             WHEN c.client_order_id IS NULL THEN 'not-found'
             WHEN i.in_kind = 'ack' AND c.broker_order_id IS NOT NULL THEN
               CASE WHEN c.broker_order_id = i.in_broker_order_id THEN 'same' ELSE 'conflict' END
             WHEN i.in_kind = 'ack' AND c.status IN (${ACK_REFUSED_SQL}) THEN 'terminal'
             WHEN i.in_kind = 'ack' THEN 'apply'
             WHEN c.status IN (${TERMINAL_SQL}) THEN 'terminal'
             WHEN (i.in_expected_status IS NOT NULL AND i.in_expected_status <> c.status)
               OR (i.in_expected_version IS NOT NULL AND i.in_expected_version <> c.version) THEN 'stale'
             WHEN i.in_status = c.status
               AND (i.in_filled_qty IS NULL OR i.in_filled_qty = c.filled_qty)
               AND (i.in_avg_fill_price IS NULL OR i.in_avg_fill_price = c.avg_fill_price)
               AND (i.in_close_reason IS NULL OR i.in_close_reason = c.close_reason) THEN 'same'
             ELSE 'apply'
           END AS outcome
         FROM input i LEFT JOIN cur c ON c.client_order_id = i.in_id),
       upd AS (
         UPDATE ${t.orders} o SET
           status = d.in_status,
           status_reason = CASE WHEN d.in_kind = 'transition' THEN d.in_reason ELSE o.status_reason END,
           broker_order_id = coalesce(d.in_broker_order_id, o.broker_order_id),
           take_profit_leg_id = coalesce(d.in_tp, o.take_profit_leg_id),
           stop_loss_leg_id = coalesce(d.in_sl, o.stop_loss_leg_id),
           acked_at = CASE WHEN d.in_kind = 'ack' THEN ${fromEpochMs('d.in_at')} ELSE o.acked_at END,
           filled_qty = coalesce(d.in_filled_qty, o.filled_qty),
           avg_fill_price = coalesce(d.in_avg_fill_price, o.avg_fill_price),
           close_reason = coalesce(d.in_close_reason, o.close_reason),
           updated_at = ${fromEpochMs('d.in_at')},
           version = o.version + 1
         FROM decided d
         WHERE d.outcome = 'apply' AND o.client_order_id = d.in_id
         RETURNING o.*, d.in_ord, d.cur_status, d.in_history_reason, d.in_at),
       hist AS (
         INSERT INTO ${t.order_status_history} (client_order_id, from_status, to_status, reason, filled_qty, at)
         SELECT client_order_id, cur_status, status, in_history_reason, filled_qty, ${fromEpochMs('in_at')}
         FROM upd ORDER BY in_ord)
       SELECT d.in_ord AS ord, d.outcome, r.*
       FROM decided d
       LEFT JOIN LATERAL (
         SELECT ${ORDER_COLUMNS} FROM upd WHERE upd.client_order_id = d.in_id AND d.outcome = 'apply'
         UNION ALL
         SELECT ${ORDER_COLUMNS} FROM cur WHERE cur.client_order_id = d.in_id AND d.outcome <> 'apply'
       ) r ON true
       ORDER BY d.in_ord`,
      [JSON.stringify(input)],
    );
    if (rows.length !== items.length) {
      throw new Error(`order writes returned ${rows.length} rows for ${items.length} writes`);
    }
    return rows.map((row) => {
      const order =
        row.client_order_id === null || row.client_order_id === undefined ? null : toOrder(row as OrderRow);
      switch (row.outcome) {
        case 'apply':
        case 'same':
          return { applied: true, order: order! };
        case 'not-found':
          return { applied: false, reason: 'not-found', current: null };
        default:
          return { applied: false, reason: row.outcome, current: order };
      }
    });
  }

  #note(order: OrderRecord): void {
    this.#known.delete(order.clientOrderId);
    this.#known.set(order.clientOrderId, order);
    if (this.#known.size > REMEMBERED_ORDERS) {
      const oldest = this.#known.keys().next().value;
      if (oldest !== undefined) this.#known.delete(oldest);
    }
  }
}

/**
 * The answer to a write when the order's stored state settles it without a change (what the
 * batch statement would decide), or undefined when the database must apply it.
 */
function answerWithout(item: OrderWrite, current: OrderRecord): OrderUpdateResult | undefined {
  if (item.kind === 'ack') {
    if (current.brokerOrderId !== null) {
      return current.brokerOrderId === item.ack.brokerOrderId
        ? { applied: true, order: current }
        : { applied: false, reason: 'conflict', current };
    }
    if (isTerminalStatus(current.status) && current.status !== 'submit_failed') {
      return { applied: false, reason: 'terminal', current };
    }
    return undefined;
  }
  const change = item.change;
  if (isTerminalStatus(current.status)) return { applied: false, reason: 'terminal', current };
  if (
    (change.expectedStatus !== undefined && change.expectedStatus !== current.status) ||
    (change.expectedVersion !== undefined && change.expectedVersion !== current.version)
  ) {
    return { applied: false, reason: 'stale', current };
  }
  if (
    change.to === current.status &&
    (change.filledQty === undefined || change.filledQty === current.filledQty) &&
    (change.avgFillPrice === undefined || change.avgFillPrice === current.avgFillPrice) &&
    (change.closeReason === undefined || change.closeReason === current.closeReason)
  ) {
    return { applied: true, order: current };
  }
  return undefined;
}
