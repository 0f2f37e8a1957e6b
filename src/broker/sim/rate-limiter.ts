/** Options of {@link FixedWindowLimiter}. */
export interface RateLimitOptions {
  /** Requests allowed per window per key. Default 200. */
  readonly limit?: number;
  /** Window length in milliseconds. Default 60 000. */
  readonly windowMs?: number;
}

/** The broker's request limit: a fixed window per API key, reported in `X-RateLimit-*` headers. */
export class FixedWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #windows = new Map<string, { start: number; used: number }>();

  constructor(
    options: RateLimitOptions = {},
    readonly wall: () => number = Date.now,
  ) {
    this.limit = options.limit ?? 200;
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Counts one request; returns whether it is allowed and the headers to send. */
  take(key: string): { allowed: boolean; headers: Record<string, string> } {
    const now = this.wall();
    let window = this.#windows.get(key);
    if (window === undefined || now >= window.start + this.windowMs) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < this.limit;
    if (allowed) window.used++;
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(this.limit),
        'x-ratelimit-remaining': String(Math.max(0, this.limit - window.used)),
        'x-ratelimit-reset': String(Math.ceil((window.start + this.windowMs) / 1000)),
      },
    };
  }
}
