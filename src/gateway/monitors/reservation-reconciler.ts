import { isBrokerError } from '../../broker/errors.ts';
import { type BrokerOrder, TERMINAL_STATUSES } from '../../broker/order-types.ts';
import { classifyEffect } from '../../core/engine.ts';
import type { GatewayContext } from '../context.ts';
import { isLive } from '../orders/order-index.ts';
import { intentOf } from '../risk/hydrate-engine.ts';
import type { Mismatch } from './reconciler.ts';

/** The shortest time a reservation difference must persist before it is corrected, in ms. */
const MIN_GRACE_MS = 5_000;
/**
 * How long an intent not yet acknowledged by the broker counts as in flight, in ms: a submission
 * may wait for the adapter's timeout and its lookups before it settles.
 */
const IN_FLIGHT_INTENT_MS = 60_000;
const EPSILON = 1e-9;

/**
 * Reconciles the engine's working orders (the reservations limits count) with the broker's open
 * orders. A reservation whose order the broker no longer lists as open, and which a lookup by
 * client order id confirms is closed or unknown there, is released; an open broker order that
 * would add risk and that the engine does not reserve is reserved. A difference is corrected
 * only once it has been seen for the grace period (at least one reconcile interval), so an order
 * in flight or a stream event on its way is never taken for a mismatch. The gateway's own exits
 * (protective stops and closes) are not reserved while it runs and are not differences.
 */
export class ReservationReconciler {
  readonly #ctx: GatewayContext;
  readonly #graceMs: number;
  /** Since when (epoch ms) each difference has been seen, by `release:<id>` or `reserve:<id>`. */
  readonly #since = new Map<string, number>();
  /** Client order ids of open orders the gateway placed as exits, which need no reservation. */
  readonly #ownExits = new Set<string>();

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
    this.#graceMs = Math.max(ctx.config.monitor.reconcileIntervalMs, MIN_GRACE_MS);
  }

  /** Compares with the broker's open orders (parents with nested legs); returns the corrections made. */
  async reconcile(open: readonly BrokerOrder[], now: number): Promise<Mismatch[]> {
    const seen = new Set<string>();
    const corrections = [
      ...(await this.#release(open, now, seen)),
      ...(await this.#reserve(open, now, seen)),
    ];
    for (const key of this.#since.keys()) if (!seen.has(key)) this.#since.delete(key);
    const openIds = new Set(open.map((o) => o.clientOrderId));
    for (const id of this.#ownExits) if (!openIds.has(id)) this.#ownExits.delete(id);
    return corrections;
  }

  /** True once a difference has been seen for the grace period; starts its clock otherwise. */
  #due(key: string, now: number, seen: Set<string>): boolean {
    seen.add(key);
    const since = this.#since.get(key);
    if (since === undefined) this.#since.set(key, now);
    return since !== undefined && now - since >= this.#graceMs;
  }

  async #release(open: readonly BrokerOrder[], now: number, seen: Set<string>): Promise<Mismatch[]> {
    const ctx = this.#ctx;
    const openIds = new Set<string>();
    for (const o of open) {
      openIds.add(o.clientOrderId);
      for (const leg of o.legs) openIds.add(leg.clientOrderId);
    }
    const out: Mismatch[] = [];
    for (const working of [...ctx.risk.engine.book.working.values()]) {
      const id = working.clientOrderId;
      if (openIds.has(id) || !this.#due(`release:${id}`, now, seen)) continue;
      const atBroker = await this.#statusAtBroker(id, now);
      if (atBroker === 'open' || atBroker === 'in-flight' || atBroker === 'unknown') continue;
      const engine = ctx.risk.engine;
      if (!engine.book.working.has(id)) continue; // a stream event released it meanwhile
      engine.onOrderClosed(id);
      this.#since.delete(`release:${id}`);
      out.push({
        kind: 'reservation',
        symbol: working.symbol,
        detail: `working order ${id} (${working.side} ${working.remaining} ${working.symbol}) is ${
          atBroker === 'absent' ? 'unknown' : atBroker
        } at the broker but was reserved here; the reservation was released`,
      });
    }
    return out;
  }

  /**
   * What the broker says about a client order id: `open` (it may still fill), its final status,
   * `absent` (no such order and no intent in flight), `in-flight` or `unknown` (not reachable).
   */
  async #statusAtBroker(clientOrderId: string, now: number): Promise<string> {
    const ctx = this.#ctx;
    try {
      const order = await ctx.broker.getOrderByClientId(clientOrderId);
      // Done for the day is as final as a cancel for a reservation; anything else may still fill.
      return TERMINAL_STATUSES.has(order.status) || order.status === 'done_for_day' ? order.status : 'open';
    } catch (error) {
      if (!isBrokerError(error, 'NOT_FOUND')) return 'unknown';
    }
    // Not at the broker: still in flight when its intent is recent and unacknowledged.
    const stored = await ctx.store.orders.get(clientOrderId).catch(() => undefined);
    if (stored === undefined) return 'unknown';
    if (stored?.status === 'pending_submit' && now - stored.createdAt < IN_FLIGHT_INTENT_MS)
      return 'in-flight';
    return 'absent';
  }

  async #reserve(open: readonly BrokerOrder[], now: number, seen: Set<string>): Promise<Mismatch[]> {
    const ctx = this.#ctx;
    const out: Mismatch[] = [];
    for (const listed of open) {
      const id = listed.clientOrderId;
      if (this.#ownExits.has(id) || ctx.risk.engine.book.working.has(id)) continue;
      if (!this.#addsRisk(listed, (listed.qty ?? 0) - listed.filledQty)) continue;
      if (!this.#due(`reserve:${id}`, now, seen)) continue;
      const stored = await ctx.store.orders.get(id).catch(() => undefined);
      if (stored === undefined) continue;
      if (stored !== null && stored.closeReason !== null) {
        this.#ownExits.add(id);
        continue;
      }
      const order = await ctx.broker.getOrder(listed.id, { nested: true }).catch(() => undefined);
      if (order === undefined || !isLive(order.status)) continue;
      const remaining = (order.qty ?? 0) - order.filledQty;
      const engine = ctx.risk.engine;
      if (engine.book.working.has(id) || !this.#addsRisk(order, remaining)) continue;
      engine.restoreWorkingOrder(stored?.intent ?? intentOf(order), remaining);
      this.#since.delete(`reserve:${id}`);
      out.push({
        kind: 'reservation',
        symbol: order.symbol,
        detail: `order ${id} (${order.side} ${remaining} ${order.symbol}) is open at the broker but was not reserved here; it was reserved`,
      });
    }
    return out;
  }

  /** True when the unfilled rest of an order could open, increase or flip a position. */
  #addsRisk(order: BrokerOrder, remaining: number): boolean {
    if (!(remaining > EPSILON)) return false;
    const book = this.#ctx.risk.engine.book.symbols.get(order.symbol);
    const q = book?.position?.qty ?? 0;
    const closing = book === undefined ? 0 : book.workingExit + (q > 0 ? book.workingSell : book.workingBuy);
    const effect = classifyEffect(q, order.side === 'buy' ? remaining : -remaining, closing);
    return effect === 'open' || effect === 'increase' || effect === 'flip';
  }
}
