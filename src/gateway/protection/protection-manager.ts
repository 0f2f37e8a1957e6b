import { newClientOrderId } from '../../broker/client-order-id.ts';
import { InsufficientQtyError, isBrokerError } from '../../broker/errors.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import type { OrderIntent } from '../../core/order.ts';
import type { Position } from '../../core/position.ts';
import { protectiveStopDirection, roundToTick } from '../../core/tick.ts';
import type { GatewayContext } from '../context.ts';
import { isLive, type TrackedOrder } from '../orders/order-index.ts';
import { storeStatus } from '../risk/position-closer.ts';
import { withTimeout } from '../with-timeout.ts';
import { type Coverage, computeCoverage, type ExitGroup, PROTECTIVE_ID_PREFIX } from './coverage.ts';
import { LegVerifier } from './leg-verifier.ts';
import { SerialQueues } from './serial-queues.ts';

const EPSILON = 1e-9;
/** How long a cancel may take to become final at the broker before the manager goes on. */
const CANCEL_SETTLE_MS = 3_000;
/** A placement that takes longer than this (e.g. queued behind an open circuit) counts as failed. */
const PLACE_TIMEOUT_MS = 5_000;
/** Attempts at moving a stop when the broker refuses a PATCH (e.g. the order was replaced meanwhile). */
const MOVE_ATTEMPTS = 3;

/** Per symbol: since when it lacks broker protection and how placing it went. */
export interface ProtectionState {
  /** Epoch ms since which the position has lacked full stop coverage at the broker, or null. */
  since: number | null;
  attempts: number;
  lastAttemptAt: number;
  lastError: string | null;
}

/** Why the manager could not (yet) make the protection whole; the monitor retries. */
type Outcome = 'ok' | 'waiting' | 'failed';

/**
 * Owns, per open position, one set of protective orders at the broker covering exactly the
 * position's quantity: a stop, or an OCO of take-profit and stop. Everything that touches a
 * protected position runs here, serially per symbol: the bot's exits and adds free the quantity
 * first (cancel the protection, so the broker's held-quantity and wash-trade rules never refuse
 * the bot's order), and after every fill, refusal, cancel or expiry the protection is brought
 * back to the position as it is now. A flat symbol keeps no protective order, and a protective
 * order is only ever placed for a position the broker confirms.
 */
export class ProtectionManager {
  readonly #ctx: GatewayContext;
  readonly #queues = new SerialQueues();
  readonly #scheduled = new Set<string>();
  readonly #states = new Map<string, ProtectionState>();
  /** Confirms the legs of accepted brackets/OTOs after the bot has its answer. */
  readonly legs: LegVerifier;

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
    this.legs = new LegVerifier(ctx, (symbol) => this.schedule(symbol));
  }

  /** The protection state of a symbol (created on first use). */
  state(symbol: string): ProtectionState {
    let s = this.#states.get(symbol);
    if (s === undefined) {
      s = { since: null, attempts: 0, lastAttemptAt: 0, lastError: null };
      this.#states.set(symbol, s);
    }
    return s;
  }

  /** Forgets the state of symbols that are flat and have no live order. */
  forget(symbol: string): void {
    this.#states.delete(symbol);
  }

  /** The position's signed quantity as the engine holds it. */
  positionQty(symbol: string): number {
    return this.#ctx.risk.engine.book.symbols.get(symbol)?.position?.qty ?? 0;
  }

  /**
   * How the position of a symbol (the engine's, unless another quantity is given) is covered at
   * the broker right now.
   */
  coverage(symbol: string, positionQty = this.positionQty(symbol)): Coverage {
    const orders = this.#ctx.orders;
    return computeCoverage({
      positionQty,
      live: orders.coverageCandidates(symbol, positionQty),
      get: (id) => orders.get(id),
    });
  }

  /** True when the symbol has work queued or running. */
  busy(symbol: string): boolean {
    return this.#queues.busy(symbol);
  }

  /** Runs `work` after everything queued for the symbol, then brings the protection back in line. */
  async run<T>(symbol: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.#queues.run(symbol, work);
    } finally {
      this.schedule(symbol);
    }
  }

  /**
   * A bot's exit (or any order on the closing side): the gateway's protection is cancelled when
   * it holds shares the exit needs, then the exit is sent as the bot asked; what remains is
   * protected again right after, and everything is restored if the exit is refused or dies.
   */
  exit<T>(intent: OrderIntent, send: (intent: OrderIntent) => Promise<T>): Promise<T> {
    return this.withFree(intent.symbol, intent.qty, () => send(this.#withStop(intent)));
  }

  /**
   * Runs `work` (which needs `qty` more shares of the position than the bot's orders hold now)
   * after freeing them from the gateway's protection, serially with everything else of the symbol.
   */
  withFree<T>(symbol: string, qty: number, work: () => Promise<T>): Promise<T> {
    return this.run(symbol, async () => {
      const cov = this.coverage(symbol);
      const free = Math.abs(this.positionQty(symbol)) - cov.heldByBot - cov.ownedHeld;
      if (cov.owned.length > 0 && qty > free + EPSILON) await this.#release(symbol, cov.owned);
      return work();
    });
  }

  /**
   * A bot's add to an open position: the broker refuses a buy while a sell stop of the same
   * symbol works (wash trade), so the protection is lifted for the add and placed again, for the
   * whole position, as soon as the add is at the broker.
   */
  add<T>(intent: OrderIntent, send: (intent: OrderIntent) => Promise<T>): Promise<T> {
    return this.run(intent.symbol, async () => {
      const cov = this.coverage(intent.symbol);
      if (cov.owned.length > 0) await this.#release(intent.symbol, cov.owned);
      return send(intent);
    });
  }

  /**
   * A bot's limit exit carries the position's stop as an OCO when it can, so the shares it holds
   * stay protected at the broker while it works; the bot still sees its own limit order.
   */
  #withStop(intent: OrderIntent): OrderIntent {
    const position = this.#ctx.risk.engine.book.symbols.get(intent.symbol)?.position;
    if (position === undefined || intent.type !== 'limit' || intent.protection !== undefined) return intent;
    if (intent.extendedHours === true || (intent.timeInForce !== 'day' && intent.timeInForce !== 'gtc'))
      return intent;
    const long = position.qty > 0;
    if ((long && intent.side !== 'sell') || (!long && intent.side !== 'buy')) return intent;
    if (intent.qty > Math.abs(position.qty) + EPSILON) return intent;
    const stop = this.stopLevel(position);
    const limit = intent.limitPrice;
    // The broker wants the stop strictly beyond the limit, by a tick at least.
    if (limit === undefined || (long ? stop > limit - 0.01 : stop < limit + 0.01)) return intent;
    return { ...intent, protection: { takeProfit: limit, stopLoss: stop } };
  }

  /** Cancels the groups and waits until the broker reports each member final. */
  async #release(symbol: string, groups: readonly ExitGroup[]): Promise<void> {
    const members = groups.flatMap((g) => g.members);
    if (members.length === 0) return;
    const state = this.state(symbol);
    state.since ??= Date.now();
    await this.#cancelAndSettle(members);
  }

  async #cancelAndSettle(orders: readonly TrackedOrder[]): Promise<void> {
    const ctx = this.#ctx;
    await Promise.all(
      orders.map(async (o) => {
        try {
          await ctx.metrics.timeBroker('cancelOrder', () => ctx.broker.cancelOrder(o.brokerOrderId));
        } catch (error) {
          // Already final (filled, cancelled with its sibling): the read below tells which.
          ctx.log.debug({ orderId: o.brokerOrderId, error: String(error) }, 'protective cancel refused');
        }
      }),
    );
    const deadline = Date.now() + CANCEL_SETTLE_MS;
    let pending = orders.filter((o) => isLive(o.status));
    for (let wait = 5; pending.length > 0 && Date.now() < deadline; wait = Math.min(wait * 2, 200)) {
      await Promise.all(
        pending.map(async (o) => {
          const fresh = await ctx.broker.getOrder(o.brokerOrderId).catch(() => undefined);
          if (fresh !== undefined) ctx.orders.upsert(fresh, o.parentId);
        }),
      );
      pending = pending.filter((o) => isLive(o.status) && o.status !== 'pending_cancel');
      if (pending.length > 0) await sleep(wait);
    }
  }

  /** Brings the symbol's protection in line soon (once, however often it is asked). */
  schedule(symbol: string, delayMs = 0): void {
    if (this.#scheduled.has(symbol)) return;
    this.#scheduled.add(symbol);
    const go = () =>
      void this.#queues
        .run(symbol, () => {
          this.#scheduled.delete(symbol);
          return this.#reconcile(symbol);
        })
        .catch((error: unknown) => {
          this.#ctx.log.error({ symbol, error: String(error) }, 'protection could not be reconciled');
        });
    if (delayMs > 0) setTimeout(go, delayMs).unref();
    else queueMicrotask(go);
  }

  /** Makes the protection of one symbol match its position; runs inside the symbol's queue. */
  async #reconcile(symbol: string): Promise<Outcome> {
    const ctx = this.#ctx;
    let cov = this.coverage(symbol);
    if (cov.strays.length > 0) {
      const strays = await this.#confirmStrays(symbol, cov.strays);
      if (strays.length > 0) await this.#cancelAndSettle(strays);
    }
    const qty = this.positionQty(symbol);
    if (Math.abs(qty) <= EPSILON) {
      this.#states.delete(symbol);
      return 'ok';
    }
    const state = this.state(symbol);
    cov = this.coverage(symbol);
    const wanted = Math.max(0, Math.abs(qty) - cov.heldByBot);
    const whole =
      cov.owned.length <= 1 &&
      Math.abs(cov.ownedStopCover - wanted) <= EPSILON &&
      Math.abs(cov.ownedHeld - wanted) <= EPSILON;
    if (whole) {
      if (cov.stopCover >= Math.abs(qty) - EPSILON) state.since = null;
      if (cov.owned[0] !== undefined) await this.#converge(symbol, cov.owned[0]);
      return 'ok';
    }
    state.since ??= Date.now();
    if (cov.owned.length > 0) await this.#cancelAndSettle(cov.owned.flatMap((g) => g.members));
    if (wanted <= EPSILON) return 'ok';
    // Place only for a position the broker confirms: a fill still on its way must not leave a
    // stop behind on a flat symbol, where it would open a position when it triggers.
    const broker = await ctx.broker
      .getPosition(symbol)
      .then((p) => p.qty)
      .catch((error: unknown) => (isBrokerError(error, 'NOT_FOUND') ? 0 : undefined));
    const now = this.positionQty(symbol);
    if (broker === undefined || Math.abs(broker - now) > EPSILON) {
      this.schedule(symbol, 100);
      return 'waiting';
    }
    cov = this.coverage(symbol);
    const qtyToCover = Math.max(0, Math.abs(now) - cov.heldByBot - cov.ownedHeld);
    if (qtyToCover <= EPSILON) return 'ok';
    const position = ctx.risk.engine.book.symbols.get(symbol)?.position;
    if (position === undefined) return 'ok';
    return this.#place(position, qtyToCover, state);
  }

  /**
   * The strays that are strays at the broker too. The engine can lag the broker (an entry filled
   * at the exchange whose fill is still on the stream), and then the entry's stop leg looks like
   * an order on a flat symbol while it protects the broker's position: such orders are left, and
   * the symbol is looked at again once the fill (or reconciliation, which takes the broker's
   * position) has caught up. When the broker cannot be read, the engine's view decides.
   */
  async #confirmStrays(symbol: string, strays: readonly TrackedOrder[]): Promise<readonly TrackedOrder[]> {
    const ctx = this.#ctx;
    const broker = await ctx.broker
      .getPosition(symbol)
      .then((p) => p.qty)
      .catch((error: unknown) => (isBrokerError(error, 'NOT_FOUND') ? 0 : undefined));
    if (broker === undefined || Math.abs(broker - this.positionQty(symbol)) <= EPSILON) return strays;
    const atBroker = new Set(this.coverage(symbol, broker).strays);
    const confirmed = strays.filter((o) => atBroker.has(o));
    if (confirmed.length < strays.length) {
      ctx.log.info(
        { symbol, engine: this.positionQty(symbol), broker, kept: strays.length - confirmed.length },
        'protective orders kept: the broker holds the position they protect',
      );
      this.schedule(symbol, 250);
    }
    return confirmed;
  }

  /** Moves the broker's stop to the engine's level when the engine's is tighter. */
  async #converge(symbol: string, group: ExitGroup): Promise<void> {
    const position = this.#ctx.risk.engine.book.symbols.get(symbol)?.position;
    if (position?.stop === undefined || group.stopPrice === undefined) return;
    const long = position.qty > 0;
    const level = roundToTick(position.stop, protectiveStopDirection(long ? 'sell' : 'buy'));
    if (long ? level > group.stopPrice + EPSILON : level < group.stopPrice - EPSILON) {
      await this.#move(symbol, level);
    }
  }

  /** Moves the gateway's stop of a symbol to `level` (tighter only), serially with everything else. */
  moveStop(symbol: string, level: number): Promise<void> {
    return this.#queues.run(symbol, () => this.#move(symbol, level));
  }

  async #move(symbol: string, level: number): Promise<void> {
    const ctx = this.#ctx;
    const qty = this.positionQty(symbol);
    if (Math.abs(qty) <= EPSILON) return;
    const long = qty > 0;
    const target = roundToTick(level, protectiveStopDirection(long ? 'sell' : 'buy'));
    for (const group of this.coverage(symbol).owned) {
      let stop = group.members.find((m) => m.type === 'stop');
      for (let attempt = 1; stop !== undefined && attempt <= MOVE_ATTEMPTS; attempt++) {
        const current = stop.stopPrice;
        if (current !== undefined && (long ? target <= current + EPSILON : target >= current - EPSILON))
          break;
        try {
          const replaced = await ctx.metrics.timeBroker('replaceOrder', () =>
            ctx.broker.replaceOrder(stop!.brokerOrderId, {
              stopPrice: target,
              intent: 'exit',
              ...(stop!.parentId === undefined
                ? { clientOrderId: newClientOrderId(PROTECTIVE_ID_PREFIX) }
                : {}),
            }),
          );
          ctx.orders.upsert({ ...stop.order, status: 'replaced' }, stop.parentId);
          ctx.orders.upsert(replaced, stop.parentId);
          ctx.hub.publish('protection', { symbol, stop: target, moved: replaced.id });
          break;
        } catch (error) {
          // Refused (e.g. already replaced, or pending): read the order as it is now and try again
          // against its current version, never drop the move.
          ctx.log.warn({ symbol, attempt, error: String(error) }, 'stop move refused; retrying');
          const fresh = await ctx.broker.getOrder(stop.brokerOrderId).catch(() => undefined);
          if (fresh === undefined) break;
          ctx.orders.upsert(fresh, stop.parentId);
          const next =
            fresh.status === 'replaced' && fresh.replacedBy !== undefined
              ? await ctx.broker.getOrder(fresh.replacedBy).catch(() => undefined)
              : fresh;
          if (next === undefined || !isLive(next.status)) break;
          stop = ctx.orders.upsert(next, stop.parentId);
          await sleep(20 * attempt);
        }
      }
    }
  }

  /** The position's own stop, else the configured distance from its entry, on the tick, protective side. */
  stopLevel(position: Position): number {
    const long = position.qty > 0;
    const direction = protectiveStopDirection(long ? 'sell' : 'buy');
    if (position.stop !== undefined && position.stop > 0) return roundToTick(position.stop, direction);
    const pct = this.#ctx.config.monitor.fallbackStopPercent / 100;
    return roundToTick(position.avgPrice * (long ? 1 - pct : 1 + pct), direction);
  }

  async #place(position: Position, qty: number, state: ProtectionState): Promise<Outcome> {
    const ctx = this.#ctx;
    const long = position.qty > 0;
    const stop = this.stopLevel(position);
    const target = position.target;
    const oco = target !== undefined && (long ? target > stop + 0.01 : target < stop - 0.01) && target > 0;
    state.attempts += 1;
    state.lastAttemptAt = Date.now();
    const intent: OrderIntent = {
      clientOrderId: newClientOrderId(PROTECTIVE_ID_PREFIX),
      symbol: position.symbol,
      side: long ? 'sell' : 'buy',
      qty,
      type: oco ? 'limit' : 'stop',
      timeInForce: 'gtc',
      ...(oco
        ? { limitPrice: target, protection: { takeProfit: target, stopLoss: stop } }
        : { stopPrice: stop }),
    };
    try {
      // A protective order is never held back by the store: while it is down, the intent is
      // journalled locally and written when it returns.
      await ctx.store.orders
        .recordIntent(intent, { at: Date.now(), closeReason: 'STOP_LOSS_HIT' })
        .catch((error: unknown) => {
          if (ctx.durability.orders.journalIntent(intent, error) === undefined) throw error;
        });
      const submitted = await withTimeout(
        ctx.metrics.timeBroker('placeStop', () =>
          ctx.broker.submitOrder({
            ...intent,
            intent: 'exit',
            ...(oco ? { orderClass: 'oco' as const } : {}),
          }),
        ),
        PLACE_TIMEOUT_MS,
      );
      ctx.orders.upsert(submitted.order);
      if (oco && submitted.order.legs.length === 0) await this.#readLegs(submitted.order);
      await ctx.durability.orders
        .recordAck(intent.clientOrderId, {
          brokerOrderId: submitted.order.id,
          status: storeStatus(submitted.order.status),
          at: Date.now(),
        })
        .catch((error: unknown) =>
          ctx.log.error({ error: String(error) }, 'protective order ack not recorded'),
        );
      state.lastError = null;
      state.attempts = 0;
      ctx.hub.publish('protection', { symbol: position.symbol, stop, qty, placed: submitted.order.id });
      ctx.log.info({ symbol: position.symbol, stop, qty, oco }, 'protective order placed');
      return 'ok';
    } catch (error) {
      state.lastError = (error as Error).message ?? String(error);
      ctx.log.warn(
        { symbol: position.symbol, attempt: state.attempts, error: state.lastError },
        'protective order not placed',
      );
      await ctx.durability.orders
        .transition(intent.clientOrderId, { to: 'submit_failed', at: Date.now(), reason: state.lastError })
        .catch(() => undefined);
      // Shares held by orders the gateway does not see yet: learn them, so the next try accounts for them.
      if (error instanceof InsufficientQtyError) {
        for (const id of error.relatedOrders) {
          const o = await ctx.broker.getOrder(id, { nested: true }).catch(() => undefined);
          if (o !== undefined) ctx.orders.upsert(o);
        }
      }
      return 'failed';
    }
  }

  async #readLegs(order: BrokerOrder): Promise<void> {
    const nested = await this.#ctx.broker.getOrder(order.id, { nested: true }).catch(() => undefined);
    if (nested !== undefined) this.#ctx.orders.upsert(nested);
  }

  /** Resolves when every symbol's queued work is done (for shutdown and tests). */
  idle(): Promise<void> {
    return this.#queues.idle();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
