import type { RearmPolicy } from './config/profile-schema.ts';
import type { TradingStateRecord } from './trading-state.ts';

/** Equity at the start of one trading session (America/New_York date). */
export interface DayStartEquity {
  /** Session date `YYYY-MM-DD` in America/New_York. */
  readonly sessionDate: string;
  /** Equity in dollars when the session's first mark arrived. */
  readonly equity: number;
}

/** A breaker trip as recorded for audit and recovery. */
export interface BreakerTrip {
  readonly breakerId: string;
  readonly code: string;
  readonly action: 'reducing' | 'halted';
  readonly flatten: boolean;
  readonly message: string;
  readonly values: Readonly<Record<string, number | string>>;
  readonly at: number;
  /** How this latch re-arms (see `RearmPolicy`); absent in older records, which count as manual. */
  readonly rearm?: RearmPolicy;
}

/** Everything about risk that must survive a restart. */
export interface PersistedRiskState {
  readonly tradingState: TradingStateRecord;
  /** Highest equity ever marked, in dollars; null before the first mark. */
  readonly peakEquity: number | null;
  readonly dayStart: DayStartEquity | null;
  /** Named counters kept by rules (loss streak, disabled strategies, ...), as JSON values. */
  readonly counters: Readonly<Record<string, unknown>>;
}

/**
 * Port through which the engine persists the risk state that must survive a restart.
 * Implementations: in memory (this module), PGlite and a Postgres server (the store layer).
 * Every write resolves only when it is durable.
 */
export interface RiskStateStore {
  /** Loads the persisted state; a store that was never written returns the initial state. */
  load(): Promise<PersistedRiskState>;
  /** Persists a latch transition (and the trip that caused it, if any). */
  saveTradingState(record: TradingStateRecord, trip?: BreakerTrip): Promise<void>;
  /**
   * Raises the stored peak to `equity` if higher and returns the stored peak afterwards.
   * Concurrent writers never lower it (max-merge).
   */
  raisePeakEquity(equity: number, at: number): Promise<number>;
  /**
   * Records the session's day-start equity if none is stored for that session yet, and
   * returns the one stored (the first writer wins).
   */
  saveDayStart(dayStart: DayStartEquity, at: number): Promise<DayStartEquity>;
  /** Stores a named counter (replacing the previous value). */
  saveCounter(name: string, value: unknown, at: number): Promise<void>;
  /** Breaker trips, newest first. */
  listBreakerTrips(limit: number): Promise<readonly BreakerTrip[]>;
}
