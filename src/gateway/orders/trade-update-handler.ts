import { TERMINAL_STATUSES } from '../../broker/order-types.ts';
import type { TradeUpdate } from '../../broker/trade-update.ts';
import type { Fill } from '../../core/market.ts';
import { isStoreError } from '../../store/errors.ts';
import type { GatewayContext } from '../context.ts';
import { storeStatus } from '../risk/position-closer.ts';
import type { RiskActor } from '../risk/risk-actor.ts';
import { renderTradeUpdate } from '../wire/render.ts';
import type { OrderFlow } from './order-flow.ts';

const EPSILON = 1e-9;

/** Per order: its symbol, shares applied to the engine, and how many of those reconciliation applied ahead of the stream. */
interface Applied {
  readonly symbol: string;
  qty: number;
  ahead: number;
}
const RELEASING = new Set(['canceled', 'expired', 'rejected', 'replaced', 'done_for_day']);
const STOP_TYPES = new Set(['stop', 'stop_limit', 'trailing_stop']);

/**
 * Applies the broker's `trade_updates`: fills go to the engine at once (deduplicated by
 * execution id) and to the store; order statuses to the index and the store; closed orders
 * release their reservation; a lost stop wakes the protection monitor. Every update is also
 * relayed to the gateway's own stream clients.
 */
export class TradeUpdateHandler {
  readonly #ctx: GatewayContext;
  readonly #flow: OrderFlow;
  readonly #actor: RiskActor;
  readonly #relays = new Set<(message: Record<string, unknown>) => void>();
  /** Called when a protective order of a symbol stopped being live, with the time it did. */
  onStopLost: (symbol: string, at: number) => void = () => {};
  /**
   * Called after every update has been applied, with the position's signed quantity before it:
   * the protection manager brings the symbol's protection in line from here.
   */
  onApplied: (update: TradeUpdate, positionBefore: number) => void = () => {};
  /**
   * Per order: shares applied to the engine so far, and how many of them reconciliation applied
   * ahead of the stream. The stream's own fill for those shares comes later under another
   * execution id, so it is matched by order and quantity, never counted twice.
   */
  readonly #applied = new Map<string, Applied>();
  /** The last queued store write of each order; an order's writes are made in the order of its updates. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(ctx: GatewayContext, flow: OrderFlow, actor: RiskActor) {
    this.#ctx = ctx;
    this.#flow = flow;
    this.#actor = actor;
  }

  /** Adds a relay of rendered `trade_updates` messages (the WebSocket stream). */
  relay(send: (message: Record<string, unknown>) => void): () => void {
    this.#relays.add(send);
    return () => this.#relays.delete(send);
  }

  /**
   * Entry point for the broker's stream. `reconciled` marks an update that reconciliation read
   * from the broker's order: its fill is the part of the order's cumulative filled quantity not
   * yet applied, and the stream's later fills of the same shares are not applied again.
   */
  handle(update: TradeUpdate, options: { reconciled?: boolean } = {}): void {
    const ctx = this.#ctx;
    const before = ctx.risk.engine.book.symbols.get(update.order.symbol)?.position?.qty ?? 0;
    const tracked = ctx.orders.upsert(update.order);
    const message = renderTradeUpdate(update);
    for (const send of this.#relays) send(message);
    ctx.hub.publish('trade_update', message);
    if (update.event === 'fill' || update.event === 'partial_fill') {
      const qty = this.#unapplied(update, options.reconciled === true);
      if (qty > EPSILON) this.#applyFill(update, qty, tracked.parentId !== undefined);
    }
    const seen = this.#seen(update);
    // A finished order whose fills are all applied, none ahead of the stream, expects no more.
    if (
      TERMINAL_STATUSES.has(update.order.status) &&
      seen.ahead <= EPSILON &&
      seen.qty >= update.order.filledQty - EPSILON
    )
      this.#applied.delete(update.order.id);
    if (RELEASING.has(update.event)) {
      ctx.risk.engine.onOrderClosed(update.order.clientOrderId);
      // By the gateway's clock, which the grace is measured against: the exchange's may differ.
      if (STOP_TYPES.has(update.order.type)) this.onStopLost(update.order.symbol, this.#ctx.clock.now());
    }
    this.onApplied(update, before);
    // An order's store writes follow one another, after the submission's own acknowledgement is
    // committed; writes of different orders go together, so the store commits them in one batch.
    const id = update.order.clientOrderId;
    const written = (this.#writes.get(id) ?? Promise.resolve())
      .then(() => this.#persist(update))
      .catch(() => undefined);
    this.#writes.set(id, written);
    void written.then(() => {
      if (this.#writes.get(id) === written) this.#writes.delete(id);
    });
  }

  /**
   * Shares of a fill update still to apply to the engine. A reconciled update brings the order's
   * cumulative filled quantity up to the broker's; a stream fill first pays back what
   * reconciliation applied ahead of it. Out-of-order partial fills still sum to the total.
   */
  #unapplied(update: TradeUpdate, reconciled: boolean): number {
    const id = update.order.id;
    const seen = this.#seen(update);
    let qty: number;
    if (reconciled) {
      qty = Math.max(0, update.order.filledQty - seen.qty);
      seen.ahead += qty;
    } else {
      if (update.qty === undefined) return 0;
      const paid = Math.min(seen.ahead, update.qty);
      seen.ahead -= paid;
      qty = update.qty - paid;
      if (paid > EPSILON)
        this.#ctx.log.info(
          { orderId: id, executionId: update.executionId, qty: update.qty, alreadyApplied: paid },
          'stream fill already applied by reconciliation',
        );
    }
    seen.qty += qty;
    return qty;
  }

  /**
   * What was applied of an order, from the first update this process sees of it: the fills
   * before that one were applied before a restart (the engine restored them from the store).
   */
  #seen(update: TradeUpdate): Applied {
    const id = update.order.id;
    let seen = this.#applied.get(id);
    if (seen === undefined) {
      const fill = update.event === 'fill' || update.event === 'partial_fill';
      seen = {
        symbol: update.order.symbol,
        qty: update.order.filledQty - (fill ? (update.qty ?? 0) : 0),
        ahead: 0,
      };
      this.#applied.set(id, seen);
    }
    return seen;
  }

  /**
   * Orders of a symbol seen in this process, with the shares of each applied to the engine: the
   * reconciler reads them from the broker when the broker's position differs from the engine's,
   * to tell a fill still on its way from a position that really differs.
   */
  appliedOf(symbol: string): { orderId: string; qty: number }[] {
    const out: { orderId: string; qty: number }[] = [];
    for (const [orderId, seen] of this.#applied)
      if (seen.symbol === symbol) out.push({ orderId, qty: seen.qty });
    return out;
  }

  /** Forgets orders `keep` no longer wants (the order index forgot them). */
  prune(keep: (orderId: string) => boolean): void {
    for (const id of this.#applied.keys()) if (!keep(id)) this.#applied.delete(id);
  }

  #applyFill(update: TradeUpdate, qty: number, isLeg: boolean): void {
    const ctx = this.#ctx;
    const order = update.order;
    const fill: Fill = {
      executionId: update.executionId ?? `${order.id}:${order.filledQty}`,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      qty,
      price: update.price ?? order.filledAvgPrice ?? Number.NaN,
      time: update.time ?? Date.now(),
      ...(STOP_TYPES.has(order.type)
        ? { reason: 'stop_loss' }
        : isLeg && order.type === 'limit'
          ? { reason: 'take_profit' }
          : {}),
    };
    if (!Number.isFinite(fill.price)) {
      ctx.log.error({ orderId: order.id }, 'fill without a price ignored');
      return;
    }
    const result = ctx.risk.engine.onFill(fill);
    if (!result.applied) return;
    ctx.hub.publish('fill', { fill, position: result.position ?? null });
    void this.#actor.handle(result, 'fill');
    ctx.durability.orders.recordFill(fill).catch((error: unknown) => {
      // A former leader's write, refused because another instance leads now: that leader records
      // the fill from its own trade stream and its reconciliation.
      if (isStoreError(error, 'STORE_FENCED'))
        ctx.log.warn(
          { executionId: fill.executionId },
          'fill left to the new leader: this instance no longer leads',
        );
      else ctx.log.error({ executionId: fill.executionId, error: String(error) }, 'fill not recorded');
    });
  }

  async #persist(update: TradeUpdate): Promise<void> {
    const ctx = this.#ctx;
    const order = update.order;
    await this.#flow.settled(order.clientOrderId);
    const status = storeStatus(order.status);
    if (status === 'new' && update.event === 'new') return;
    const result = await ctx.durability.orders
      .transition(order.clientOrderId, {
        to: status,
        at: update.time ?? Date.now(),
        reason: `trade update ${update.event}`,
        filledQty: order.filledQty,
        ...(order.filledAvgPrice !== undefined ? { avgFillPrice: order.filledAvgPrice } : {}),
      })
      .catch((error: unknown) => {
        ctx.log.error({ clientOrderId: order.clientOrderId, error: String(error) }, 'status not recorded');
        return undefined;
      });
    if (
      result !== undefined &&
      !result.applied &&
      result.reason === 'terminal' &&
      !TERMINAL_STATUSES.has(order.status)
    ) {
      ctx.log.warn(
        { clientOrderId: order.clientOrderId, status: order.status },
        'update after a terminal status',
      );
    }
  }

  /** Resolves when every store write queued so far has been attempted. */
  async drain(): Promise<void> {
    await Promise.all(this.#writes.values());
  }
}
