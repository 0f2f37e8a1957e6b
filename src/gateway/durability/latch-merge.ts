import type { BreakerTrip } from '../../core/state-store.ts';
import { isMoreSevere, type TradingStateRecord } from '../../core/trading-state.ts';

/** One latch transition as the local journal recorded it. */
export interface JournalledLatch {
  /** The journal's sequence number of the entry. */
  readonly seq: number;
  readonly record: TradingStateRecord;
  readonly trip?: BreakerTrip;
  /** True once the journal recorded that this transition also reached the store. */
  readonly stored: boolean;
}

/** Which record the latch is restored from, and why. */
export interface LatchMerge {
  readonly source: 'store' | 'journal';
  readonly record: TradingStateRecord;
  /** The trip that caused the journal's record, when the journal wins. */
  readonly trip?: BreakerTrip;
  /** True when the store must be brought up to date with the journal's record. */
  readonly storeBehind: boolean;
  readonly why: string;
}

/** Two records of one transition: same state, code, author, reason and time. */
export function sameTransition(a: TradingStateRecord, b: TradingStateRecord): boolean {
  return a.state === b.state && a.code === b.code && a.by === b.by && a.at === b.at && a.reason === b.reason;
}

/**
 * Decides the latch at start from the store's record and the local journal's history.
 *
 * A record overrides the other only when it was made with knowledge of it; otherwise the
 * more restrictive one wins (at equal severity, the later one):
 * 1. no journalled transition, or the journal's last one is the store's: the store;
 * 2. the store's record appears earlier in the journal: the journal saw it and moved on
 *    (a halt while the store was down, or an authorised reset the store never got): the journal;
 * 3. the journal's last transition reached the store, and the store's record is not older: the
 *    store moved on from it (a reset or trip the journal could not record): the store;
 * 4. otherwise neither knew the other's latest (e.g. a halt while the store was down and a reset
 *    written to the store by another instance): the more restrictive.
 */
export function mergeLatch(store: TradingStateRecord, journal: readonly JournalledLatch[]): LatchMerge {
  const last = journal.at(-1);
  if (last === undefined)
    return { source: 'store', record: store, storeBehind: false, why: 'nothing journalled' };
  if (sameTransition(last.record, store)) {
    return { source: 'store', record: store, storeBehind: false, why: 'the store and the journal agree' };
  }
  const fromJournal = (why: string): LatchMerge => ({
    source: 'journal',
    record: last.record,
    ...(last.trip !== undefined ? { trip: last.trip } : {}),
    storeBehind: true,
    why,
  });
  if (journal.slice(0, -1).some((j) => sameTransition(j.record, store))) {
    return fromJournal(`the journal recorded ${describe(last.record)} after the store's ${describe(store)}`);
  }
  if (last.stored && store.at >= last.record.at) {
    return {
      source: 'store',
      record: store,
      storeBehind: false,
      why: `the store moved on to ${describe(store)} after the journal's ${describe(last.record)} reached it`,
    };
  }
  const journalWins =
    isMoreSevere(last.record.state, store.state) ||
    (last.record.state === store.state && last.record.at > store.at);
  const why = `the store (${describe(store)}) and the journal (${describe(last.record)}) each lack the other's latest; the more restrictive wins`;
  return journalWins ? fromJournal(why) : { source: 'store', record: store, storeBehind: false, why };
}

function describe(r: TradingStateRecord): string {
  return `${r.state} ${r.code} by ${r.by} at ${new Date(r.at).toISOString()}`;
}
