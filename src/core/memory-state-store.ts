import type { BreakerTrip, DayStartEquity, PersistedRiskState, RiskStateStore } from './state-store.ts';
import { INITIAL_TRADING_STATE, type TradingStateRecord } from './trading-state.ts';

/** A {@link RiskStateStore} that keeps everything in memory: for backtests and tests. */
export class MemoryRiskStateStore implements RiskStateStore {
  #tradingState: TradingStateRecord = INITIAL_TRADING_STATE;
  #peak: number | null = null;
  #dayStarts = new Map<string, DayStartEquity>();
  #lastDayStart: DayStartEquity | null = null;
  #counters = new Map<string, unknown>();
  #trips: BreakerTrip[] = [];

  async load(): Promise<PersistedRiskState> {
    return {
      tradingState: this.#tradingState,
      peakEquity: this.#peak,
      dayStart: this.#lastDayStart,
      counters: Object.fromEntries(this.#counters),
    };
  }

  async saveTradingState(record: TradingStateRecord, trip?: BreakerTrip): Promise<void> {
    this.#tradingState = record;
    if (trip !== undefined) this.#trips.push(trip);
  }

  async raisePeakEquity(equity: number, _at: number): Promise<number> {
    if (Number.isFinite(equity) && (this.#peak === null || equity > this.#peak)) this.#peak = equity;
    return this.#peak ?? equity;
  }

  async saveDayStart(dayStart: DayStartEquity, _at: number): Promise<DayStartEquity> {
    const existing = this.#dayStarts.get(dayStart.sessionDate);
    if (existing !== undefined) return existing;
    this.#dayStarts.set(dayStart.sessionDate, dayStart);
    if (this.#lastDayStart === null || dayStart.sessionDate > this.#lastDayStart.sessionDate) {
      this.#lastDayStart = dayStart;
    }
    return dayStart;
  }

  async saveCounter(name: string, value: unknown, _at: number): Promise<void> {
    // Store a copy so later mutation by the caller cannot change what was "persisted".
    this.#counters.set(name, structuredClone(value));
  }

  async listBreakerTrips(limit: number): Promise<readonly BreakerTrip[]> {
    return this.#trips.slice(-limit).reverse();
  }
}
