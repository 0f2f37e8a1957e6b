import type { BreakerTrip, DayStartEquity, PersistedRiskState, RiskStateStore } from '../core/state-store.ts';
import { INITIAL_TRADING_STATE, type TradingState, type TradingStateRecord } from '../core/trading-state.ts';
import { insertAuditEvents, prepareAuditEvent } from './audit-log.ts';
import type { AuditKind } from './audit-types.ts';
import type { Database, Queryable } from './database.ts';
import { epochMs, epochTime, fromEpochMs, json, type Tables, toNumber } from './sql.ts';

const SESSION_DATE = /^\d{4}-\d{2}-\d{2}$/;
const STATES: readonly TradingState[] = ['active', 'reducing', 'halted'];

interface StateRow {
  state: TradingState;
  code: string;
  reason: string;
  changed_by: string;
  changed_at: number;
}

function toRecord(row: StateRow): TradingStateRecord {
  return { state: row.state, code: row.code, reason: row.reason, by: row.changed_by, at: row.changed_at };
}

/** Which audit kind a latch transition is filed under. */
function auditKindOf(record: TradingStateRecord): AuditKind {
  // A latch lifted by its breaker's policy is filed like a reset (by `system`).
  if (record.code === 'RESET' || record.code === 'REARM') return 'reset';
  if (record.code === 'KILL_SWITCH') return 'kill-switch';
  return 'trading-state';
}

/**
 * The core's {@link RiskStateStore} port on Postgres (PGlite or a server). Every write is
 * its own committed transaction before the promise resolves. A latch transition writes the
 * current state, its history row, the breaker trip and an audit event atomically. Peak
 * equity is a max-merge (`GREATEST`) upsert and day-start equity is first-writer-wins, so
 * concurrent writers in other processes can neither lower the peak nor replace a day start.
 */
export class PostgresRiskStateStore implements RiskStateStore {
  readonly #db: Database;
  readonly #t: Tables;

  constructor(db: Database, tables: Tables) {
    this.#db = db;
    this.#t = tables;
  }

  async load(): Promise<PersistedRiskState> {
    return this.#db.transaction((tx) => loadRiskState(tx, this.#t), {
      isolation: 'repeatable read',
      readOnly: true,
    });
  }

  async saveTradingState(record: TradingStateRecord, trip?: BreakerTrip): Promise<void> {
    if (!STATES.includes(record.state)) throw new RangeError(`unknown trading state ${record.state}`);
    epochTime(record.at, 'trading state time');
    const audit = prepareAuditEvent({
      at: record.at,
      kind: auditKindOf(record),
      actor: record.by,
      codes: trip !== undefined && trip.code !== record.code ? [record.code, trip.code] : [record.code],
      message: `trading state → ${record.state}: ${record.reason}`,
      data: { record, ...(trip !== undefined ? { trip } : {}) },
    });
    const t = this.#t;
    await this.#db.transaction(async (tx) => {
      const params = [record.state, record.code, record.reason, record.by, record.at];
      await tx.query(
        `INSERT INTO ${t.risk_state} (singleton, state, code, reason, changed_by, changed_at, updated_at)
         VALUES (true, $1, $2, $3, $4, ${fromEpochMs('$5')}, now())
         ON CONFLICT (singleton) DO UPDATE SET state = EXCLUDED.state, code = EXCLUDED.code,
           reason = EXCLUDED.reason, changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at,
           updated_at = now()`,
        params,
      );
      await tx.query(
        `INSERT INTO ${t.risk_state_history} (state, code, reason, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, ${fromEpochMs('$5')})`,
        params,
      );
      if (trip !== undefined) await insertBreakerTrip(tx, t, trip);
      await insertAuditEvents(tx, t, [audit]);
    });
  }

  async raisePeakEquity(equity: number, at: number): Promise<number> {
    if (!Number.isFinite(equity)) {
      // A NaN mark must never become the peak; report the stored one unchanged.
      return (await this.load()).peakEquity ?? equity;
    }
    epochTime(at, 'peak equity time');
    const { rows } = await this.#db.query<{ equity: string }>(
      `INSERT INTO ${this.#t.peak_equity} AS p (singleton, equity, at) VALUES (true, $1, ${fromEpochMs('$2')})
       ON CONFLICT (singleton) DO UPDATE
         SET equity = GREATEST(p.equity, EXCLUDED.equity),
             at = CASE WHEN EXCLUDED.equity > p.equity THEN EXCLUDED.at ELSE p.at END,
             updated_at = now()
       RETURNING equity`,
      [equity, at],
    );
    return toNumber(rows[0]?.equity);
  }

  async saveDayStart(dayStart: DayStartEquity, at: number): Promise<DayStartEquity> {
    if (!SESSION_DATE.test(dayStart.sessionDate)) {
      throw new RangeError(`sessionDate must be YYYY-MM-DD, got ${JSON.stringify(dayStart.sessionDate)}`);
    }
    if (!Number.isFinite(dayStart.equity)) throw new RangeError(`day-start equity must be finite`);
    epochTime(at, 'day start time');
    // DO UPDATE with the stored value (not DO NOTHING) so RETURNING yields the winner's row
    // even when a concurrent first writer committed after this statement started.
    const { rows } = await this.#db.query<{ session_date: string; equity: string }>(
      `INSERT INTO ${this.#t.day_start_equity} AS d (session_date, equity, at)
       VALUES ($1::date, $2, ${fromEpochMs('$3')})
       ON CONFLICT (session_date) DO UPDATE SET equity = d.equity
       RETURNING to_char(session_date, 'YYYY-MM-DD') AS session_date, equity`,
      [dayStart.sessionDate, dayStart.equity, at],
    );
    const row = rows[0]!;
    return { sessionDate: row.session_date, equity: toNumber(row.equity) };
  }

  async saveCounter(name: string, value: unknown, at: number): Promise<void> {
    if (name === '') throw new RangeError('counter name must not be empty');
    epochTime(at, 'counter time');
    await this.#db.query(
      `INSERT INTO ${this.#t.counters} (name, value, updated_at) VALUES ($1, $2::jsonb, ${fromEpochMs('$3')})
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [name, json(value, `counter ${name}`), at],
    );
  }

  async listBreakerTrips(limit: number): Promise<readonly BreakerTrip[]> {
    const { rows } = await this.#db.query<BreakerRow>(
      `SELECT ${BREAKER_COLUMNS} FROM ${this.#t.breaker_events} ORDER BY at DESC, id DESC LIMIT $1`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map(toBreakerTrip);
  }

  /** Latch transitions, newest first. */
  async tradingStateHistory(limit = 100): Promise<TradingStateRecord[]> {
    const { rows } = await this.#db.query<StateRow>(
      `SELECT state, code, reason, changed_by, ${epochMs('changed_at')} AS changed_at
       FROM ${this.#t.risk_state_history} ORDER BY changed_at DESC, id DESC LIMIT $1`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map(toRecord);
  }
}

/** Reads the persisted risk state; run inside one transaction for a consistent view. */
export async function loadRiskState(q: Queryable, t: Tables): Promise<PersistedRiskState> {
  const state = await q.query<StateRow>(
    `SELECT state, code, reason, changed_by, ${epochMs('changed_at')} AS changed_at FROM ${t.risk_state}`,
  );
  const peak = await q.query<{ equity: string }>(`SELECT equity FROM ${t.peak_equity}`);
  const day = await q.query<{ session_date: string; equity: string }>(
    `SELECT to_char(session_date, 'YYYY-MM-DD') AS session_date, equity
     FROM ${t.day_start_equity} ORDER BY session_date DESC LIMIT 1`,
  );
  const counters = await q.query<{ name: string; value: unknown }>(
    `SELECT name, value FROM ${t.counters} ORDER BY name`,
  );
  const stateRow = state.rows[0];
  const peakRow = peak.rows[0];
  const dayRow = day.rows[0];
  return {
    tradingState: stateRow === undefined ? INITIAL_TRADING_STATE : toRecord(stateRow),
    peakEquity: peakRow === undefined ? null : toNumber(peakRow.equity),
    dayStart:
      dayRow === undefined ? null : { sessionDate: dayRow.session_date, equity: toNumber(dayRow.equity) },
    counters: Object.fromEntries(counters.rows.map((r) => [r.name, r.value])),
  };
}

/** Columns of a breaker event row as {@link BreakerRow}. */
export const BREAKER_COLUMNS = `id, breaker_id, code, action, flatten, message, "values",
  ${epochMs('at')} AS at, ${epochMs('recorded_at')} AS recorded_at`;

/** A breaker event as read from the database. */
export interface BreakerRow {
  id: number;
  breaker_id: string;
  code: string;
  action: BreakerTrip['action'];
  flatten: boolean;
  message: string;
  values: Record<string, number | string>;
  at: number;
  recorded_at: number;
}

/** Maps a breaker row to the core's {@link BreakerTrip}. */
export function toBreakerTrip(row: BreakerRow): BreakerTrip {
  return {
    breakerId: row.breaker_id,
    code: row.code,
    action: row.action,
    flatten: row.flatten,
    message: row.message,
    values: row.values,
    at: row.at,
  };
}

async function insertBreakerTrip(q: Queryable, t: Tables, trip: BreakerTrip): Promise<void> {
  epochTime(trip.at, 'breaker trip time');
  await q.query(
    `INSERT INTO ${t.breaker_events} (breaker_id, code, action, flatten, message, "values", at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, ${fromEpochMs('$7')})`,
    [
      trip.breakerId,
      trip.code,
      trip.action,
      trip.flatten,
      trip.message,
      json(trip.values, 'trip values'),
      trip.at,
    ],
  );
}
