import { describe, expect, it } from 'vitest';
import type { BreakerTrip, RiskStateStore } from '../../src/core/state-store.ts';
import type { TradingStateRecord } from '../../src/core/trading-state.ts';

/**
 * The behaviour every {@link RiskStateStore} must have. Each implementation calls this with a
 * factory that returns a fresh, empty store, and optionally a `reopen` that returns a second
 * handle on the same storage (to prove durability across a restart).
 */
export function riskStateStoreContract(
  name: string,
  factory: () => Promise<{
    store: RiskStateStore;
    reopen?: () => Promise<RiskStateStore>;
    close?: () => Promise<void>;
  }>,
): void {
  describe(`RiskStateStore contract: ${name}`, () => {
    const halted: TradingStateRecord = {
      state: 'halted',
      code: 'DAILY_LOSS_LIMIT',
      reason: 'loss 1200.00 over limit 1000.00',
      by: 'engine',
      at: 1_700_000_000_000,
    };
    const trip: BreakerTrip = {
      breakerId: 'daily-loss',
      code: 'DAILY_LOSS_LIMIT',
      action: 'halted',
      flatten: false,
      message: 'loss=1200.00 limit=1000.00',
      values: { loss: 1200, limit: 1000 },
      at: 1_700_000_000_000,
    };

    it('starts active with no peak, no day start and no counters', async () => {
      const { store, close } = await factory();
      const state = await store.load();
      expect(state.tradingState.state).toBe('active');
      expect(state.peakEquity).toBeNull();
      expect(state.dayStart).toBeNull();
      expect(state.counters).toEqual({});
      await close?.();
    });

    it('keeps the latest trading state and records the trip', async () => {
      const { store, close } = await factory();
      await store.saveTradingState(halted, trip);
      const state = await store.load();
      expect(state.tradingState).toEqual(halted);
      const trips = await store.listBreakerTrips(10);
      expect(trips).toHaveLength(1);
      expect(trips[0]).toMatchObject({ breakerId: 'daily-loss', code: 'DAILY_LOSS_LIMIT', action: 'halted' });
      expect(trips[0]?.values).toEqual({ loss: 1200, limit: 1000 });
      await close?.();
    });

    it('only ever raises the peak equity', async () => {
      const { store, close } = await factory();
      expect(await store.raisePeakEquity(100_000, 1)).toBe(100_000);
      expect(await store.raisePeakEquity(90_000, 2)).toBe(100_000);
      expect(await store.raisePeakEquity(100_500.25, 3)).toBe(100_500.25);
      expect((await store.load()).peakEquity).toBe(100_500.25);
      await close?.();
    });

    it('never lowers the peak under concurrent writers', async () => {
      const { store, close } = await factory();
      const values = Array.from({ length: 40 }, (_, i) => 50_000 + ((i * 7919) % 40) * 10);
      await Promise.all(values.map((v, i) => store.raisePeakEquity(v, i)));
      expect((await store.load()).peakEquity).toBe(Math.max(...values));
      await close?.();
    });

    it('keeps the first day-start equity of a session', async () => {
      const { store, close } = await factory();
      const first = await store.saveDayStart({ sessionDate: '2024-03-15', equity: 55_000 }, 1);
      const second = await store.saveDayStart({ sessionDate: '2024-03-15', equity: 54_000 }, 2);
      expect(first.equity).toBe(55_000);
      expect(second.equity).toBe(55_000);
      await store.saveDayStart({ sessionDate: '2024-03-18', equity: 53_210.5 }, 3);
      expect((await store.load()).dayStart).toEqual({ sessionDate: '2024-03-18', equity: 53_210.5 });
      await close?.();
    });

    it('stores counters as values, replacing the previous one', async () => {
      const { store, close } = await factory();
      const value = { streak: 3, disabled: ['sma-cross:AAPL'] };
      await store.saveCounter('loss-streak', value, 1);
      value.streak = 99; // mutating after the save must not change what was stored
      await store.saveCounter('other', 7, 2);
      await store.saveCounter('other', 8, 3);
      expect((await store.load()).counters).toEqual({
        'loss-streak': { streak: 3, disabled: ['sma-cross:AAPL'] },
        other: 8,
      });
      await close?.();
    });

    it('lists breaker trips newest first, up to the limit', async () => {
      const { store, close } = await factory();
      for (let i = 0; i < 5; i++) {
        await store.saveTradingState({ ...halted, at: i }, { ...trip, at: i, message: `trip ${i}` });
      }
      const trips = await store.listBreakerTrips(3);
      expect(trips.map((t) => t.message)).toEqual(['trip 4', 'trip 3', 'trip 2']);
      await close?.();
    });

    it('survives a reopen when the implementation is durable', async () => {
      const { store, reopen, close } = await factory();
      if (reopen === undefined) return;
      await store.saveTradingState(halted, trip);
      await store.raisePeakEquity(61_000, 1);
      await store.saveDayStart({ sessionDate: '2024-03-15', equity: 60_000 }, 2);
      await store.saveCounter('loss-streak', { streak: 2 }, 3);
      const again = await reopen();
      const state = await again.load();
      expect(state.tradingState).toEqual(halted);
      expect(state.peakEquity).toBe(61_000);
      expect(state.dayStart).toEqual({ sessionDate: '2024-03-15', equity: 60_000 });
      expect(state.counters).toEqual({ 'loss-streak': { streak: 2 } });
      await close?.();
    });
  });
}
