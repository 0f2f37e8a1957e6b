import type { ExitSignal, ProtectionUpdate, RiskActions } from '../../core/engine-types.ts';
import type { BreakerTrip } from '../../core/state-store.ts';
import type { CloseReason } from '../../store/order-types.ts';
import type { GatewayContext } from '../context.ts';
import { isLive } from '../orders/order-index.ts';
import type { ProtectionManager } from '../protection/protection-manager.ts';
import { cancelLiveOrders, closePosition } from './position-closer.ts';

const STOP_REASONS = new Set(['stop_loss', 'trailing_stop', 'breakeven_stop']);

function closeReasonOf(exit: ExitSignal): CloseReason {
  switch (exit.reason) {
    case 'kill_switch':
      return 'KILL_SWITCH';
    case 'breaker_flatten':
      return 'BREAKER_FLATTEN';
    case 'time_exit':
      return 'TIME_EXIT';
    case 'take_profit':
    case 'partial_take_profit':
      return 'TAKE_PROFIT_HIT';
    case 'trailing_stop':
      return 'TRAILING_STOP_HIT';
    case 'stop_loss':
    case 'breakeven_stop':
      return 'STOP_LOSS_HIT';
    default:
      return 'MANUAL';
  }
}

/**
 * Carries out what the engine answers: a trip is persisted first, then alerted, then acted on
 * (working entries cancelled, positions flattened when the breaker says so); exits are sent
 * at market unless a stop already resting at the broker covers them; tightened stops are moved
 * at the broker. Nothing here ever throws into the caller.
 */
export class RiskActor {
  readonly #ctx: GatewayContext;
  /** Symbols with a close in flight, so one event does not send two closes. */
  readonly #closing = new Set<string>();
  /** The close each symbol last sent: the engine repeats an exit until it fills, the broker must not. */
  readonly #sentCloses = new Map<string, string>();
  /** Set by the protection monitor: symbols watched by the fallback stop. */
  readonly fallbackSymbols = new Set<string>();
  readonly #protection: ProtectionManager;

  constructor(ctx: GatewayContext, protection: ProtectionManager) {
    this.#ctx = ctx;
    this.#protection = protection;
  }

  /** Handles one batch of actions; resolves when every broker call it made has settled. */
  async handle(actions: RiskActions, source: string): Promise<void> {
    if (actions.trips.length === 0 && actions.exits.length === 0 && actions.updates.length === 0) return;
    const work: Promise<unknown>[] = [];
    for (const trip of actions.trips) work.push(this.#onTrip(trip, source));
    for (const exit of actions.exits) work.push(this.#onExit(exit));
    for (const update of actions.updates) work.push(this.#onUpdate(update));
    await Promise.allSettled(work);
  }

  async #onTrip(trip: BreakerTrip, source: string): Promise<void> {
    const ctx = this.#ctx;
    // Persist before anything is said or done: a trip must survive a crash right after it.
    await ctx.risk.engine.flush();
    ctx.alerts.raise({
      code: trip.code,
      severity: 'critical',
      message: `${trip.message} → ${trip.action}${trip.flatten ? ' and flatten' : ''}`,
      detectedAt: trip.at,
      data: { trip, source },
    });
    ctx.hub.publish('trip', trip, trip.at);
    if (trip.code === 'KILL_SWITCH') return; // the kill switch does its own cancelling
    // Entries still working would add risk the new state forbids.
    const positions = new Map(ctx.risk.engine.snapshot().positions.map((p) => [p.symbol, p.qty]));
    await cancelLiveOrders(ctx, (o) => {
      if (o.parentId !== undefined) return false;
      const q = positions.get(o.symbol) ?? 0;
      return o.side === 'buy' ? q >= 0 : q <= 0;
    });
  }

  async #onExit(exit: ExitSignal): Promise<void> {
    const ctx = this.#ctx;
    const position = ctx.risk.engine.snapshot().positions.find((p) => p.symbol === exit.symbol);
    if (position === undefined) return;
    // A stop resting at the broker executes there; sending a market exit too would flip the position.
    if (STOP_REASONS.has(exit.reason) && !this.fallbackSymbols.has(exit.symbol)) {
      if (ctx.orders.liveStops(exit.symbol, position.qty).length > 0) return;
    }
    if (this.#closing.has(exit.symbol)) return;
    const sent = this.#sentCloses.get(exit.symbol);
    const inFlight = sent === undefined ? undefined : ctx.orders.get(sent);
    if (inFlight !== undefined && isLive(inFlight.status)) return;
    this.#closing.add(exit.symbol);
    try {
      const reason: CloseReason =
        this.fallbackSymbols.has(exit.symbol) && STOP_REASONS.has(exit.reason)
          ? 'FALLBACK_STOP'
          : closeReasonOf(exit);
      const all = Math.abs(exit.qty - Math.abs(position.qty)) < 1e-9;
      const order = await this.#protection.run(exit.symbol, () =>
        closePosition(ctx, exit.symbol, { ...(all ? {} : { qty: exit.qty }), reason, by: 'engine' }),
      );
      this.#sentCloses.set(exit.symbol, order.id);
    } catch (error) {
      ctx.alerts.raise({
        code: 'EXIT_FAILED',
        severity: 'critical',
        message: `could not send the ${exit.reason} exit for ${exit.symbol}: ${String(error)}`,
        data: { exit },
      });
    } finally {
      this.#closing.delete(exit.symbol);
    }
  }

  async #onUpdate(update: ProtectionUpdate): Promise<void> {
    if (update.stop === undefined) return;
    const position = this.#ctx.risk.engine.snapshot().positions.find((p) => p.symbol === update.symbol);
    if (position === undefined) return;
    // Moves go through the protection manager, in order per symbol; the tighter level wins.
    await this.#protection.moveStop(update.symbol, update.stop);
    this.#ctx.hub.publish('protection', { symbol: update.symbol, stop: update.stop, rule: update.ruleId });
  }

  /**
   * Closes a whole position at market through the protection manager (its protection is
   * cancelled first, serially with the symbol's other orders). Resolves true once the broker
   * accepted the close.
   */
  async closeThroughProtection(symbol: string, reason: CloseReason, by: string): Promise<boolean> {
    try {
      await this.#protection.run(symbol, () => closePosition(this.#ctx, symbol, { reason, by }));
      return true;
    } catch (error) {
      this.#ctx.log.warn({ symbol, error: String(error) }, 'close failed');
      return false;
    }
  }

  /**
   * A protective order filled on a flat or opposite position and so opened one: the position it
   * opened is closed at once.
   */
  async closeOpenedByProtection(symbol: string): Promise<void> {
    const ctx = this.#ctx;
    try {
      await this.#protection.run(symbol, async () => {
        if (Math.abs(this.#protection.positionQty(symbol)) <= 1e-9) return;
        await closePosition(ctx, symbol, { reason: 'RECONCILIATION', by: 'protection' });
      });
    } catch (error) {
      ctx.alerts.raise({
        code: 'EXIT_FAILED',
        severity: 'critical',
        message: `could not close the position a protective order opened in ${symbol}: ${String(error)}`,
        data: { symbol },
      });
    }
  }
}
