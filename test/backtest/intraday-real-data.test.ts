import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import breakout from '../../examples/strategies/breakout.ts';
import { loadMarketData } from '../../src/backtest/data/load-market-data.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import type { Strategy } from '../../src/backtest/strategy.ts';
import { parseRiskProfileFile } from '../../src/core/config/load-profile.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { profile } from '../support/engine-fixtures.ts';
import { describeWithShared } from '../support/shared-data.ts';

/** Buys on the first bar at or after `at` (New York `YYYY-MM-DD HH:MM`); sells at `exit`, if given. */
function buyAt(
  symbol: string,
  qty: number,
  at: string,
  extra: { stopLoss?: number; exit?: string } = {},
): Strategy {
  const [d, t] = at.split(' ') as [string, string];
  const entry = newYorkToEpoch(d, t);
  const exit =
    extra.exit === undefined
      ? Number.POSITIVE_INFINITY
      : newYorkToEpoch(...(extra.exit.split(' ') as [string, string]));
  let state = 0;
  return {
    name: 'buy-at',
    onBar(bar, ctx) {
      if (bar.symbol !== symbol) return;
      if (state === 0 && bar.time >= entry) {
        state = 1;
        ctx.buy(symbol, qty, extra.stopLoss === undefined ? {} : { stopLoss: extra.stopLoss });
      } else if (state === 1 && bar.time >= exit) {
        state = 2;
        ctx.close(symbol);
      }
    },
  };
}

describeWithShared('intraday backtests on the real data', ['data'], ([dataDir]) => {
  const data = (name: string) => join(dataDir!, name);
  it('holds a position with its stop through the AAPL 7:1 split without a stop-out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bt-split-'));
    writeFileSync(join(dir, 'splits.csv'), 'symbol,date,ratio\nAAPL,2014-06-09,7\n');
    const loaded = await loadMarketData([
      data('lean_minute_trade_AAPL_2014-06-05_2014-06-09_split.csv'),
      join(dir, 'splits.csv'),
    ]);
    const positions: unknown[] = [];
    const strategy = buyAt('AAPL', 100, '2014-06-06 15:00', { stopLoss: 640 });
    const watch: Strategy = {
      ...strategy,
      onBar(bar, ctx) {
        strategy.onBar(bar, ctx);
        if (bar.time === newYorkToEpoch('2014-06-09', '09:31'))
          positions.push(ctx.position('AAPL'), ctx.openOrders('AAPL'));
      },
    };
    const r = runBacktest({ data: loaded.data, strategy: watch, profile: profile() });
    expect(r.trades).toEqual([]);
    expect(positions[0]).toMatchObject({ qty: 700 });
    expect((positions[0] as { stop: number }).stop).toBeCloseTo(640 / 7, 6);
    expect(positions[1]).toMatchObject([{ role: 'stop-leg', remaining: 700 }]);
    expect(r.openPositions[0]?.qty).toBe(700);
  });

  it('pays half the quoted SPY spread on market fills when quotes are loaded', async () => {
    const files = [
      data('lean_minute_trade_SPY_IBM_BAC_AIG_2013-10-04_2013-10-11.csv'),
      data('lean_minute_quote_SPY_2013-10-04_2013-10-11.csv'),
    ];
    const loaded = await loadMarketData(files, { symbols: new Set(['SPY']) });
    const strategy = () => buyAt('SPY', 100, '2013-10-07 10:00', { exit: '2013-10-07 15:00' });
    const withQuotes = runBacktest({ data: loaded.data, strategy: strategy(), profile: profile() });
    const without = runBacktest({
      data: { ...loaded.data, quotes: [] },
      strategy: strategy(),
      profile: profile(),
    });
    const t = without.trades[0]!;
    const q = withQuotes.trades[0]!;
    // The entry filled at 10:01's open; the quote bar of that minute gives the spread.
    const quotes = loaded.data.quotes[0]!;
    const i = quotes.time.indexOf(t.entryTime);
    expect(i).toBeGreaterThan(0);
    const half = (quotes.askOpen[i]! - quotes.bidOpen[i]!) / 2;
    expect(q.entryPrice).toBeCloseTo(t.entryPrice + half, 9);
    expect(q.exitPrice).toBeLessThan(t.exitPrice);
    expect(withQuotes.costs.slippage).toBeGreaterThan(0);
    expect(without.costs.slippage).toBe(0);
  });

  it('runs hourly bars with the VIX and trips the VIX breaker in late February 2020', async () => {
    const loaded = await loadMarketData(
      [data('lean_hour_SPY.csv'), data('lean_hour_BAC.csv'), data('cboe_vix_daily.csv')],
      {
        to: newYorkToEpoch('2020-06-30', '23:59'),
      },
    );
    const parsed = parseRiskProfileFile(readFileSync('examples/profiles/backtest-daily.yaml', 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const r = runBacktest({
      data: loaded.data,
      strategy: breakout,
      profile: parsed.value,
      from: newYorkToEpoch('2019-06-01', '00:00'),
    });
    expect(r.stats.bars).toBeGreaterThan(40_000);
    expect(r.trades.length).toBeGreaterThan(0);
    const vix = r.risk.trips.find((t) => t.code === 'VIX_LEVEL');
    expect(new Date(vix!.time).toISOString().slice(0, 10)).toBe('2020-02-28');
    expect(r.risk.timeInState.reducing.fraction).toBeGreaterThan(0.2);
  });
});
