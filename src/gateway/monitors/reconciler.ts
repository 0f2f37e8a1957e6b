import { listAllOpenOrders } from '../../broker/list-open-orders.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import type { Fill } from '../../core/market.ts';
import type { GatewayContext } from '../context.ts';
import type { TrackedOrder } from '../orders/order-index.ts';
import type { TradeUpdateHandler } from '../orders/trade-update-handler.ts';
import { ReservationReconciler } from './reservation-reconciler.ts';

/** One difference between riskgate's view and the broker's. */
export interface Mismatch {
  /** `reservation`: a working order the engine reserved or missed, compared with the broker's open orders. */
  readonly kind: 'position' | 'order' | 'reservation';
  readonly symbol: string;
  readonly detail: string;
}

/**
 * Compares riskgate's orders, working-order reservations and positions with the broker's on a
 * schedule. Every mismatch is alerted and written to the audit log; the broker's view wins
 * (orders that finished unseen are brought up to date, reservations follow the broker's open
 * orders, positions are corrected in the engine and the correction is recorded in the store).
 */
export class Reconciler {
  readonly #ctx: GatewayContext;
  readonly #trades: TradeUpdateHandler;
  readonly #reservations: ReservationReconciler;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<readonly Mismatch[]> | undefined;
  lastRunAt = 0;
  lastMismatches: readonly Mismatch[] = [];

  constructor(ctx: GatewayContext, trades: TradeUpdateHandler) {
    this.#ctx = ctx;
    this.#trades = trades;
    this.#reservations = new ReservationReconciler(ctx);
  }

  start(): void {
    this.#timer = setInterval(() => void this.run(), this.#ctx.config.monitor.reconcileIntervalMs);
  }

  /** Runs one reconciliation (or joins the one running). */
  run(): Promise<readonly Mismatch[]> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<readonly Mismatch[]> {
    if (!this.#ctx.leadership.canAct()) return [];
    const ctx = this.#ctx;
    const mismatches: Mismatch[] = [];
    try {
      const [positions, open] = await Promise.all([
        ctx.broker.listPositions(),
        listAllOpenOrders(ctx.broker),
      ]);
      const openIds = new Set<string>();
      for (const o of open) {
        openIds.add(o.id);
        for (const leg of o.legs) openIds.add(leg.id);
      }
      // Orders riskgate believes live that the broker no longer lists: a missed stream event, or
      // one still on its way.
      const unlisted = ctx.orders
        .live()
        .filter((o) => !openIds.has(o.brokerOrderId) && o.parentId === undefined);
      mismatches.push(...(await this.#catchUp(unlisted)));
      for (const o of open) ctx.orders.upsert(o);
      mismatches.push(...(await this.#reservations.reconcile(open, Date.now())));
      // A fill can land between the broker's answer and the comparison, so a difference only
      // counts when a second read a moment later still shows it.
      const first = this.#positionDiffs(positions);
      if (first.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, 500).unref());
        // A fill the stream has not brought yet explains the difference: apply it as the order's
        // fill (the stream's copy is then not counted again), never as a correction of the
        // position, which nothing would match with the stream's fill when it comes.
        for (const symbol of first.keys()) mismatches.push(...(await this.#catchUpFills(symbol)));
        const again = this.#positionDiffs(await ctx.broker.listPositions());
        for (const [symbol, diff] of again) {
          if (!first.has(symbol)) continue;
          mismatches.push({
            kind: 'position',
            symbol,
            detail: `riskgate ${diff.mine}, broker ${diff.broker}`,
          });
          this.#correct(symbol, diff.broker - diff.mine, diff.price);
        }
      }
    } catch (error) {
      ctx.log.warn(
        { error: String(error) },
        'reconciliation could not read the broker (retried on the next run)',
      );
      return this.lastMismatches;
    }
    for (const m of mismatches) {
      ctx.alerts.raise({
        code: 'RECONCILIATION_MISMATCH',
        severity: 'warning',
        message: `${m.kind} ${m.symbol}: ${m.detail}; the broker's view was taken`,
        data: { ...m },
      });
      ctx.store.audit
        .append({
          at: Date.now(),
          kind: 'order',
          actor: 'reconciler',
          codes: ['RECONCILIATION_MISMATCH'],
          symbol: m.symbol,
          message: `${m.kind}: ${m.detail}`,
          data: m,
        })
        .catch(() => undefined);
    }
    ctx.hub.publish('reconciliation', { mismatches });
    // Finished orders are kept for a while (late updates, repeated ids), then forgotten.
    ctx.orders.prune();
    this.#trades.prune((id) => ctx.orders.get(id) !== undefined);
    this.lastRunAt = Date.now();
    this.lastMismatches = mismatches;
    return mismatches;
  }

  /**
   * Reads each order from the broker and applies what the broker reports and riskgate has not
   * seen (a fill, a cancel) through the trade-update handler, which applies only the shares not
   * applied yet.
   */
  async #catchUp(orders: readonly TrackedOrder[]): Promise<Mismatch[]> {
    const mismatches: Mismatch[] = [];
    for (const tracked of orders) {
      const fresh = await this.#read(tracked.brokerOrderId);
      if (fresh === undefined || (fresh.status === tracked.status && fresh.filledQty <= tracked.filledQty))
        continue;
      mismatches.push(
        this.#apply(
          fresh,
          tracked.filledQty,
          `order ${tracked.clientOrderId} is ${fresh.status} at the broker, ${tracked.status} here`,
        ),
      );
    }
    return mismatches;
  }

  /** Applies the fills the broker reports for the symbol's orders that the engine has not applied. */
  async #catchUpFills(symbol: string): Promise<Mismatch[]> {
    const mismatches: Mismatch[] = [];
    for (const { orderId, qty } of this.#trades.appliedOf(symbol)) {
      const fresh = await this.#read(orderId);
      if (fresh === undefined || fresh.filledQty <= qty + 1e-9) continue;
      mismatches.push(
        this.#apply(
          fresh,
          qty,
          `order ${fresh.clientOrderId} filled ${fresh.filledQty} at the broker, ${qty} applied here`,
        ),
      );
    }
    return mismatches;
  }

  /** The order as the broker has it now, with its legs; undefined when it cannot be read. */
  #read(orderId: string): Promise<BrokerOrder | undefined> {
    return this.#ctx.broker.getOrder(orderId, { nested: true }).catch(() => undefined);
  }

  /**
   * Hands the broker's view of an order to the trade-update handler as a reconciled update: a fill
   * for what was filled beyond `filledHere`, else its status.
   */
  #apply(fresh: BrokerOrder, filledHere: number, detail: string): Mismatch {
    const filled = fresh.filledQty - filledHere;
    this.#trades.handle(
      {
        event:
          fresh.status === 'filled'
            ? 'fill'
            : filled > 0
              ? 'partial_fill'
              : fresh.status === 'canceled'
                ? 'canceled'
                : 'new',
        order: fresh,
        time: Date.now(),
        executionId: `reconcile:${fresh.id}:${fresh.filledQty}`,
        price: fresh.filledAvgPrice,
        qty: filled > 0 ? filled : undefined,
        positionQty: undefined,
      },
      { reconciled: true },
    );
    return { kind: 'order', symbol: fresh.symbol, detail };
  }

  #positionDiffs(
    positions: readonly {
      symbol: string;
      qty: number;
      currentPrice: number | undefined;
      avgEntryPrice: number;
    }[],
  ): Map<string, { mine: number; broker: number; price: number }> {
    const engine = this.#ctx.risk.engine;
    const mine = new Map(engine.snapshot().positions.map((p) => [p.symbol, p.qty]));
    const diffs = new Map<string, { mine: number; broker: number; price: number }>();
    for (const p of positions) {
      const qty = mine.get(p.symbol) ?? 0;
      mine.delete(p.symbol);
      if (Math.abs(qty - p.qty) > 1e-9)
        diffs.set(p.symbol, { mine: qty, broker: p.qty, price: p.currentPrice ?? p.avgEntryPrice });
    }
    for (const [symbol, qty] of mine) {
      if (Math.abs(qty) <= 1e-9) continue;
      diffs.set(symbol, {
        mine: qty,
        broker: 0,
        price: engine.book.symbols.get(symbol)?.price ?? Number.NaN,
      });
    }
    return diffs;
  }

  /**
   * Brings the engine's position to the broker's with a correcting fill at the current price,
   * and records the same fill in the store, so the next start does not find the difference again.
   */
  #correct(symbol: string, delta: number, price: number): void {
    if (!(price > 0)) return;
    const fill: Fill = {
      executionId: `reconcile:${symbol}:${Date.now()}`,
      symbol,
      side: delta > 0 ? 'buy' : 'sell',
      qty: Math.abs(delta),
      price,
      time: Date.now(),
      reason: 'reconciliation',
    };
    const result = this.#ctx.risk.engine.onFill(fill);
    if (result.applied) {
      this.#ctx.store.fills.record(fill).catch((error: unknown) => {
        this.#ctx.log.error(
          { executionId: fill.executionId, error: String(error) },
          'correction not recorded',
        );
      });
    }
    this.#ctx.hub.publish('fill', {
      fill: { symbol, qty: delta, price, reason: 'reconciliation' },
      position: result.position ?? null,
    });
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }
}
