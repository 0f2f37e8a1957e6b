import type { Fill } from '../core/market.ts';
import { clampLimit } from './audit-log.ts';
import type { Database, Queryable } from './database.ts';
import { epochMs, epochTime, finite, fromEpochMs, type Tables, toNumber } from './sql.ts';
import { Where } from './where.ts';

/** A fill as stored, with `seq`: the order in which fills were recorded. */
export interface StoredFill extends Fill {
  readonly seq: number;
}

interface FillRow {
  seq: number;
  execution_id: string;
  client_order_id: string | null;
  symbol: string;
  side: Fill['side'];
  qty: string;
  price: string;
  commission: string;
  strategy: string | null;
  reason: string | null;
  at: number;
}

const FILL_COLUMNS = `seq, execution_id, client_order_id, symbol, side, qty, price, commission, strategy, reason,
  ${epochMs('at')} AS at`;

function toFill(row: FillRow): StoredFill {
  return {
    seq: row.seq,
    executionId: row.execution_id,
    ...(row.client_order_id !== null ? { clientOrderId: row.client_order_id } : {}),
    symbol: row.symbol,
    side: row.side,
    qty: toNumber(row.qty),
    price: toNumber(row.price),
    time: row.at,
    commission: toNumber(row.commission),
    ...(row.strategy !== null ? { strategy: row.strategy } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
  };
}

/** Reads fills recorded after `afterSeq`, in recording order; run inside a transaction for a consistent view. */
export async function loadFillsAfter(q: Queryable, t: Tables, afterSeq: number): Promise<StoredFill[]> {
  const { rows } = await q.query<FillRow>(
    `SELECT ${FILL_COLUMNS} FROM ${t.fills} WHERE seq > $1 ORDER BY seq`,
    [afterSeq],
  );
  return rows.map(toFill);
}

/** Executions: stored once per execution id, so a fill the broker reports twice counts once. */
export class FillRepository {
  readonly #db: Database;
  readonly #t: Tables;

  constructor(db: Database, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  /**
   * Stores a fill unless its execution id is already stored. Resolves once committed with
   * whether it is new (apply it to positions only then) and its sequence number.
   */
  async record(fill: Fill): Promise<{ readonly inserted: boolean; readonly seq: number }> {
    if (fill.executionId === '') throw new RangeError('executionId must not be empty');
    if (!(fill.qty > 0)) throw new RangeError(`fill qty must be > 0, got ${fill.qty}`);
    finite(fill.qty, 'fill qty');
    finite(fill.price, 'fill price');
    epochTime(fill.time, 'fill time');
    const { rows } = await this.#db.query<{ seq: number; inserted: boolean }>(
      `WITH ins AS (
         INSERT INTO ${this.#t.fills} (execution_id, client_order_id, symbol, side, qty, price, commission,
           strategy, reason, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ${fromEpochMs('$10')})
         ON CONFLICT (execution_id) DO NOTHING
         RETURNING seq)
       SELECT seq, true AS inserted FROM ins
       UNION ALL
       SELECT seq, false AS inserted FROM ${this.#t.fills}
       WHERE execution_id = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [
        fill.executionId,
        fill.clientOrderId ?? null,
        fill.symbol,
        fill.side,
        fill.qty,
        fill.price,
        finite(fill.commission ?? 0, 'commission'),
        fill.strategy ?? null,
        fill.reason ?? null,
        fill.time,
      ],
    );
    const row = rows[0];
    if (row !== undefined) return { inserted: row.inserted, seq: row.seq };
    // A concurrent writer committed the same execution after this statement's snapshot was
    // taken: its row is visible to a new statement.
    const again = await this.#db.query<{ seq: number }>(
      `SELECT seq FROM ${this.#t.fills} WHERE execution_id = $1`,
      [fill.executionId],
    );
    return { inserted: false, seq: again.rows[0]!.seq };
  }

  /**
   * Filled quantity (shares) and value (dollars, Σ qty × price) recorded per client order id,
   * for the ids given; an id without fills is absent from the map. Recovery compares these with
   * the broker's cumulative figures to find executions the store missed.
   */
  async totalsByOrder(
    clientOrderIds: readonly string[],
  ): Promise<Map<string, { readonly qty: number; readonly value: number }>> {
    const totals = new Map<string, { readonly qty: number; readonly value: number }>();
    if (clientOrderIds.length === 0) return totals;
    const { rows } = await this.#db.query<{ client_order_id: string; qty: string; value: string }>(
      `SELECT client_order_id, sum(qty) AS qty, sum(qty * price) AS value FROM ${this.#t.fills}
       WHERE client_order_id = ANY($1::text[]) GROUP BY client_order_id`,
      [[...new Set(clientOrderIds)]],
    );
    for (const row of rows)
      totals.set(row.client_order_id, { qty: toNumber(row.qty), value: toNumber(row.value) });
    return totals;
  }

  /** The fill with this execution id, or null. */
  async get(executionId: string): Promise<StoredFill | null> {
    const { rows } = await this.#db.query<FillRow>(
      `SELECT ${FILL_COLUMNS} FROM ${this.#t.fills} WHERE execution_id = $1`,
      [executionId],
    );
    return rows[0] === undefined ? null : toFill(rows[0]);
  }

  /** Fills filtered by order, symbol or sequence, in recording order. */
  async list(
    filter: {
      readonly clientOrderId?: string;
      readonly symbol?: string;
      readonly afterSeq?: number;
      readonly limit?: number;
    } = {},
  ): Promise<StoredFill[]> {
    const where = new Where();
    if (filter.clientOrderId !== undefined) where.add('client_order_id = ?', filter.clientOrderId);
    if (filter.symbol !== undefined) where.add('symbol = ?', filter.symbol);
    if (filter.afterSeq !== undefined) where.add('seq > ?', filter.afterSeq);
    const { rows } = await this.#db.query<FillRow>(
      `SELECT ${FILL_COLUMNS} FROM ${this.#t.fills} ${where.sql()} ORDER BY seq LIMIT ${clampLimit(filter.limit, 10_000)}`,
      where.params,
    );
    return rows.map(toFill);
  }
}
