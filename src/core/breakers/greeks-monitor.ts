import type { Breaker, BreakerFinding } from '../breaker.ts';
import type { OptionsConfig } from '../config/options-schema.ts';
import { zeroPositionGreeks } from '../options/greek-units.ts';
import {
  type GreeksBreach,
  greeksMeasures,
  totalBreaches,
  underlyingBreaches,
} from '../options/greeks-limits.ts';

/**
 * Watches the Greeks of the positions held against the profile's `options.limits` as prices,
 * implied volatilities and time move, and trips (`GREEKS_LIMIT`, latched) at the first measure
 * beyond its limit. Only underlyings whose figures changed since the last evaluation are
 * re-checked (all of them after a reset), so a tick costs O(1) per underlying it moves. Figures
 * that cannot be valued (an option without a volatility yet) are skipped rather than tripped
 * on: the pre-trade rule already refuses to add to them.
 */
export function greeksMonitorBreaker(
  config: OptionsConfig,
  monitor: NonNullable<OptionsConfig['monitor']>,
): Breaker {
  const measures = greeksMeasures(config.limits);
  const totals = zeroPositionGreeks();
  let rescan = true;
  let seenVersion = -1;
  return {
    id: 'greeks-monitor',
    code: 'GREEKS_LIMIT',
    action: monitor.action,
    flatten: monitor.flatten,
    evaluate(ctx) {
      const book = ctx.greeks;
      if (book === undefined || (!rescan && book.version === seenVersion)) return null;
      seenVersion = book.version;
      const all = rescan;
      rescan = false;
      const breaches: GreeksBreach[] = [];
      for (const underlying of book.takeChanged(all)) {
        const figures = book.positions.byUnderlying(underlying);
        if (figures === undefined || figures.unpriced > 0) continue;
        underlyingBreaches(measures, figures, undefined, breaches);
        if (breaches.length > 0) return finding(breaches[0]!);
      }
      if (measures.total.length > 0 && book.positions.exposureInto(totals) === 0 && book.refused.size === 0) {
        totalBreaches(measures, totals, undefined, breaches);
        if (breaches.length > 0) return finding(breaches[0]!);
      }
      return null;
    },
    reset() {
      rescan = true;
    },
  };
}

function finding(breach: GreeksBreach): BreakerFinding {
  const parts = Object.entries(breach.values).map(
    ([key, value]) =>
      `${key}=${typeof value === 'number' && !key.toLowerCase().includes('contracts') ? value.toFixed(2) : String(value)}`,
  );
  return {
    message: `GREEKS_LIMIT: ${breach.code} ${parts.join(' ')}`,
    values: { limitCode: breach.code, ...breach.values },
  };
}
