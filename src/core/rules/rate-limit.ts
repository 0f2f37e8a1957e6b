import { isRiskReducing, type Violation } from '../decision.ts';
import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/** A token bucket: `capacity` tokens refilled evenly over `periodMs`. */
class TokenBucket {
  #tokens: number;
  #last = Number.NaN;

  constructor(
    readonly capacity: number,
    readonly periodMs: number,
  ) {
    this.#tokens = capacity;
  }

  available(now: number): number {
    if (!Number.isNaN(this.#last) && now > this.#last) {
      this.#tokens = Math.min(
        this.capacity,
        this.#tokens + ((now - this.#last) * this.capacity) / this.periodMs,
      );
    }
    this.#last = Number.isNaN(this.#last) ? now : Math.max(this.#last, now);
    return this.#tokens;
  }

  take(now: number): void {
    this.available(now);
    this.#tokens -= 1;
  }
}

/** Built outside the check, so the check stays small enough for V8 to inline into the pipeline. */
function rateExceeded(ruleId: string, window: string, bucket: TokenBucket): Violation {
  return violation('RATE_LIMIT_EXCEEDED', ruleId, { window, maxOrders: bucket.capacity });
}

/**
 * Order throttle (token buckets per second and per minute) for entries only: cancels and
 * risk-reducing exits are never throttled.
 */
export function rateLimitRule(perSecond: number | undefined, perMinute: number | undefined): PreTradeRule {
  const second = perSecond === undefined ? undefined : new TokenBucket(perSecond, 1_000);
  const minute = perMinute === undefined ? undefined : new TokenBucket(perMinute, 60_000);
  return {
    id: 'rate-limit',
    scope: 'entries',
    check(input) {
      const now = input.now;
      if (second !== undefined && second.available(now) < 1) return rateExceeded(this.id, '1s', second);
      if (minute !== undefined && minute.available(now) < 1) return rateExceeded(this.id, '1m', minute);
      return null;
    },
    onAccepted(input, ctx) {
      // Exits are never throttled, so they must not use up the entries' budget either.
      if (isRiskReducing(input.effect)) return;
      const now = ctx.now();
      second?.take(now);
      minute?.take(now);
    },
  };
}
