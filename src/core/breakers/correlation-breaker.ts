import type { Breaker } from '../breaker.ts';
import type { CorrelationBreakerConfig } from '../config/correlation-schema.ts';
import { NamesCorrelation } from '../indicators/names-correlation.ts';
import type { RiskContext } from '../rule.ts';

/**
 * Average pairwise correlation of the returns of the portfolio's names, with hysteresis: trips
 * (`CORRELATION`, latched) when the rolling average is at or above `above`, and re-arms only
 * once it has fallen below `resumeBelow` — followed on every completed period, also while the
 * account is latched, so a reset trips again only on a new episode.
 *
 * The names are `symbols` when configured (a fixed watch list), otherwise the underlyings of
 * the positions held now (an option counts as its underlying; long and short alike), re-read
 * whenever the number of open positions changes. Returns come from bar closes only (marks and
 * quotes are ignored), aligned by bar start time; feed daily bars for a daily correlation.
 */
export function correlationBreaker(config: CorrelationBreakerConfig): Breaker {
  const tracker = new NamesCorrelation({
    window: config.window,
    minNames: config.minNames,
    ...(config.minObservations === undefined ? {} : { minObservations: config.minObservations }),
    ...(config.symbols === undefined ? {} : { only: config.symbols }),
  });
  if (config.symbols !== undefined) tracker.setNames(config.symbols);
  let armed = true;
  /** Consecutive completed periods below `resumeBelow` since the trip. */
  let clear = 0;
  /** Open positions when the names were last read from the book (−1: read again). */
  let openPositions = -1;
  const current = () => (tracker.value.ready ? tracker.value.value : Number.NaN);
  return {
    id: 'correlation',
    code: 'CORRELATION',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    observes: ['bar', 'split'],
    onMarket(event) {
      if (event.kind === 'split') tracker.onSplit(event.symbol, event.ratio);
      if (event.kind !== 'bar' || !tracker.onClose(event.symbol, event.time, event.close)) return;
      if (armed) return;
      clear = current() < config.resumeBelow ? clear + 1 : 0;
      if (clear >= config.clearFor) armed = true;
    },
    evaluate(ctx) {
      if (config.symbols === undefined && ctx.book.openPositions !== openPositions) {
        openPositions = ctx.book.openPositions;
        tracker.setNames(heldUnderlyings(ctx));
        // A new set of names is a new reading of the average.
        if (!armed) {
          clear = current() < config.resumeBelow ? clear + 1 : 0;
          if (clear >= config.clearFor) armed = true;
        }
      }
      const value = tracker.value;
      if (!value.ready || !armed || value.value < config.above) return null;
      armed = false;
      clear = 0;
      return {
        message: `CORRELATION: averageCorrelation=${value.value.toFixed(3)} above=${config.above} resumeBelow=${config.resumeBelow} names=${value.names} observations=${value.observations}`,
        values: {
          averageCorrelation: value.value,
          above: config.above,
          resumeBelow: config.resumeBelow,
          names: value.names,
          observations: value.observations,
        },
      };
    },
    isClear: () => armed,
    reset() {
      openPositions = -1;
    },
    persistState: () => ({ armed, clear }),
    restore(state) {
      const s = state as { armed?: unknown; clear?: unknown } | null;
      if (typeof s?.armed === 'boolean') armed = s.armed;
      if (typeof s?.clear === 'number') clear = s.clear;
    },
  };
}

function heldUnderlyings(ctx: RiskContext): string[] {
  const names: string[] = [];
  for (const entry of ctx.book.symbols.values()) {
    if (entry.position === undefined || entry.position.qty === 0) continue;
    names.push(entry.instrument.option?.underlying ?? entry.symbol);
  }
  return names;
}
