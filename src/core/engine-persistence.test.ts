import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
  switchBreaker,
} from '../../test/support/core-helpers.ts';
import { fill, INSTRUMENTS, order, profile, T0 } from '../../test/support/engine-fixtures.ts';
import { ManualClock } from './clock.ts';
import type { ProfileInput } from './config/profile-schema.ts';
import { RiskEngine } from './engine.ts';
import type { RiskEvent } from './engine-types.ts';
import { MemoryRiskStateStore } from './memory-state-store.ts';
import type { BreakerTrip, DayStartEquity, RiskStateStore } from './state-store.ts';
import type { TradingStateRecord } from './trading-state.ts';

/** A store whose writes reject while `failing` is set, like a database that went away. */
class FlakyStore implements RiskStateStore {
  failing = false;
  readonly inner = new MemoryRiskStateStore();

  #check(): void {
    if (this.failing) throw new Error('connection refused');
  }
  load() {
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

async function start(
  store: RiskStateStore,
  overrides: Partial<ProfileInput> = {},
  clock = new ManualClock(T0),
) {
  const engine = await RiskEngine.create({
    profile: profile(overrides),
    clock,
    instruments: INSTRUMENTS,
    store,
  });
  return { engine, clock };
}

describe('store failure', () => {
  it('denies entries with STORE_UNAVAILABLE while writes fail, lets exits through, and recovers after a good write', async () => {
    const store = new FlakyStore();
    const { engine } = await start(store);
    const events: RiskEvent[] = [];
    engine.subscribe((e) => events.push(e));
    mark(engine, 'AAPL', 100);
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    await engine.flush();

    store.failing = true;
    mark(engine, 'AAPL', 101); // a new peak: written to the store, which refuses
    await engine.flush();
    expect(engine.storeAvailable).toBe(false);
    expect(engine.snapshot().storeAvailable).toBe(false);
    expect(events.some((e) => e.type === 'store-error')).toBe(true);
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      ruleId: 'store',
      message: 'reason=connection refused',
    });
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100))).effect).toBe('close');

    store.failing = false;
    mark(engine, 'AAPL', 102); // the next write succeeds
    await engine.flush();
    expect(engine.storeAvailable).toBe(true);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });
  it('keeps denying entries after a failed latch write until the latch itself is stored again', async () => {
    const store = new FlakyStore();
    const { engine, clock } = await start(store);
    mark(engine, 'AAPL', 100);
    await engine.flush();

    store.failing = true;
    engine.kill('ops', 'store went away');
    await engine.flush();
    expect(engine.storeAvailable).toBe(false);
    expect((await store.inner.load()).tradingState.state).toBe('active');

    store.failing = false;
    clock.advance(1_000);
    mark(engine, 'AAPL', 150); // a new peak: this write succeeds, but the halt is still not stored
    await engine.flush();
    expect(engine.storeAvailable).toBe(false);
    const decision = engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true });
    expect(decision.kind === 'deny' ? decision.violations.map((v) => v.code) : []).toContain(
      'STORE_UNAVAILABLE',
    );

    expect(await engine.retryStoreWrites()).toBe(true);
    expect(engine.storeAvailable).toBe(true);
    const stored = await store.inner.load();
    expect(stored.tradingState).toMatchObject({ state: 'halted', code: 'KILL_SWITCH' });
    expect((await store.inner.listBreakerTrips(10)).map((t) => t.code)).toContain('KILL_SWITCH');
  });

  it('retries the failed writes until the store takes them', async () => {
    const store = new FlakyStore();
    const { engine } = await start(store);
    store.failing = true;
    engine.kill('ops', 'store went away');
    await engine.flush();
    expect(await engine.retryStoreWrites()).toBe(false);
    expect(engine.storeAvailable).toBe(false);
    store.failing = false;
    expect(await engine.retryStoreWrites()).toBe(true);
    expect((await store.inner.load()).tradingState.state).toBe('halted');
  });
});

describe('restart from the store', () => {
  it('keeps the halt, the peak, the day start and the disabled strategies', async () => {
    const store = new MemoryRiskStateStore();
    const limits: Partial<ProfileInput> = {
      repeatedExecution: { maxFills: 2, windowSeconds: 600 },
      breakers: { dailyLoss: { usd: 5_000 } },
    };
    const first = await start(store, limits);
    mark(first.engine, 'AAPL', 100);
    for (let i = 0; i < 2; i++) openPosition(first.engine, 'AAPL', 'buy', 100, 100, { strategy: 'momo' });
    first.clock.advance(60_000);
    mark(first.engine, 'AAPL', 110); // equity 102,000: a new peak
    first.engine.kill('alice', 'end of test day');
    await first.engine.flush();
    expect(first.engine.peakEquity).toBe(102_000);

    // The process dies; a new one starts on the same store the same New York day.
    const second = await start(store, limits, new ManualClock(T0 + 120_000));
    const restarted = second.engine;
    expect(restarted.tradingState).toBe('halted');
    expect(restarted.snapshot().tradingState).toMatchObject({ code: 'KILL_SWITCH', by: 'alice' });
    expect(restarted.peakEquity).toBe(102_000);
    expect(restarted.snapshot().dayStart).toEqual({ sessionDate: '2024-03-15', equity: 100_000 });
    expect(restarted.snapshot().disabledStrategies).toEqual(['momo']);
    expect(restarted.snapshot().trippedBreakers.map((t) => t.code)).toEqual(['KILL_SWITCH']);
    mark(restarted, 'AAPL', 110);
    expect(expectOnlyViolation(restarted.validateOrder(order('AAPL', 'buy', 1))).code).toBe('TRADING_HALTED');

    restarted.reset('bob', 'new day plan');
    await restarted.flush();
    expectAccepted(restarted.validateOrder(order('AAPL', 'buy', 1, { strategy: 'momo' })));
    const third = await start(store, limits, new ManualClock(T0 + 180_000));
    expect(third.engine.tradingState).toBe('active');
    expect(third.engine.snapshot().disabledStrategies).toEqual([]);
  });

  it('measures the daily loss from the day start recorded before the restart', async () => {
    const store = new MemoryRiskStateStore();
    const limits: Partial<ProfileInput> = { breakers: { dailyLoss: { usd: 4_000 } } };
    const first = await start(store, limits);
    mark(first.engine, 'AAPL', 100);
    await first.engine.flush();

    const second = await start(store, limits, new ManualClock(T0 + 3_600_000));
    // The broker reports the account after the restart: down 4,000 on the day.
    const actions = second.engine.onAccount({
      time: T0 + 3_600_000,
      equity: 96_000,
      cash: 96_000,
      buyingPower: 96_000,
    });
    expect(actions.trips.map((t) => t.message)).toEqual([
      'DAILY_LOSS_LIMIT: loss=4000.00 limit=4000.00 dayStartEquity=100000.00 equity=96000.00',
    ]);
  });

  it('keeps a breaker latched across the restart instead of tripping it again', async () => {
    const store = new MemoryRiskStateStore();
    const limits: Partial<ProfileInput> = { breakers: { equityFloor: { usd: 99_000 } } };
    const first = await start(store, limits);
    mark(first.engine, 'AAPL', 100);
    fill(first.engine, order('AAPL', 'buy', 100), 100);
    expect(mark(first.engine, 'AAPL', 89).trips.map((t) => t.code)).toEqual(['EQUITY_FLOOR']);
    await first.engine.flush();
    expect(await store.listBreakerTrips(10)).toHaveLength(1);

    const second = await start(store, limits);
    expect(second.engine.tradingState).toBe('halted');
    expect(second.engine.onAccount({ time: T0, equity: 98_000, cash: 98_000, buyingPower: 0 }).trips).toEqual(
      [],
    );
    await second.engine.flush();
    expect(await store.listBreakerTrips(10)).toHaveLength(1);
  });

  it('keeps a loss-streak pause across the restart', async () => {
    const store = new MemoryRiskStateStore();
    const limits: Partial<ProfileInput> = { breakers: { lossStreak: { losses: 1, cooldownMinutes: 30 } } };
    const first = await start(store, limits);
    mark(first.engine, 'AAPL', 100);
    openPosition(first.engine, 'AAPL', 'buy', 10, 100);
    openPosition(first.engine, 'AAPL', 'sell', 10, 99);
    expect(first.engine.snapshot().pause?.code).toBe('LOSS_STREAK_COOLDOWN');
    await first.engine.flush();

    const second = await start(store, limits, new ManualClock(T0 + 60_000));
    mark(second.engine, 'AAPL', 100);
    expect(expectOnlyViolation(second.engine.validateOrder(order('AAPL', 'buy', 1))).code).toBe(
      'LOSS_STREAK_COOLDOWN',
    );
  });

  it('persists every latch transition with the trip that caused it', async () => {
    const store = new MemoryRiskStateStore();
    const halted = switchBreaker('halted');
    const engine = await RiskEngine.create({
      profile: profile(),
      clock: new ManualClock(T0),
      instruments: INSTRUMENTS,
      store,
      breakers: [halted.breaker],
    });
    halted.trip(engine);
    await engine.flush();
    expect((await store.load()).tradingState).toMatchObject({ state: 'halted', code: 'TEST_HALTED' });
    expect((await store.listBreakerTrips(1))[0]).toMatchObject({
      breakerId: 'test-halted',
      action: 'halted',
    });
  });
});
