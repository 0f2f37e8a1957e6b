import { describe, expect, it } from 'vitest';
import { windowMean } from '../../src/backtest/series-indicators.ts';
import type { Strategy } from '../../src/backtest/strategy.ts';
import { generateSyntheticMarket } from '../../src/backtest/synthetic-market.ts';
import { run } from '../support/backtest-fixtures.ts';

/**
 * `ctx.sma` reads recent closes from a dense block shared by all symbols; these runs check that
 * it returns exactly what the mean over the symbol's own history returns, bit for bit, on a
 * multi-symbol market with splits, for windows inside and beyond the block and bars back.
 */
describe('ctx.sma on a multi-symbol market with splits', () => {
  const data = generateSyntheticMarket({ seed: 7, symbols: 12, sessions: 1000 });

  it('has splits to check against', () => {
    expect(data.splits.length).toBeGreaterThan(0);
  });

  it('equals the mean of the history window, bit for bit, for every call', () => {
    const windows: Array<[number, number]> = [
      [1, 0],
      [10, 0],
      [30, 1],
      [64, 0],
      [63, 1],
      [64, 1],
      [65, 0],
      [200, 3],
      [10, 70],
      [5, -1],
    ];
    let compared = 0;
    let mismatches = 0;
    const strategy: Strategy = {
      name: 'sma-check',
      onBar(bar, ctx) {
        const count = ctx.barCount(bar.symbol);
        const closes = ctx.history(bar.symbol, 'close', count);
        for (const [period, ago] of windows) {
          const got = ctx.sma(bar.symbol, period, ago);
          const want = ago < 0 ? got : windowMean(closes, count - 1 - ago, period);
          compared++;
          if (!Object.is(got, want)) mismatches++;
        }
        // Trade now and then so the run also exercises fills and the engine.
        if (ctx.position(bar.symbol).qty === 0 && ctx.sma(bar.symbol, 5) > ctx.sma(bar.symbol, 20))
          ctx.buy(bar.symbol, 10);
      },
    };
    const result = run(data, strategy, { exits: { timeExit: { maxBars: 5, timeframe: '1d' } } });
    expect(compared).toBeGreaterThan(100_000);
    expect(mismatches).toBe(0);
    expect(result.trades.length).toBeGreaterThan(0);
  });
});
