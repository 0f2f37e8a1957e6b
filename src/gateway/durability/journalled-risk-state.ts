import type {
  BreakerTrip,
  DayStartEquity,
  PersistedRiskState,
  RiskStateStore,
} from '../../core/state-store.ts';
import { isMoreSevere, type TradingStateRecord } from '../../core/trading-state.ts';
import { type JournalledLatch, mergeLatch, sameTransition } from './latch-merge.ts';
import type { JournalEntry, LocalJournal } from './local-journal.ts';

/** Whether the latch in force is recorded in each durable record. */
export interface LatchDurability {
  /** In the local journal (fsync'd). */
  readonly journal: boolean;
  /** In the store. */
  readonly store: boolean;
}

/** The journal entry of a latch transition. */
interface LatchData {
  readonly record: TradingStateRecord;
  readonly trip?: BreakerTrip;
}

/** What the start-up merge decided, for the log. */
export interface LatchRestore {
  readonly source: 'store' | 'journal';
  readonly record: TradingStateRecord;
  readonly why: string;
}

/**
 * The engine's {@link RiskStateStore} with a second durable record: every latch transition is
 * appended to the local journal (fsync'd) before it is sent to the store, and the journal notes
 * when it reached the store. Latch writes to the store are sent one at a time, in order, so a
 * slow older write cannot land after a newer one. {@link load} restores the latch from both
 * records (see `mergeLatch`) and brings the store up to date when the journal knows better.
 */
export class JournalledRiskState implements RiskStateStore {
  readonly #inner: RiskStateStore;
  readonly #journal: LocalJournal | undefined;
  readonly #history: JournalledLatch[];
  readonly #onJournalError: (error: unknown) => void;
  #chain: Promise<unknown> = Promise.resolve();
  /** The latest transition handed to this store and what became of it. */
  #current: { record: TradingStateRecord; journal: boolean; store: boolean } | undefined;
  #restore: LatchRestore | undefined;

  constructor(options: {
    readonly inner: RiskStateStore;
    /** Undefined when the journal could not be opened: latch writes then go to the store only. */
    readonly journal: LocalJournal | undefined;
    /** The journal's entries as read at open. */
    readonly entries: readonly JournalEntry[];
    readonly onJournalError: (error: unknown) => void;
  }) {
    this.#inner = options.inner;
    this.#journal = options.journal;
    this.#onJournalError = options.onJournalError;
    this.#history = latchHistory(options.entries);
  }

  /** What the last {@link load} decided. */
  get restored(): LatchRestore | undefined {
    return this.#restore;
  }

  /** Durability of the latch in force (the last transition written, or the one restored). */
  durability(): LatchDurability {
    const current = this.#current;
    return current === undefined
      ? { journal: this.#journal !== undefined, store: true }
      : { journal: current.journal, store: current.store };
  }

  async load(): Promise<PersistedRiskState> {
    const stored = await this.#inner.load();
    const merge = mergeLatch(stored.tradingState, this.#history);
    this.#restore = { source: merge.source, record: merge.record, why: merge.why };
    if (merge.source === 'store') {
      // The journal records the latch it starts from, so both records hold it from now on.
      const journalled = this.#journalHas(merge.record) || this.#append(merge.record, undefined);
      this.#markStored(merge.record);
      this.#current = { record: merge.record, journal: journalled, store: true };
      return stored;
    }
    const counters = mergedCounters(stored, merge.record, merge.trip);
    // The store is brought up to date before the engine runs on the merged state.
    await this.#inner.saveTradingState(merge.record, merge.trip);
    await this.#inner.saveCounter('engine', counters.engine, merge.record.at);
    this.#markStored(merge.record);
    this.#current = { record: merge.record, journal: true, store: true };
    return { ...stored, tradingState: merge.record, counters };
  }

  saveTradingState(record: TradingStateRecord, trip?: BreakerTrip): Promise<void> {
    const previous = this.#current;
    // A retry of the transition in force is not journalled twice.
    const retry = previous !== undefined && sameTransition(previous.record, record) && previous.journal;
    const current = { record, journal: retry, store: false };
    this.#current = current;
    if (!retry) current.journal = this.#append(record, trip);
    const write = this.#chain.then(() => this.#inner.saveTradingState(record, trip));
    this.#chain = write.catch(() => undefined);
    return write.then(() => {
      current.store = true;
      this.#markStored(record);
    });
  }

  raisePeakEquity(equity: number, at: number): Promise<number> {
    return this.#inner.raisePeakEquity(equity, at);
  }

  saveDayStart(dayStart: DayStartEquity, at: number): Promise<DayStartEquity> {
    return this.#inner.saveDayStart(dayStart, at);
  }

  saveCounter(name: string, value: unknown, at: number): Promise<void> {
    return this.#inner.saveCounter(name, value, at);
  }

  listBreakerTrips(limit: number): Promise<readonly BreakerTrip[]> {
    return this.#inner.listBreakerTrips(limit);
  }

  #journalHas(record: TradingStateRecord): boolean {
    return this.#history.some((j) => sameTransition(j.record, record));
  }

  /** Appends a transition to the journal; false (and reported) when it could not be written. */
  #append(record: TradingStateRecord, trip: BreakerTrip | undefined): boolean {
    if (this.#journal === undefined) return false;
    try {
      const data: LatchData = trip === undefined ? { record } : { record, trip };
      const entry = this.#journal.append('latch', data);
      this.#history.push({ seq: entry.seq, record, ...(trip !== undefined ? { trip } : {}), stored: false });
      return true;
    } catch (error) {
      this.#onJournalError(error);
      return false;
    }
  }

  /** Notes in the journal that a transition reached the store (best effort: only a hint at start). */
  #markStored(record: TradingStateRecord): void {
    const i = this.#history.findLastIndex((j) => sameTransition(j.record, record));
    const entry = this.#history[i];
    if (entry === undefined || entry.stored || this.#journal === undefined) return;
    try {
      this.#journal.append('latch-stored', { seq: entry.seq });
      this.#history[i] = { ...entry, stored: true };
    } catch (error) {
      this.#onJournalError(error);
    }
  }
}

/** The latch transitions of a journal, each marked when a later entry says it reached the store. */
export function latchHistory(entries: readonly JournalEntry[]): JournalledLatch[] {
  const history: JournalledLatch[] = [];
  const stored = new Set<number>();
  for (const e of entries) {
    if (e.type === 'latch-stored') stored.add((e.data as { seq: number }).seq);
  }
  for (const e of entries) {
    if (e.type !== 'latch') continue;
    const data = e.data as LatchData;
    history.push({
      seq: e.seq,
      record: data.record,
      ...(data.trip !== undefined ? { trip: data.trip } : {}),
      stored: stored.has(e.seq),
    });
  }
  return history;
}

/**
 * The engine's counters to restore with the journal's record: a halt or trip adds its trip to
 * the latched ones; a reset the store never got clears what a reset clears (tripped breakers,
 * disabled strategies, the pause, breakers' own state).
 */
function mergedCounters(
  stored: PersistedRiskState,
  record: TradingStateRecord,
  trip: BreakerTrip | undefined,
): Record<string, unknown> & { engine: Record<string, unknown> } {
  const engine = { ...((stored.counters.engine as Record<string, unknown> | undefined) ?? {}) };
  if (record.code === 'RESET' && isMoreSevere(stored.tradingState.state, record.state)) {
    return {
      ...stored.counters,
      engine: {
        tripped: [],
        disabledStrategies: [],
        pause: { until: 0, code: '', reason: '' },
        breakers: {},
      },
    };
  }
  if (trip !== undefined && trip.code === record.code) {
    const tripped = ((engine.tripped as BreakerTrip[] | undefined) ?? []).filter(
      (t) => t.breakerId !== trip.breakerId,
    );
    engine.tripped = [...tripped, trip];
  }
  return { ...stored.counters, engine };
}
