import type { EntryLevels, ExitRule } from '../exit-rule.ts';
import { protectiveStopDirection, roundToTick } from '../tick.ts';

function stopFrom(entry: number, distance: number, long: boolean): number {
  return roundToTick(
    long ? entry - distance : entry + distance,
    protectiveStopDirection(long ? 'sell' : 'buy'),
  );
}

/** Fixed stop: `percent` or `usd` per share away from the entry price. */
export function fixedStopExit(config: { percent?: number | undefined; usd?: number | undefined }): ExitRule {
  return {
    id: 'fixed-stop',
    onEntry(position): EntryLevels | null {
      const entry = position.avgPrice;
      const byPercent =
        config.percent === undefined ? Number.POSITIVE_INFINITY : (entry * config.percent) / 100;
      const distance = Math.min(byPercent, config.usd ?? Number.POSITIVE_INFINITY);
      return { stop: stopFrom(entry, distance, position.qty > 0) };
    },
  };
}

/** Volatility-scaled stop: `multiple` × ATR (as of the entry) away from the fill price. */
export function atrStopExit(config: { multiple: number }): ExitRule {
  return {
    id: 'atr-stop',
    onEntry(position, _instrument, ctx): EntryLevels | null {
      const atr = ctx.atr(position.symbol);
      if (!(atr > 0)) return null;
      const long = position.qty > 0;
      const raw = long
        ? position.avgPrice - config.multiple * atr
        : position.avgPrice + config.multiple * atr;
      // Keep the exact level: the stop is a risk boundary, rounded only when sent to a broker.
      return { stop: raw };
    },
  };
}

/** Take-profit at `percent` from entry, or at `r` times the initial risk. */
export function takeProfitExit(config: { percent?: number | undefined; r?: number | undefined }): ExitRule {
  return {
    id: 'take-profit',
    onEntry(position): EntryLevels | null {
      const long = position.qty > 0;
      let distance: number | undefined;
      if (config.r !== undefined && position.initialRisk !== undefined)
        distance = position.initialRisk * config.r;
      else if (config.percent !== undefined) distance = (position.avgPrice * config.percent) / 100;
      if (distance === undefined) return null;
      return { target: long ? position.avgPrice + distance : position.avgPrice - distance };
    },
  };
}

/**
 * Trailing stop at `percent` or `atrMultiple` × ATR behind the best price since entry.
 * It only ratchets: the stop never moves away from the price.
 */
export function trailingStopExit(config: {
  percent?: number | undefined;
  atrMultiple?: number | undefined;
}): ExitRule {
  return {
    id: 'trailing-stop',
    evaluate(position, tick, ctx) {
      const long = position.qty > 0;
      const key = 'trailing-stop.best';
      const prevBest = position.ruleState[key] ?? position.avgPrice;
      const best = long ? Math.max(prevBest, tick.high) : Math.min(prevBest, tick.low);
      position.ruleState[key] = best;
      let distance: number;
      if (config.percent !== undefined) distance = (best * config.percent) / 100;
      else {
        const atr = ctx.atr(position.symbol);
        if (!(atr > 0)) return null;
        distance = atr * (config.atrMultiple ?? 1);
      }
      const stop = long ? best - distance : best + distance;
      const current = position.stop;
      const tighter = current === undefined || (long ? stop > current : stop < current);
      return tighter
        ? {
            kind: 'levels',
            stop,
            stopReason: 'trailing_stop',
            reason: `trailing stop ratcheted to ${stop.toFixed(4)} from best ${best}`,
          }
        : null;
    },
  };
}

/** Moves the stop to the entry price once the position has gained `afterR` × the initial risk. */
export function breakevenExit(config: { afterR: number }): ExitRule {
  return {
    id: 'breakeven',
    evaluate(position, tick) {
      if (position.initialRisk === undefined || position.ruleState.breakeven === 1) return null;
      const long = position.qty > 0;
      const gain = long ? tick.high - position.avgPrice : position.avgPrice - tick.low;
      if (gain < config.afterR * position.initialRisk) return null;
      position.ruleState.breakeven = 1;
      const current = position.stop;
      const tighter =
        current === undefined || (long ? position.avgPrice > current : position.avgPrice < current);
      return tighter
        ? {
            kind: 'levels',
            stop: position.avgPrice,
            stopReason: 'breakeven_stop',
            reason: `stop moved to breakeven after ${config.afterR}R`,
          }
        : null;
    },
  };
}

/** Takes part of the position off at each R multiple, once each. */
export function partialTakeProfitExit(levels: readonly { r: number; fraction: number }[]): ExitRule {
  const sorted = [...levels].sort((a, b) => a.r - b.r);
  return {
    id: 'partial-take-profit',
    evaluate(position, tick) {
      if (position.initialRisk === undefined) return null;
      const long = position.qty > 0;
      const done = position.ruleState['partial.done'] ?? 0;
      const level = sorted[done];
      if (level === undefined) return null;
      const price = long
        ? position.avgPrice + level.r * position.initialRisk
        : position.avgPrice - level.r * position.initialRisk;
      const reached = long ? tick.high >= price : tick.low <= price;
      if (!reached) return null;
      position.ruleState['partial.done'] = done + 1;
      const entryQty = position.ruleState['partial.entryQty'] ?? Math.abs(position.qty);
      position.ruleState['partial.entryQty'] = entryQty;
      const qty = Math.min(Math.abs(position.qty), Math.floor(entryQty * level.fraction));
      return qty > 0 ? { kind: 'exit', reason: 'partial_take_profit', qty, price } : null;
    },
  };
}
