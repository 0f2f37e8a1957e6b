import type { BacktestOptions, BacktestResult } from '../../src/backtest/backtest-types.ts';
import { BarSeriesBuilder, type MarketData, type SplitEvent } from '../../src/backtest/data/bar-series.ts';
import { runBacktest } from '../../src/backtest/run-backtest.ts';
import type { Strategy, StrategyContext } from '../../src/backtest/strategy.ts';
import { weekdays as weekdayDates } from '../../src/backtest/synthetic-market.ts';
import type { ProfileInput } from '../../src/core/config/profile-schema.ts';
import type { Bar } from '../../src/core/market.ts';
import { newYorkToEpoch } from '../../src/core/session.ts';
import { profile } from './engine-fixtures.ts';

/** `count` weekday dates from 2024-01-02. */
export function weekdays(count: number, start = '2024-01-02'): string[] {
  return weekdayDates(start, count);
}

/** Daily bars `[open, high, low, close]` (volume 1,000,000 unless given) on weekdays from 2024-01-02. */
export function dailyBars(symbol: string, rows: readonly (readonly number[])[]) {
  const dates = weekdays(rows.length);
  const b = new BarSeriesBuilder(symbol, 'test');
  rows.forEach(([o, h, l, c, v], i) => {
    b.push(newYorkToEpoch(dates[i]!, '09:30'), o!, h!, l!, c!, v ?? 1_000_000);
  });
  return b.build('daily');
}

/** Market data from bar series (and optional splits, VIX closes per day). */
export function market(
  series: ReturnType<typeof dailyBars>[],
  extra: { splits?: SplitEvent[]; vix?: number[]; sectors?: Record<string, string> } = {},
): MarketData {
  const dates = weekdays(extra.vix?.length ?? 0);
  return {
    bars: series,
    indexes:
      extra.vix === undefined
        ? []
        : [
            {
              name: 'VIX',
              source: 'test',
              length: extra.vix.length,
              time: Float64Array.from(dates, (d) => newYorkToEpoch(d, '16:15')),
              value: Float64Array.from(extra.vix),
            },
          ],
    splits: extra.splits ?? [],
    quotes: [],
    sectors: extra.sectors ?? {},
  };
}

/** A strategy that runs `steps[i]` on the i-th bar (0-based) of each symbol. */
export function scripted(
  steps: Record<number, (ctx: StrategyContext, bar: Bar) => void>,
  name = 'scripted',
): Strategy {
  return {
    name,
    onBar(bar, ctx) {
      steps[ctx.barCount(bar.symbol) - 1]?.(ctx, bar);
    },
  };
}

/** Runs a backtest with a permissive profile (tightened by `overrides`). */
export function run(
  data: MarketData,
  strategy: Strategy,
  overrides: Partial<ProfileInput> = {},
  options: Partial<BacktestOptions> = {},
): BacktestResult {
  return runBacktest({ data, strategy, profile: profile(overrides), ...options });
}
