import type { Timeframe } from '../bars/timeframe.ts';
import type { ExitRule } from '../exit-rule.ts';

/**
 * Closes a position at market once `maxBars` completed bars of `timeframe` started after the
 * entry, or after `maxMinutes` since entry, whichever comes first. The engine counts the bars of
 * the timeframe (see `TimeframeBars`), so `maxBars: 20, timeframe: 1d` is 20 trading days in a
 * backtest on minute or daily data and in the gateway alike.
 */
export function timeExit(config: {
  maxBars?: number | undefined;
  timeframe?: Timeframe | undefined;
  maxMinutes?: number | undefined;
}): ExitRule {
  if (config.maxBars !== undefined && config.timeframe === undefined)
    throw new RangeError('timeExit: maxBars needs the timeframe of the bars it counts');
  const timeframe = config.timeframe;
  return {
    id: 'time-exit',
    evaluate(position, tick) {
      const byBars =
        config.maxBars !== undefined &&
        timeframe !== undefined &&
        (position.barsHeldBy[timeframe] ?? 0) >= config.maxBars;
      const byTime =
        config.maxMinutes !== undefined && tick.time - position.entryTime >= config.maxMinutes * 60_000;
      if (!byBars && !byTime) return null;
      return { kind: 'exit', reason: 'time_exit', qty: Math.abs(position.qty), price: undefined };
    },
  };
}
