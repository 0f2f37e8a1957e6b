import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { classifyEffect } from '../../core/engine.ts';
import { parseSide } from '../../core/side.ts';
import type { GatewayContext } from '../context.ts';

/** Default requests per minute per API key: Alpaca's own limit. */
export const DEFAULT_KEY_REQUESTS_PER_MINUTE = 200;

/** Alpaca's error code for a rate-limited request. */
export const RATE_LIMITED_CODE = 42910000;

const WINDOW_MS = 60_000;

/** The outcome of counting one request. */
export interface RateVerdict {
  readonly allowed: boolean;
  /** Requests allowed per window. */
  readonly limit: number;
  /** Requests left in the current window (0 once it is used up). */
  readonly remaining: number;
  /** When the window resets, in Unix seconds (Alpaca's `X-RateLimit-Reset`). */
  readonly resetAtSeconds: number;
}

/**
 * Counts requests per API key in fixed one-minute windows, as Alpaca does. Exempt requests are
 * counted but never refused.
 */
export class KeyRateLimiter {
  readonly limit: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; used: number }>();

  /** `limit` requests per minute per key; `now` is the wall clock in epoch ms. */
  constructor(limit: number, now: () => number = Date.now) {
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new RangeError(`KeyRateLimiter: limit must be an integer >= 1, got ${limit}`);
    }
    this.limit = limit;
    this.#now = now;
  }

  /** Counts one request of `keyId`; `exempt` requests pass whatever the count. */
  take(keyId: string, exempt: boolean): RateVerdict {
    const now = this.#now();
    let window = this.#windows.get(keyId);
    if (window === undefined || now >= window.start + WINDOW_MS) {
      if (this.#windows.size > 10_000) this.#sweep(now);
      window = { start: now, used: 0 };
      this.#windows.set(keyId, window);
    }
    window.used++;
    const allowed = exempt || window.used <= this.limit;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      resetAtSeconds: Math.ceil((window.start + WINDOW_MS) / 1000),
    };
  }

  /** Forgets windows that have ended (keys are few; this only bounds a long-running process). */
  #sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now >= window.start + WINDOW_MS) this.#windows.delete(key);
    }
  }
}

/**
 * True for requests that cancel or reduce risk, which a throttle must never refuse: cancels,
 * closes, the kill switch, and new orders that reduce the position the engine holds (counting
 * the exits already working, so a flood of "exits" past the position is not exempt).
 */
export function isRiskReducingRequest(ctx: GatewayContext, request: FastifyRequest): boolean {
  const route = request.routeOptions.url ?? '';
  const method = request.method;
  if (method === 'DELETE' && (route.startsWith('/v2/orders') || route.startsWith('/v2/positions')))
    return true;
  if (method === 'POST' && route === '/v1/kill') return true;
  if (method !== 'POST' || route !== '/v2/orders') return false;
  const body = request.body;
  if (typeof body !== 'object' || body === null) return false;
  const { symbol, side, qty } = body as Record<string, unknown>;
  const parsedSide = parseSide(side);
  const quantity = typeof qty === 'number' ? qty : typeof qty === 'string' ? Number(qty) : Number.NaN;
  if (typeof symbol !== 'string' || !parsedSide.ok || !(quantity > 0)) return false;
  const book = ctx.risk.engine.book.symbols.get(symbol.trim().toUpperCase());
  const position = book?.position?.qty ?? 0;
  if (book === undefined || position === 0) return false;
  const closing = book.workingExit + (position > 0 ? book.workingSell : book.workingBuy);
  const effect = classifyEffect(position, parsedSide.value === 'buy' ? quantity : -quantity, closing);
  return effect === 'reduce' || effect === 'close';
}

/** Options of {@link keyRateLimit}. */
export interface KeyRateLimitOptions {
  readonly limiter: KeyRateLimiter;
  /** Requests counted but never refused. */
  readonly isExempt: (request: FastifyRequest) => boolean;
}

/**
 * A plugin that limits each API key's requests and answers the excess with 429 in Alpaca's error
 * envelope and `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix
 * seconds) headers, which every authenticated answer carries. It runs after each route's own
 * preHandlers (the auth guard), so only authenticated requests are counted, under their key.
 * Register it before the routes.
 */
export function keyRateLimit(app: FastifyInstance, options: KeyRateLimitOptions): void {
  const { limiter, isExempt } = options;
  const limit: preHandlerHookHandler = (request, reply, done) => {
    const principal = request.principal;
    if (principal === undefined) {
      done();
      return;
    }
    const verdict = limiter.take(principal.keyId, isExempt(request));
    reply.header('x-ratelimit-limit', String(verdict.limit));
    reply.header('x-ratelimit-remaining', String(verdict.remaining));
    reply.header('x-ratelimit-reset', String(verdict.resetAtSeconds));
    if (verdict.allowed) {
      done();
      return;
    }
    const resetAt = new Date(verdict.resetAtSeconds * 1000).toISOString();
    reply.code(429).send({
      code: RATE_LIMITED_CODE,
      message: `riskgate: RATE_LIMITED more than ${verdict.limit} requests this minute for this API key; the window resets at ${resetAt}`,
      riskgate: { code: 'RATE_LIMITED', limit: verdict.limit, reset: verdict.resetAtSeconds },
    });
  };
  app.addHook('onRoute', (route) => {
    const own = route.preHandler;
    // Routes without a guard (health, metrics, docs) are not keyed and not limited.
    if (own === undefined) return;
    route.preHandler = [...(Array.isArray(own) ? own : [own]), limit];
  });
}
