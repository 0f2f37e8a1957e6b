import type { RiskProfile } from '../config/load-profile.ts';
import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/**
 * The market indices a profile cannot work without, followed by any `also` named: the VIX when
 * a VIX breaker or a VIX regime is configured (without a VIX reading neither can act).
 */
export function requiredIndexNames(profile: RiskProfile, also: readonly string[]): string[] {
  const names: string[] = [];
  if (profile.breakers.vix !== undefined || profile.regime?.by === 'vix') names.push('VIX');
  for (const name of also) if (!names.includes(name)) names.push(name);
  return names;
}

/** Seconds with one decimal, e.g. `93.2s`. */
function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Whole seconds when exact (`60s`), else with one decimal. */
function limitSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : seconds(ms);
}

/**
 * Fails closed on market indices the way the reference-price rule does on prices: an entry
 * needs a reading of every index in `names` that is a finite number and no older than
 * `maxAgeMs` (measured from the reading's own time), else it is denied with `INDEX_STALE`
 * naming the index and its age. Exits never depend on it (scope `entries`).
 *
 * Live data only: a backtest's daily index closes would all be "stale", so the backtester does
 * not install it; the gateway does.
 */
export function indexFreshnessRule(names: readonly string[], maxAgeMs: number): PreTradeRule {
  const max = limitSeconds(maxAgeMs);
  return {
    id: 'index-freshness',
    scope: 'entries',
    check(input, ctx) {
      for (const name of names) {
        const time = ctx.indexTime(name);
        if (!Number.isFinite(time) || !Number.isFinite(ctx.indexLevel(name))) {
          return violation('INDEX_STALE', this.id, { index: name, received: 'never', max });
        }
        const age = input.now - time;
        if (age > maxAgeMs) return violation('INDEX_STALE', this.id, { index: name, age: seconds(age), max });
      }
      return null;
    },
  };
}
