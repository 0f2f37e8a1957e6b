import { newClientOrderId } from '../../broker/client-order-id.ts';
import type { Position } from '../../core/position.ts';
import { protectiveStopDirection, roundToTick } from '../../core/tick.ts';
import type { GatewayContext } from '../context.ts';
import { storeStatus } from '../risk/position-closer.ts';
import type { RiskActor } from '../risk/risk-actor.ts';
import type { UnprotectedPositionBreaker } from './unprotected-breaker.ts';

/** How a position is protected right now. */
export type ProtectionStatus = 'protected_at_broker' | 'protected_by_fallback' | 'unprotected';

/** The protection of one position, as `/v1/state` shows it. */
export interface PositionProtection {
  readonly symbol: string;
  readonly status: ProtectionStatus;
  /** Stop level in dollars that protects it (at the broker, or watched by the fallback). */
  readonly stop: number | undefined;
  /** Epoch ms since which it has lacked a live stop at the broker, or null. */
  readonly unprotectedSince: number | null;
  readonly attempts: number;
  readonly lastError: string | null;
}

interface State {
  since: number | null;
  attempts: number;
  lastAttemptAt: number;
  placing: boolean;
  lastError: string | null;
  status: ProtectionStatus;
  stop: number | undefined;
}

/** Standalone stop attempts before the fallback monitor takes over. */
const MAX_ATTEMPTS = 3;
/** Milliseconds between standalone stop attempts. */
const RETRY_MS = 1_000;
/** A placement that takes longer than this (e.g. queued behind an open circuit) counts as failed. */
const PLACE_TIMEOUT_MS = 5_000;

/**
 * The protective-stop guarantee: every open position has a live stop at the broker within the
 * grace period after its fill. A missing, rejected or cancelled stop is replaced by a
 * standalone stop order; when that cannot be placed, the fallback monitor watches quotes and
 * closes at market when the stop is crossed (close reason FALLBACK_STOP). A position with
 * neither beyond the grace period arms the UNPROTECTED_POSITION breaker.
 */
export class ProtectionMonitor {
  readonly #ctx: GatewayContext;
  readonly #actor: RiskActor;
  readonly #breaker: UnprotectedPositionBreaker;
  readonly #states = new Map<string, State>();

  constructor(ctx: GatewayContext, actor: RiskActor, breaker: UnprotectedPositionBreaker) {
    this.#ctx = ctx;
    this.#actor = actor;
    this.#breaker = breaker;
  }

  /** The protection of every open position. */
  report(): PositionProtection[] {
    return [...this.#states].map(([symbol, s]) => ({
      symbol,
      status: s.status,
      stop: s.stop,
      unprotectedSince: s.since,
      attempts: s.attempts,
      lastError: s.lastError,
    }));
  }

  /** Checks every position now; cheap enough to run on every mark. */
  check(now = Date.now()): void {
    const ctx = this.#ctx;
    const positions = ctx.risk.engine.snapshot().positions.filter((p) => Math.abs(p.qty) > 1e-9);
    const open = new Set(positions.map((p) => p.symbol));
    for (const symbol of [...this.#states.keys()]) {
      if (!open.has(symbol)) {
        this.#states.delete(symbol);
        this.#actor.fallbackSymbols.delete(symbol);
      }
    }
    const counts: Record<ProtectionStatus, number> = {
      protected_at_broker: 0,
      protected_by_fallback: 0,
      unprotected: 0,
    };
    for (const position of positions) counts[this.#checkOne(position, now)] += 1;
    for (const [status, n] of Object.entries(counts)) ctx.metrics.positionsByProtection.set({ status }, n);
    ctx.metrics.unprotectedPositions.set(counts.unprotected);
  }

  #checkOne(position: Position, now: number): ProtectionStatus {
    const ctx = this.#ctx;
    const symbol = position.symbol;
    let state = this.#states.get(symbol);
    if (state === undefined) {
      state = {
        since: null,
        attempts: 0,
        lastAttemptAt: 0,
        placing: false,
        lastError: null,
        status: 'unprotected',
        stop: undefined,
      };
      this.#states.set(symbol, state);
    }
    const stops = ctx.orders.liveStops(symbol, position.qty);
    const covered = stops.reduce((sum, s) => sum + Math.max(0, s.qty - s.filledQty), 0);
    if (covered >= Math.abs(position.qty) - 1e-9 && stops.length > 0) {
      const levels = stops.map((s) => s.stopPrice).filter((p): p is number => p !== undefined);
      const best =
        levels.length === 0 ? undefined : position.qty > 0 ? Math.max(...levels) : Math.min(...levels);
      if (best !== undefined) ctx.risk.engine.setProtection(symbol, { stop: best });
      this.#actor.fallbackSymbols.delete(symbol);
      Object.assign(state, {
        since: null,
        attempts: 0,
        lastError: null,
        status: 'protected_at_broker',
        stop: best,
      });
      return state.status;
    }
    // The grace period runs from the fill that opened the position.
    state.since ??= position.entryTime > 0 ? Math.min(position.entryTime, now) : now;
    const level = this.#stopLevel(position);
    state.stop = level;
    if (!state.placing && state.attempts < MAX_ATTEMPTS && now - state.lastAttemptAt >= RETRY_MS) {
      void this.#place(position, Math.abs(position.qty) - covered, level, state);
    }
    const fallback = state.attempts >= MAX_ATTEMPTS && this.#fallbackWorks(symbol);
    if (fallback) {
      if (!this.#actor.fallbackSymbols.has(symbol)) {
        this.#actor.fallbackSymbols.add(symbol);
        ctx.risk.engine.setProtection(symbol, { stop: level });
        ctx.alerts.raise({
          code: 'FALLBACK_STOP_ACTIVE',
          severity: 'warning',
          message: `no stop could be placed at the broker for ${symbol}; the gateway watches stop=${level} and closes at market when crossed`,
          data: { symbol, stop: level, lastError: state.lastError },
        });
      }
      state.status = 'protected_by_fallback';
      return state.status;
    }
    state.status = 'unprotected';
    const graceMs = ctx.config.monitor.stopGraceMs;
    if (now - state.since > graceMs && !this.#breaker.armed) {
      this.#breaker.arm(symbol, now - state.since, graceMs);
    }
    return state.status;
  }

  /** The position's own stop, else the configured distance from its entry, on the tick, protective side. */
  #stopLevel(position: Position): number {
    if (position.stop !== undefined && position.stop > 0) return position.stop;
    const pct = this.#ctx.config.monitor.fallbackStopPercent / 100;
    const long = position.qty > 0;
    const raw = position.avgPrice * (long ? 1 - pct : 1 + pct);
    return roundToTick(raw, protectiveStopDirection(long ? 'sell' : 'buy'));
  }

  /** The fallback only protects while quotes are fresh enough to see the stop crossed. */
  #fallbackWorks(symbol: string): boolean {
    const book = this.#ctx.risk.engine.book.symbols.get(symbol);
    if (book === undefined || !Number.isFinite(book.priceTime)) return false;
    const maxAge = this.#ctx.risk.engine.profile.marketData?.maxQuoteAgeMs ?? 5_000;
    return Date.now() - book.priceTime <= Math.max(maxAge, this.#ctx.config.monitor.markIntervalMs * 3);
  }

  async #place(position: Position, qty: number, stop: number, state: State): Promise<void> {
    const ctx = this.#ctx;
    state.placing = true;
    state.attempts += 1;
    state.lastAttemptAt = Date.now();
    const intent = {
      clientOrderId: newClientOrderId('rgstop'),
      symbol: position.symbol,
      side: position.qty > 0 ? ('sell' as const) : ('buy' as const),
      qty,
      type: 'stop' as const,
      timeInForce: 'gtc' as const,
      stopPrice: stop,
    };
    try {
      await ctx.store.orders.recordIntent(intent, { at: Date.now(), closeReason: 'STOP_LOSS_HIT' });
      const submitted = await Promise.race([
        ctx.metrics.timeBroker('placeStop', () => ctx.broker.submitOrder({ ...intent, intent: 'exit' })),
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`no answer within ${PLACE_TIMEOUT_MS} ms`)),
            PLACE_TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      ctx.orders.upsert(submitted.order);
      await ctx.store.orders.recordAck(intent.clientOrderId, {
        brokerOrderId: submitted.order.id,
        status: storeStatus(submitted.order.status),
        at: Date.now(),
      });
      state.lastError = null;
      ctx.hub.publish('protection', { symbol: position.symbol, stop, placed: submitted.order.id });
      ctx.log.info({ symbol: position.symbol, stop, qty }, 'standalone protective stop placed');
    } catch (error) {
      state.lastError = (error as Error).message ?? String(error);
      ctx.log.warn(
        { symbol: position.symbol, attempt: state.attempts, error: state.lastError },
        'protective stop not placed',
      );
      await ctx.store.orders
        .transition(intent.clientOrderId, { to: 'submit_failed', at: Date.now(), reason: state.lastError })
        .catch(() => undefined);
    } finally {
      state.placing = false;
    }
  }

  /** A stop of this symbol stopped being live: try again at once. */
  stopLost(symbol: string): void {
    const state = this.#states.get(symbol);
    if (state !== undefined && state.status === 'protected_at_broker') {
      state.attempts = 0;
      state.lastAttemptAt = 0;
    }
  }
}
