import type { RiskProfile } from '../../core/config/load-profile.ts';
import type { RiskSnapshot } from '../../core/engine-types.ts';
import { resolveLimit } from '../../core/rules/limits.ts';

/** One of the profile's limits with the account's current value against it. */
export interface LimitView {
  readonly name: string;
  /** Current value in dollars (or a count, or percent where the name says so). */
  readonly value: number;
  readonly limit: number;
  /** Room left before the limit is reached, in the value's unit; negative when over. */
  readonly headroom: number;
}

/**
 * What a limit applies to, for readers that group limits (the gauges): a breaker by its code,
 * an exposure by scope, or the count of open positions.
 */
export type LimitSubject =
  | { readonly kind: 'breaker'; readonly code: string }
  | { readonly kind: 'exposure'; readonly scope: 'gross' | 'net' }
  | { readonly kind: 'symbol'; readonly symbol: string }
  | { readonly kind: 'sector'; readonly sector: string }
  | { readonly kind: 'positions' };

/** A {@link LimitView} with what it applies to. */
export interface SubjectLimit extends LimitView {
  readonly subject: LimitSubject;
}

function limitView(name: string, subject: LimitSubject, value: number, limit: number): SubjectLimit | null {
  return Number.isFinite(limit) ? { name, subject, value, limit, headroom: limit - value } : null;
}

/**
 * Every limit of the profile that applies now, with its value and headroom: the daily-loss,
 * equity-floor and drawdown breakers, gross and net exposure, open positions, and exposure by
 * symbol and sector (only those with exposure). Limits the profile does not set are left out.
 * `/v1/state` and the gauges both read it, so they always agree.
 */
export function riskLimits(snap: RiskSnapshot, profile: RiskProfile): SubjectLimit[] {
  const basis = snap.exposure.basis;
  const b = profile.breakers;
  const dayStart = snap.dayStart?.equity ?? Number.NaN;
  return [
    b.dailyLoss &&
      limitView(
        'breakers.dailyLoss',
        { kind: 'breaker', code: 'DAILY_LOSS_LIMIT' },
        Math.max(0, dayStart - snap.equity),
        resolveLimit(b.dailyLoss, Number.isFinite(dayStart) ? dayStart : snap.equity),
      ),
    b.equityFloor && {
      name: 'breakers.equityFloor',
      subject: { kind: 'breaker', code: 'EQUITY_FLOOR' } as const,
      value: snap.equity,
      limit: b.equityFloor.usd,
      // A floor is reached from above: the room left is what equity may still lose.
      headroom: snap.equity - b.equityFloor.usd,
    },
    b.maxDrawdown &&
      limitView(
        'breakers.maxDrawdown (percent)',
        { kind: 'breaker', code: 'MAX_DRAWDOWN' },
        snap.drawdownPercent,
        b.maxDrawdown.percent,
      ),
    profile.exposure.gross &&
      limitView(
        'exposure.gross',
        { kind: 'exposure', scope: 'gross' },
        snap.exposure.gross,
        resolveLimit(profile.exposure.gross, basis),
      ),
    profile.exposure.net &&
      limitView(
        'exposure.net',
        { kind: 'exposure', scope: 'net' },
        snap.exposure.net,
        resolveLimit(profile.exposure.net, basis),
      ),
    profile.positions.maxOpen !== undefined &&
      limitView('positions.maxOpen', { kind: 'positions' }, snap.positions.length, profile.positions.maxOpen),
    ...Object.entries(snap.exposure.bySymbol).map(
      ([symbol, value]) =>
        profile.exposure.symbol &&
        limitView(
          `exposure.symbol.${symbol}`,
          { kind: 'symbol', symbol },
          value,
          resolveLimit(profile.exposure.symbol, basis),
        ),
    ),
    ...Object.entries(snap.exposure.bySector).map(
      ([sector, value]) =>
        profile.exposure.sector &&
        limitView(
          `exposure.sector.${sector}`,
          { kind: 'sector', sector },
          value,
          resolveLimit(profile.exposure.sector, basis),
        ),
    ),
  ].filter((l): l is SubjectLimit => typeof l === 'object' && l !== null);
}
