import type { Position } from '../../core/position.ts';
import type { GatewayContext } from '../context.ts';
import type { ProtectionManager } from '../protection/protection-manager.ts';
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

/** Placement attempts before the fallback monitor takes over. */
const MAX_ATTEMPTS = 3;
/** Milliseconds between placement attempts. */
const RETRY_MS = 1_000;
const EPSILON = 1e-9;

/**
 * The protective-stop guarantee, checked on every mark: each open position is covered by live
 * stops at the broker. When it is not, the protection manager is asked to make it whole; after
 * repeated failures the fallback monitor watches quotes and closes at market when the stop is
 * crossed (close reason FALLBACK_STOP). A position without a broker stop beyond the grace
 * period, counted from the moment it lost one, arms the UNPROTECTED_POSITION breaker. Managed
 * protective orders left on a flat symbol are cancelled.
 */
export class ProtectionMonitor {
  readonly #ctx: GatewayContext;
  readonly #actor: RiskActor;
  readonly #breaker: UnprotectedPositionBreaker;
  readonly #manager: ProtectionManager;
  readonly #status = new Map<string, { status: ProtectionStatus; stop: number | undefined }>();

  constructor(
    ctx: GatewayContext,
    actor: RiskActor,
    breaker: UnprotectedPositionBreaker,
    manager: ProtectionManager,
  ) {
    this.#ctx = ctx;
    this.#actor = actor;
    this.#breaker = breaker;
    this.#manager = manager;
  }

  /** The protection of every open position. */
  report(): PositionProtection[] {
    return [...this.#status].map(([symbol, s]) => {
      const state = this.#manager.state(symbol);
      return {
        symbol,
        status: s.status,
        stop: s.stop,
        unprotectedSince: state.since,
        attempts: state.attempts,
        lastError: state.lastError,
      };
    });
  }

  /** Checks every position now; cheap enough to run on every mark. */
  check(now = Date.now()): void {
    const ctx = this.#ctx;
    const positions = ctx.risk.engine.snapshot().positions.filter((p) => Math.abs(p.qty) > EPSILON);
    const open = new Set(positions.map((p) => p.symbol));
    for (const symbol of [...this.#status.keys()]) {
      if (open.has(symbol)) continue;
      this.#status.delete(symbol);
      this.#actor.fallbackSymbols.delete(symbol);
    }
    // A protective order racing a flat: cancelled when it shows up.
    for (const symbol of ctx.orders.liveSymbols()) {
      if (!open.has(symbol) && this.#manager.coverage(symbol).strays.length > 0)
        this.#manager.schedule(symbol);
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
    const manager = this.#manager;
    const state = manager.state(symbol);
    const cov = manager.coverage(symbol);
    const qty = Math.abs(position.qty);
    if (cov.stopCover >= qty - EPSILON && cov.stopCover > 0) {
      const levels = cov.groups.map((g) => g.stopPrice).filter((p): p is number => p !== undefined);
      const best =
        levels.length === 0 ? undefined : position.qty > 0 ? Math.max(...levels) : Math.min(...levels);
      if (best !== undefined) ctx.risk.engine.setProtection(symbol, { stop: best });
      this.#actor.fallbackSymbols.delete(symbol);
      state.since = null;
      state.attempts = 0;
      state.lastError = null;
      // Covered, but by more than one of the gateway's groups (after an add), or by more than
      // the position (it shrank outside riskgate, and a stop that big would open the other way).
      const over = cov.ownedHeld > Math.max(0, qty - cov.heldByBot) + EPSILON;
      if ((cov.owned.length > 1 || over) && !manager.busy(symbol)) manager.schedule(symbol);
      this.#status.set(symbol, { status: 'protected_at_broker', stop: best });
      return 'protected_at_broker';
    }
    state.since ??= now;
    const level = manager.stopLevel(position);
    if (!manager.busy(symbol) && now - state.lastAttemptAt >= RETRY_MS) manager.schedule(symbol);
    let status: ProtectionStatus = 'unprotected';
    if (state.attempts >= MAX_ATTEMPTS && this.#fallbackWorks(symbol)) {
      status = 'protected_by_fallback';
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
    }
    this.#status.set(symbol, { status, stop: level });
    // The last resort: too long without a stop at the broker, whether or not the fallback watches.
    const graceMs = ctx.config.monitor.stopGraceMs;
    if (now - state.since > graceMs && !this.#breaker.armed) {
      this.#breaker.arm(symbol, now - state.since, graceMs);
    }
    return status;
  }

  /** The fallback only protects while quotes are fresh enough to see the stop crossed. */
  #fallbackWorks(symbol: string): boolean {
    const book = this.#ctx.risk.engine.book.symbols.get(symbol);
    if (book === undefined || !Number.isFinite(book.priceTime)) return false;
    const maxAge = this.#ctx.risk.engine.profile.marketData?.maxQuoteAgeMs ?? 5_000;
    return Date.now() - book.priceTime <= Math.max(maxAge, this.#ctx.config.monitor.markIntervalMs * 3);
  }

  /** A stop of this symbol stopped being live: protection is lost from this moment. */
  stopLost(symbol: string, at = Date.now()): void {
    const qty = this.#manager.positionQty(symbol);
    if (Math.abs(qty) <= EPSILON) return;
    const cov = this.#manager.coverage(symbol);
    if (cov.stopCover < Math.abs(qty) - EPSILON) this.#manager.state(symbol).since ??= at;
    this.#manager.schedule(symbol);
  }
}
