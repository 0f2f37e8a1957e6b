import type { ExitRule } from '../exit-rule.ts';

/**
 * Closes a position at market after `maxBars` bars after the entry bar, or after `maxMinutes`
 * since entry, whichever comes first.
 */
export function timeExit(config: {
  maxBars?: number | undefined;
  maxMinutes?: number | undefined;
}): ExitRule {
  return {
    id: 'time-exit',
    evaluate(position, tick) {
      const byBars = config.maxBars !== undefined && position.barsHeld >= config.maxBars;
      const byTime =
        config.maxMinutes !== undefined && tick.time - position.entryTime >= config.maxMinutes * 60_000;
      if (!byBars && !byTime) return null;
      return { kind: 'exit', reason: 'time_exit', qty: Math.abs(position.qty), price: undefined };
    },
  };
}
