import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { RiskEngine } from '../../src/core/engine.ts';
import { expiryEpochMs } from '../../src/core/options/expiry-time.ts';
import { greeksView } from '../../src/gateway/options/greeks-view.ts';
import { fill, order, profile, T0 } from '../support/engine-fixtures.ts';
import {
  AAPL_JUN_C100,
  AAPL_SEP_C100,
  OPTION_INSTRUMENTS,
  optionsEngine,
} from '../support/options-fixtures.ts';

describe('the Greeks view of the gateway', () => {
  it('never values an expired contract as live: intrinsic value, the exercise delta, no time value', () => {
    const { engine, clock } = optionsEngine({ limits: { netDelta: { shares: 5_000 } } });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 3), 5);
    fill(engine, order(AAPL_SEP_C100.symbol, 'buy', 2), 6);
    const live = greeksView(engine, clock.now(), () => 'quote');
    expect(live.positions.map((p) => [p.symbol, p.status])).toEqual([
      [AAPL_JUN_C100.symbol, 'live'],
      [AAPL_SEP_C100.symbol, 'live'],
    ]);
    expect(live.positions[0]!.greeks!.dollarVega).toBeGreaterThan(0);

    // Past 16:00 New York on 21 June with AAPL at $104: the June calls are expired, September live.
    clock.set(expiryEpochMs('2024-06-21')! + 60_000);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 104 });
    const view = greeksView(engine, clock.now(), () => 'quote');
    const june = view.positions.find((p) => p.symbol === AAPL_JUN_C100.symbol)!;
    expect(june.status).toBe('expired');
    expect(june.inputs.timeToExpiry).toBe(0);
    expect(june.perUnit).toMatchObject({ price: 4, delta: 1, gamma: 0, vega: 0, theta: 0 });
    expect(june.greeks!.value).toBeCloseTo(4 * 100 * 3, 9);
    expect(view.byExpiry['2024-06-21']).toMatchObject({ status: 'expired', contracts: 3, dollarVega: 0 });
    expect(view.positions.find((p) => p.symbol === AAPL_SEP_C100.symbol)!.status).toBe('live');
    // The engine's totals agree: the expired calls add their intrinsic value and nothing else.
    const sum = view.positions.reduce((a, p) => a + p.greeks!.dollarVega, 0);
    expect(view.totals!.dollarVega).toBeCloseTo(sum, 6);
    expect(view.limits).toEqual([
      expect.objectContaining({
        code: 'NET_DELTA_EXCEEDED',
        measure: 'netDeltaShares',
        scope: 'AAPL',
        limit: 5_000,
      }),
    ]);
  });

  it('is disabled without an options section', () => {
    const clock = new ManualClock(T0);
    const engine = new RiskEngine({ profile: profile(), clock, instruments: OPTION_INSTRUMENTS });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 1), 5);
    expect(greeksView(engine, clock.now(), () => 'none')).toMatchObject({ enabled: false, positions: [] });
  });
});
