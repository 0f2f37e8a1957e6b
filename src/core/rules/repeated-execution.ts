import type { PreTradeRule } from '../rule.ts';

/**
 * Repeated-execution trip-wire: `maxFills` fills for one strategy and symbol within the
 * window disables the strategy until an authorised reset. Denial happens in the state gate
 * (`STRATEGY_DISABLED`); this rule counts.
 */
export function repeatedExecutionRule(maxFills: number, windowMs: number): PreTradeRule {
  const fills = new Map<string, number[]>();
  return {
    id: 'repeated-execution',
    scope: 'entries',
    check() {
      return null;
    },
    onFill(fill) {
      const strategy = fill.strategy ?? '(none)';
      const key = `${strategy}:${fill.symbol}`;
      let times = fills.get(key);
      if (times === undefined) {
        times = [];
        fills.set(key, times);
      }
      times.push(fill.time);
      while (times.length > 0 && fill.time - times[0]! >= windowMs) times.shift();
      if (times.length >= maxFills) {
        times.length = 0;
        return {
          disableStrategy: {
            strategy,
            code: 'REPEATED_EXECUTION_LIMIT',
            reason: `REPEATED_EXECUTION_LIMIT: strategy=${strategy} symbol=${fill.symbol} fills=${maxFills} windowSec=${windowMs / 1000}`,
          },
        };
      }
      return null;
    },
    reset() {
      fills.clear();
    },
  };
}
