import type { RearmPolicy } from './config/profile-schema.ts';
import type { MarketEvent } from './market.ts';
import type { ClosedTrade } from './position.ts';
import type { RiskContext } from './rule.ts';

/** What a breaker does when it trips. `pause` blocks entries for a cooldown without latching. */
export type BreakerAction = 'reducing' | 'halted' | 'pause';

/** A breaker's finding: the message and numbers behind a trip. */
export interface BreakerFinding {
  readonly message: string;
  readonly values: Readonly<Record<string, number | string>>;
  /** For `pause`: epoch ms until which entries are paused. */
  readonly pauseUntil?: number;
}

export type { RearmPolicy };

/**
 * An account-level circuit breaker, evaluated on every mark, account update, fill and index
 * reading. Once tripped it stays tripped (the engine latches the state) until its latch policy
 * re-arms it or an authorised reset does.
 */
export interface Breaker {
  readonly id: string;
  readonly code: string;
  readonly action: BreakerAction;
  readonly flatten: boolean;
  /**
   * How its latch re-arms: `manual` (default) waits for a reset, `next-session` lifts at the
   * next session's open, `when-clear` once {@link Breaker.isClear} says so.
   */
  readonly rearm?: RearmPolicy;
  /** For `when-clear`: true once the tripping condition has cleared, with its hysteresis. */
  isClear?(): boolean;
  evaluate(ctx: RiskContext): BreakerFinding | null;
  /** Sees every evaluation while the breaker is tripped (e.g. to re-arm hysteresis). */
  observe?(ctx: RiskContext): void;
  /**
   * Observes every market event before the breakers are evaluated, also while tripped (so
   * hysteresis can follow the market during a latch). An exception trips the breaker.
   */
  onMarket?(event: MarketEvent, ctx: RiskContext): void;
  /** The event kinds `onMarket` needs (default: every kind); the engine calls it for those only. */
  readonly observes?: readonly MarketEvent['kind'][];
  /** Observes closed round trips (loss streaks). */
  onTradeClosed?(trade: ClosedTrade): void;
  persistState?(): unknown;
  restore?(state: unknown): void;
  /** Re-arms after an authorised reset. */
  reset?(): void;
}
