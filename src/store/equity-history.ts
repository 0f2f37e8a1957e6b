import type { AccountSnapshot } from '../core/market.ts';
import type { DayStartEquity } from '../core/state-store.ts';
import { clampLimit } from './audit-log.ts';
import type { Database, Queryable } from './database.ts';
import { type GroupCommitOptions, type GroupCommitStats, GroupCommitWriter } from './group-commit.ts';
import { epochMs, epochTime, finite, fromEpochMs, type Tables, toNumber } from './sql.ts';
import { Where } from './where.ts';

/** An account mark as stored: equity, cash and buying power in dollars at a time. */
export interface EquityMark extends AccountSnapshot {
  readonly id: number;
}

interface MarkRow {
  id: number;
  at: number;
  equity: string;
  cash: string;
  buying_power: string;
}

function toMark(row: MarkRow): EquityMark {
  return {
    id: row.id,
    time: row.at,
    equity: toNumber(row.equity),
    cash: toNumber(row.cash),
    buyingPower: toNumber(row.buying_power),
  };
}

const MARK_COLUMNS = `id, ${epochMs('at')} AS at, equity, cash, buying_power`;

/** Reads the newest equity mark; run inside a transaction for a consistent view. */
export async function loadLastEquityMark(q: Queryable, t: Tables): Promise<EquityMark | null> {
  const { rows } = await q.query<MarkRow>(
    `SELECT ${MARK_COLUMNS} FROM ${t.equity_marks} ORDER BY at DESC, id DESC LIMIT 1`,
  );
  const row = rows[0];
  return row === undefined ? null : toMark(row);
}

/**
 * Equity history: account marks (batched through a group-commit writer, since one arrives
 * with every account update), plus read access to peak and day-start equity.
 */
export class EquityHistory {
  readonly #db: Database;
  readonly #t: Tables;
  readonly #writer: GroupCommitWriter<AccountSnapshot, number>;

  constructor(db: Database, tables: Tables, groupCommit: GroupCommitOptions = {}) {
    this.#db = db;
    this.#t = tables;
    this.#writer = new GroupCommitWriter(async (marks) => {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO ${tables.equity_marks} (at, equity, cash, buying_power)
         SELECT ${fromEpochMs('x.at')}, x.equity, x.cash, x.buying_power
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (at float8, equity numeric, cash numeric, buying_power numeric))
              WITH ORDINALITY AS x(at, equity, cash, buying_power, ord)
         ORDER BY x.ord
         RETURNING id`,
        [
          JSON.stringify(
            marks.map((m) => ({ at: m.time, equity: m.equity, cash: m.cash, buying_power: m.buyingPower })),
          ),
        ],
      );
      // Ids of a bigserial column rise in insertion order, which follows ord.
      return rows.map((r) => r.id).sort((a, b) => a - b);
    }, groupCommit);
  }

  /** Records an account mark; resolves with its id once committed. */
  recordMark(snapshot: AccountSnapshot): Promise<number> {
    try {
      epochTime(snapshot.time, 'mark time');
      finite(snapshot.equity, 'equity');
      finite(snapshot.cash, 'cash');
      finite(snapshot.buyingPower, 'buying power');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#writer.append({
      time: snapshot.time,
      equity: snapshot.equity,
      cash: snapshot.cash,
      buyingPower: snapshot.buyingPower,
    });
  }

  /** Marks in a time range, newest first. */
  async marks(filter: { readonly from?: number; readonly to?: number; readonly limit?: number } = {}) {
    const where = new Where();
    if (filter.from !== undefined) where.add(`at >= ${fromEpochMs('?')}`, epochTime(filter.from, 'from'));
    if (filter.to !== undefined) where.add(`at < ${fromEpochMs('?')}`, epochTime(filter.to, 'to'));
    const { rows } = await this.#db.query<MarkRow>(
      `SELECT ${MARK_COLUMNS} FROM ${this.#t.equity_marks} ${where.sql()}
       ORDER BY at DESC, id DESC LIMIT ${clampLimit(filter.limit)}`,
      where.params,
    );
    return rows.map(toMark);
  }

  /** The newest mark, or null before the first. */
  lastMark(): Promise<EquityMark | null> {
    return loadLastEquityMark(this.#db, this.#t);
  }

  /** The stored peak equity with when it was reached, or null before the first mark. */
  async peak(): Promise<{ readonly equity: number; readonly at: number } | null> {
    const { rows } = await this.#db.query<{ equity: string; at: number }>(
      `SELECT equity, ${epochMs('at')} AS at FROM ${this.#t.peak_equity}`,
    );
    const row = rows[0];
    return row === undefined ? null : { equity: toNumber(row.equity), at: row.at };
  }

  /** Day-start equity per session, newest session first. */
  async dayStarts(limit = 30): Promise<DayStartEquity[]> {
    const { rows } = await this.#db.query<{ session_date: string; equity: string }>(
      `SELECT to_char(session_date, 'YYYY-MM-DD') AS session_date, equity FROM ${this.#t.day_start_equity}
       ORDER BY session_date DESC LIMIT ${clampLimit(limit)}`,
    );
    return rows.map((r) => ({ sessionDate: r.session_date, equity: toNumber(r.equity) }));
  }

  /** Commits queued marks now. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Flushes and refuses further marks. */
  close(): Promise<void> {
    return this.#writer.close();
  }

  /** Batching counters of the group-commit writer. */
  get writerStats(): GroupCommitStats {
    return this.#writer.stats;
  }
}
