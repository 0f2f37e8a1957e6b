import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INSTRUMENTS, profile, T0 } from '../../../test/support/engine-fixtures.ts';
import { ManualClock } from '../../core/clock.ts';
import { RiskEngine } from '../../core/engine.ts';
import { MemoryRiskStateStore } from '../../core/memory-state-store.ts';
import type { BreakerTrip, DayStartEquity, RiskStateStore } from '../../core/state-store.ts';
import type { TradingStateRecord } from '../../core/trading-state.ts';
import { JournalledRiskState } from './journalled-risk-state.ts';
import { mergeLatch } from './latch-merge.ts';
import { LocalJournal } from './local-journal.ts';

/** The memory store with writes that fail while `failing` is set, like a database that went away. */
class FlakyStore implements RiskStateStore {
  failing = false;
  readonly inner = new MemoryRiskStateStore();
  #check(): void {
    if (this.failing) throw new Error('connection refused');
  }
  async load() {
    this.#check();
    return this.inner.load();
  }
  async saveTradingState(record: TradingStateRecord, trip?: BreakerTrip) {
    this.#check();
    return this.inner.saveTradingState(record, trip);
  }
  async raisePeakEquity(equity: number, at: number) {
    this.#check();
    return this.inner.raisePeakEquity(equity, at);
  }
  async saveDayStart(dayStart: DayStartEquity, at: number) {
    this.#check();
    return this.inner.saveDayStart(dayStart, at);
  }
  async saveCounter(name: string, value: unknown, at: number) {
    this.#check();
    return this.inner.saveCounter(name, value, at);
  }
  listBreakerTrips(limit: number) {
    return this.inner.listBreakerTrips(limit);
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-durable-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An engine on the store with a journal in `dir`, as a gateway process would build it (a fresh read of the journal). */
async function boot(store: RiskStateStore, clock = new ManualClock(T0)) {
  const { journal, contents } = LocalJournal.open(join(dir, 'journal.jsonl'));
  const errors: unknown[] = [];
  const durable = new JournalledRiskState({
    inner: store,
    journal,
    entries: contents.entries,
    onJournalError: (e) => errors.push(e),
  });
  const engine = await RiskEngine.create({
    profile: profile(),
    clock,
    instruments: INSTRUMENTS,
    store: durable,
  });
  return { engine, durable, journal, clock, errors };
}

describe('latch kept in the journal and the store', () => {
  it('keeps a kill made while the store was down across a restart, and brings the store up to date', async () => {
    const store = new FlakyStore();
    const first = await boot(store);
    store.failing = true;
    first.engine.kill('ops', 'store is down');
    await first.engine.flush();
    expect(first.durable.durability()).toEqual({ journal: true, store: false });
    first.journal.close(); // the process dies; the store never got the halt

    store.failing = false;
    expect((await store.inner.load()).tradingState.state).toBe('active');
    const second = await boot(store);
    expect(second.engine.tradingState).toBe('halted');
    expect(second.durable.restored?.source).toBe('journal');
    expect((await store.inner.load()).tradingState).toMatchObject({ state: 'halted', code: 'KILL_SWITCH' });
    expect(second.engine.snapshot().trippedBreakers.map((t) => t.code)).toContain('KILL_SWITCH');
    second.journal.close();
  });

  it('journals the latch it starts from, so both records hold it', async () => {
    const store = new FlakyStore();
    const first = await boot(store);
    expect(first.durable.durability()).toEqual({ journal: true, store: true });
    first.journal.close();
    const second = await boot(store);
    expect(second.durable.restored?.why).toBe('the store and the journal agree');
    second.journal.close();
  });

  it('honours a reset recorded after a halt in both records', async () => {
    const store = new FlakyStore();
    const first = await boot(store);
    first.engine.kill('ops', 'halt');
    first.clock.advance(1_000);
    first.engine.reset('officer', 'all clear');
    await first.engine.flush();
    expect(first.durable.durability()).toEqual({ journal: true, store: true });
    first.journal.close();
    const second = await boot(store);
    expect(second.engine.tradingState).toBe('active');
    second.journal.close();
  });

  it('honours a journalled reset the store never got, made after the halt the store holds', async () => {
    const store = new FlakyStore();
    const first = await boot(store);
    first.engine.kill('ops', 'halt');
    await first.engine.flush();
    store.failing = true;
    first.clock.advance(1_000);
    first.engine.reset('officer', 'all clear');
    await first.engine.flush();
    first.journal.close();

    store.failing = false;
    expect((await store.inner.load()).tradingState.state).toBe('halted');
    const second = await boot(store);
    expect(second.engine.tradingState).toBe('active');
    expect(second.engine.snapshot().trippedBreakers).toEqual([]);
    expect((await store.inner.load()).tradingState.code).toBe('RESET');
    second.journal.close();
  });

  it('keeps the more restrictive record when neither knew the other: a reset in the store cannot lift a halt it never saw', async () => {
    const store = new FlakyStore();
    const first = await boot(store);
    store.failing = true;
    first.engine.kill('ops', 'halt while the store is down');
    await first.engine.flush();
    first.journal.close();
    store.failing = false;
    // Written by someone else, later, without knowledge of the halt.
    await store.inner.saveTradingState({
      state: 'active',
      code: 'RESET',
      reason: 'x',
      by: 'other',
      at: T0 + 60_000,
    });
    const second = await boot(store);
    expect(second.engine.tradingState).toBe('halted');
    second.journal.close();
  });

  it('follows the store when it moved on after the journal recorded that it had the halt', () => {
    const halt: TradingStateRecord = { state: 'halted', code: 'KILL_SWITCH', reason: 'r', by: 'ops', at: T0 };
    const reset: TradingStateRecord = {
      state: 'active',
      code: 'RESET',
      reason: 'ok',
      by: 'officer',
      at: T0 + 5,
    };
    expect(mergeLatch(reset, [{ seq: 1, record: halt, stored: true }]).source).toBe('store');
    expect(mergeLatch(reset, [{ seq: 1, record: halt, stored: false }]).source).toBe('journal');
  });
});
