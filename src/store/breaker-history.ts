import type { BreakerTrip } from '../core/state-store.ts';
import { clampLimit } from './audit-log.ts';
import type { Database } from './database.ts';
import { BREAKER_COLUMNS, type BreakerRow, toBreakerTrip } from './risk-state-repository.ts';
import { epochTime, fromEpochMs, type Tables } from './sql.ts';
import { Where } from './where.ts';

/** A breaker trip as stored, with its id and when the database recorded it. */
export interface StoredBreakerTrip extends BreakerTrip {
  readonly id: number;
  /** Epoch ms when the database stored it. */
  readonly recordedAt: number;
}

/** Filters of {@link BreakerHistory.list}; all optional. */
export interface BreakerQuery {
  readonly code?: string;
  /** From this epoch ms, inclusive. */
  readonly from?: number;
  /** Up to this epoch ms, exclusive. */
  readonly to?: number;
  /** Most trips returned; default 100. */
  readonly limit?: number;
}

/** Read side of breaker trips (they are written with the latch, by the risk state store). */
export class BreakerHistory {
  readonly #db: Database;
  readonly #t: Tables;

  constructor(db: Database, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  /** Trips matching `filter`, newest first. */
  async list(filter: BreakerQuery = {}): Promise<StoredBreakerTrip[]> {
    const where = new Where();
    if (filter.code !== undefined) where.add('code = ?', filter.code);
    if (filter.from !== undefined) where.add(`at >= ${fromEpochMs('?')}`, epochTime(filter.from, 'from'));
    if (filter.to !== undefined) where.add(`at < ${fromEpochMs('?')}`, epochTime(filter.to, 'to'));
    const { rows } = await this.#db.query<BreakerRow>(
      `SELECT ${BREAKER_COLUMNS} FROM ${this.#t.breaker_events} ${where.sql()}
       ORDER BY at DESC, id DESC LIMIT ${clampLimit(filter.limit)}`,
      where.params,
    );
    return rows.map((row) => ({ ...toBreakerTrip(row), id: row.id, recordedAt: row.recorded_at }));
  }
}
