import type {
  BreakerTrip,
  DayStartEquity,
  PersistedRiskState,
  RiskStateStore,
} from '../../core/state-store.ts';

/**
 * The risk state as a standby sees it: read from the store, never written. A standby's engine
 * only mirrors the leader's state for reads; whatever it would persist is the leader's to decide.
 */
export class FollowerRiskState implements RiskStateStore {
  readonly #inner: RiskStateStore;

  constructor(inner: RiskStateStore) {
    this.#inner = inner;
  }

  load(): Promise<PersistedRiskState> {
    return this.#inner.load();
  }

  async saveTradingState(): Promise<void> {}

  async raisePeakEquity(equity: number): Promise<number> {
    return equity;
  }

  async saveDayStart(dayStart: DayStartEquity): Promise<DayStartEquity> {
    return dayStart;
  }

  async saveCounter(): Promise<void> {}

  listBreakerTrips(limit: number): Promise<readonly BreakerTrip[]> {
    return this.#inner.listBreakerTrips(limit);
  }
}
