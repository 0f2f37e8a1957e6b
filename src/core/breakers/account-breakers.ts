import type { Breaker } from '../breaker.ts';
import type { BreakersConfig } from '../config/profile-schema.ts';
import { money } from '../decision.ts';
import { exceeds } from '../rules/limits.ts';
import { correlationBreaker } from './correlation-breaker.ts';

type Config = ReturnType<typeof BreakersConfig.parse>;

/** Daily loss from day-start equity, in dollars and/or percent; the day follows New York. */
export function dailyLossBreaker(config: NonNullable<Config['dailyLoss']>): Breaker {
  return {
    id: 'daily-loss',
    code: 'DAILY_LOSS_LIMIT',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    evaluate(ctx) {
      const start = ctx.dayStartEquity;
      if (!(start > 0)) return null;
      const loss = start - ctx.equity;
      const byPercent =
        config.percent === undefined ? Number.POSITIVE_INFINITY : (start * config.percent) / 100;
      const limit = Math.min(byPercent, config.usd ?? Number.POSITIVE_INFINITY);
      if (loss < limit && !(Math.abs(loss - limit) <= 1e-9)) return null;
      return {
        message: `DAILY_LOSS_LIMIT: loss=${money(loss)} limit=${money(limit)} dayStartEquity=${money(start)} equity=${money(ctx.equity)}`,
        values: { loss, limit, dayStartEquity: start, equity: ctx.equity },
      };
    },
  };
}

/** Equity at or below a dollar floor. */
export function equityFloorBreaker(config: NonNullable<Config['equityFloor']>): Breaker {
  return {
    id: 'equity-floor',
    code: 'EQUITY_FLOOR',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    evaluate(ctx) {
      if (ctx.equity > config.usd) return null;
      return {
        message: `EQUITY_FLOOR: equity=${money(ctx.equity)} floor=${money(config.usd)}`,
        values: { equity: ctx.equity, floor: config.usd },
      };
    },
  };
}

/** Drawdown from peak equity at or beyond `percent`. */
export function maxDrawdownBreaker(config: NonNullable<Config['maxDrawdown']>): Breaker {
  return {
    id: 'max-drawdown',
    code: 'MAX_DRAWDOWN',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    evaluate(ctx) {
      const peak = ctx.peakEquity;
      if (!(peak > 0)) return null;
      const drawdownPercent = ((peak - ctx.equity) / peak) * 100;
      if (exceeds(config.percent, drawdownPercent)) return null;
      return {
        message: `MAX_DRAWDOWN: drawdownPercent=${drawdownPercent.toFixed(2)} limitPercent=${config.percent} peak=${money(peak)} equity=${money(ctx.equity)}`,
        values: { drawdownPercent, limitPercent: config.percent, peakEquity: peak, equity: ctx.equity },
      };
    },
  };
}

/**
 * Consecutive losing round trips. With action `pause` entries stop for `cooldownMinutes` and
 * resume by themselves; with `reducing`/`halted` the state latches until a reset.
 */
export function lossStreakBreaker(config: NonNullable<Config['lossStreak']>): Breaker {
  let streak = 0;
  let lastExit = 0;
  return {
    id: 'loss-streak',
    code: 'LOSS_STREAK',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    onTradeClosed(trade) {
      streak = trade.pnl < 0 ? streak + 1 : 0;
      lastExit = trade.exitTime;
    },
    evaluate() {
      if (streak < config.losses) return null;
      const found = {
        message: `LOSS_STREAK: losses=${streak} limit=${config.losses} cooldownMinutes=${config.cooldownMinutes}`,
        values: { losses: streak, limit: config.losses, cooldownMinutes: config.cooldownMinutes },
        pauseUntil: lastExit + config.cooldownMinutes * 60_000,
      };
      streak = 0; // a new streak must build up before the breaker fires again
      return found;
    },
    persistState: () => ({ streak, lastExit }),
    restore(state) {
      const s = state as { streak?: unknown; lastExit?: unknown } | null;
      if (typeof s?.streak === 'number') streak = s.streak;
      if (typeof s?.lastExit === 'number') lastExit = s.lastExit;
    },
  };
}

/**
 * VIX level with hysteresis: trips at or above `above`, and re-arms only after `clearFor`
 * consecutive VIX readings below `resumeBelow`, so a reset while the VIX stays high does not trip
 * again at once. Every reading counts, also those that arrive while the account is latched; with
 * `rearm: when-clear` the same moment lifts the latch.
 */
export function vixBreaker(config: NonNullable<Config['vix']>): Breaker {
  let armed = true;
  /** Consecutive readings below `resumeBelow` since the trip. */
  let clear = 0;
  return {
    id: 'vix',
    code: 'VIX_LEVEL',
    action: config.action,
    flatten: config.flatten,
    rearm: config.rearm,
    observes: ['index'],
    onMarket(event) {
      if (armed || event.kind !== 'index' || event.name !== 'VIX') return;
      clear = event.value < config.resumeBelow ? clear + 1 : 0;
      if (clear >= config.clearFor) armed = true;
    },
    evaluate(ctx) {
      if (!armed) return null;
      const vix = ctx.indexLevel('VIX');
      if (!Number.isFinite(vix) || vix < config.above) return null;
      armed = false;
      clear = 0;
      return {
        message: `VIX_LEVEL: vix=${vix.toFixed(2)} above=${config.above} resumeBelow=${config.resumeBelow}`,
        values: { vix, above: config.above, resumeBelow: config.resumeBelow },
      };
    },
    isClear: () => armed,
    persistState: () => ({ armed, clear }),
    restore(state) {
      const s = state as { armed?: unknown; clear?: unknown } | null;
      if (typeof s?.armed === 'boolean') armed = s.armed;
      if (typeof s?.clear === 'number') clear = s.clear;
    },
  };
}

/** Builds the breakers a profile's `breakers` section asks for. */
export function buildBreakers(config: Config): Breaker[] {
  const breakers: Breaker[] = [];
  if (config.dailyLoss) breakers.push(dailyLossBreaker(config.dailyLoss));
  if (config.equityFloor) breakers.push(equityFloorBreaker(config.equityFloor));
  if (config.maxDrawdown) breakers.push(maxDrawdownBreaker(config.maxDrawdown));
  if (config.lossStreak) breakers.push(lossStreakBreaker(config.lossStreak));
  if (config.vix) breakers.push(vixBreaker(config.vix));
  if (config.correlation) breakers.push(correlationBreaker(config.correlation));
  return breakers;
}
