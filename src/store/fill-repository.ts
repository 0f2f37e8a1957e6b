import type { Fill } from '../core/market.ts';
import { clampLimit } from './audit-log.ts';
import type { Database, Queryable } from './database.ts';
import { isConnectionFailure } from './errors.ts';
import { type GroupCommitOptions, type GroupCommitStats, GroupCommitWriter } from './group-commit.ts';
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

/** A fill checked and laid out as its row, ready to insert. */
interface PreparedFill {
  readonly execution_id: string;
  readonly client_order_id: string | null;
  readonly symbol: string;
  readonly side: Fill['side'];
  readonly qty: number;
  readonly price: number;
  readonly commission: number;
  readonly strategy: string | null;
  readonly reason: string | null;
  readonly at: number;
}

/**
 * Executions: stored once per execution id, so a fill the broker reports twice counts once.
 * Fills are group-committed: concurrent ones are inserted by one statement, in the order they
 * were recorded, and each caller's promise settles once its batch is committed.
 */
export class FillRepository {
  readonly #db: Database;
  readonly #t: Tables;
  readonly #writer: GroupCommitWriter<PreparedFill, { inserted: boolean; seq: number }>;

  constructor(db: Database, tables: Tables, groupCommit: GroupCommitOptions = {}) {
    this.#db = db;
    this.#t = tables;
    // A fill the database refuses must not fail the others: they are then tried one by one.
    this.#writer = new GroupCommitWriter((fills) => this.#commit(fills), {
      ...groupCommit,
      isolate: (error) => !isConnectionFailure(error),
    });
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
    return this.#writer.append({
      execution_id: fill.executionId,
      client_order_id: fill.clientOrderId ?? null,
      symbol: fill.symbol,
      side: fill.side,
      qty: fill.qty,
      price: fill.price,
      commission: finite(fill.commission ?? 0, 'commission'),
      strategy: fill.strategy ?? null,
      reason: fill.reason ?? null,
      at: fill.time,
    });
  }

  /** Fills recorded so far in batches, for benchmarks and metrics. */
  get writeStats(): GroupCommitStats {
    return this.#writer.stats;
  }

  /** Commits every queued fill now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Commits what is queued, then refuses further fills with `STORE_CLOSED`. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  /** Inserts a batch of fills in one statement, in order, each execution id once. */
  async #commit(fills: readonly PreparedFill[]): Promise<{ inserted: boolean; seq: number }[]> {
    const t = this.#t;
    const { rows } = await this.#db.query<{ ord: number; seq: number | null; inserted: boolean }>(
      `WITH input AS (
         SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (execution_id text, client_order_id text,
                symbol text, side text, qty numeric, price numeric, commission numeric, strategy text,
                reason text, at float8))
              WITH ORDINALITY AS x(execution_id, client_order_id, symbol, side, qty, price, commission,
                                   strategy, reason, at, ord)),
       ins AS (
         INSERT INTO ${t.fills} (execution_id, client_order_id, symbol, side, qty, price, commission,
           strategy, reason, at)
         SELECT execution_id, client_order_id, symbol, side, qty, price, commission, strategy, reason,
                ${fromEpochMs('at')}
         FROM input ORDER BY ord
         ON CONFLICT (execution_id) DO NOTHING
         RETURNING execution_id, seq)
       SELECT i.ord, coalesce(ins.seq, f.seq) AS seq, ins.seq IS NOT NULL AS inserted
       FROM input i
       LEFT JOIN ins ON ins.execution_id = i.execution_id
       LEFT JOIN ${t.fills} f ON f.execution_id = i.execution_id
       ORDER BY i.ord`,
      [JSON.stringify(fills)],
    );
    const seen = new Set<string>();
    const results: { inserted: boolean; seq: number }[] = [];
    for (const [i, row] of rows.entries()) {
      const id = fills[i]!.execution_id;
      // A second fill with the same execution id in one batch is a duplicate of the first.
      const inserted = row.inserted && !seen.has(id);
      seen.add(id);
      let seq = row.seq;
      if (seq === null) {
        // A concurrent writer committed the same execution after this statement's snapshot was
        // taken: its row is visible to a new statement.
        const again = await this.#db.query<{ seq: number }>(
          `SELECT seq FROM ${t.fills} WHERE execution_id = $1`,
          [id],
        );
        seq = again.rows[0]!.seq;
      }
      results.push({ inserted, seq });
    }
    return results;
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
