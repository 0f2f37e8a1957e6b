import { randomUUID } from 'node:crypto';
import type { Quote } from '../../core/market.ts';
import type { Side } from '../../core/side.ts';
import type { WireOrder } from '../wire/order-wire.ts';
import { renderAsset, type SimAsset } from './assets.ts';
import { contractMultiplier, type Ledger } from './ledger.ts';
import type { SimClock } from './sim-clock.ts';
import { FINAL, isLive, renderOrder, type SimOrder } from './sim-order.ts';

/** An order event for the `trade_updates` stream, rendered when it happened. */
export interface SimTradeEvent {
  readonly event: string;
  readonly order: WireOrder;
  readonly timeMs: number;
  readonly executionId?: string;
  /** Fill price in dollars. */
  readonly price?: number;
  /** Fill quantity in shares. */
  readonly qty?: number;
  /** Signed position after the fill. */
  readonly positionQty?: number;
}

/** Hooks through which fault injection changes the venue's behaviour. */
export interface VenueHooks {
  /**
   * Whether the stop leg of a newly accepted bracket/OTO for this symbol is rejected: `before` the
   * POST is answered, `after` it (the answer shows the leg `held`), or not at all (undefined).
   */
  rejectStopLeg(symbol: string): 'before' | 'after' | undefined;
  /** Fraction (0–1) of the remaining quantity to fill now, or undefined to fill it all. */
  partialFillFraction(symbol: string): number | undefined;
}

/** The simulated exchange's state: orders, quotes, account, and the helpers the rules share. */
export class VenueState {
  readonly orders = new Map<string, SimOrder>();
  readonly byClientId = new Map<string, SimOrder>();
  readonly quotes = new Map<string, Quote>();
  readonly assets = new Map<string, SimAsset>();
  readonly listeners = new Set<(event: SimTradeEvent) => void>();
  /** How many orders arrived with legs under a simple class and had them dropped. */
  droppedLegOrders = 0;
  #sequence = 0;
  readonly #order = new Map<string, number>();
  /**
   * Orders not known to be final, in arrival order, all and by symbol: the checks of a new order
   * read these instead of every order of the day. A final status is never left, so an order seen
   * final is dropped from them as they are read.
   */
  readonly #openBySymbol = new Map<string, Set<SimOrder>>();
  /** The same, of the orders that can reserve buying power (simple orders and entries). */
  readonly #openFunding = new Set<SimOrder>();

  constructor(
    readonly ledger: Ledger,
    readonly clock: SimClock,
    readonly hooks: VenueHooks,
    assets: readonly SimAsset[],
  ) {
    for (const asset of assets) this.assets.set(asset.symbol, asset);
  }

  assetId(symbol: string): string {
    const asset = this.assets.get(symbol) ?? { symbol };
    return renderAsset(asset).id;
  }

  /** Adds an order and remembers its arrival sequence (listing ties are broken by it). */
  add(order: SimOrder): void {
    this.orders.set(order.id, order);
    this.byClientId.set(order.clientOrderId, order);
    this.#order.set(order.id, this.#sequence++);
    if (order.role === 'simple' || order.role === 'entry') this.#openFunding.add(order);
    let ofSymbol = this.#openBySymbol.get(order.symbol);
    if (ofSymbol === undefined) this.#openBySymbol.set(order.symbol, (ofSymbol = new Set()));
    ofSymbol.add(order);
  }

  /** Visits the orders of `set` that are not final, in arrival order; the final ones leave the set. */
  #forNotFinal(set: Set<SimOrder> | undefined, visit: (order: SimOrder) => void): void {
    if (set === undefined) return;
    for (const order of set) {
      if (FINAL.has(order.status)) set.delete(order);
      else visit(order);
    }
  }

  /** Replaces every order with saved ones, given in arrival order. */
  restoreOrders(orders: readonly SimOrder[], droppedLegOrders: number): void {
    this.orders.clear();
    this.byClientId.clear();
    this.#order.clear();
    this.#openBySymbol.clear();
    this.#openFunding.clear();
    this.#sequence = 0;
    for (const order of orders) this.add(order);
    this.droppedLegOrders = droppedLegOrders;
  }

  /** Every order in arrival order. */
  ordersInArrivalOrder(): SimOrder[] {
    return [...this.orders.values()].sort((a, b) => this.sequenceOf(a) - this.sequenceOf(b));
  }

  sequenceOf(order: SimOrder): number {
    return this.#order.get(order.id) ?? 0;
  }

  newId(): string {
    return randomUUID();
  }

  legsOf(order: SimOrder): SimOrder[] {
    return order.legIds.map((id) => this.orders.get(id)).filter((o): o is SimOrder => o !== undefined);
  }

  parentOf(order: SimOrder): SimOrder | undefined {
    return order.parentId === undefined ? undefined : this.orders.get(order.parentId);
  }

  /** The other exits of the order's group: the sibling leg, or for an OCO the parent/child. */
  siblingsOf(order: SimOrder): SimOrder[] {
    const parent = this.parentOf(order);
    if (order.orderClass === 'oco') return parent !== undefined ? [parent] : this.legsOf(order);
    if (parent === undefined) return [];
    return this.legsOf(parent).filter((leg) => leg.id !== order.id);
  }

  /**
   * The exchange's own quote of a symbol it prices itself (an option contract, from its
   * underlying), or undefined for symbols quoted by the market.
   */
  derivedQuote: (symbol: string) => Quote | undefined = () => undefined;
  /** Symbols whose quotes are fed directly (a test or a replay quoting a contract): never derived. */
  readonly directlyQuoted = new Set<string>();

  /** The latest quote: the derived one when the exchange prices the symbol, else the market's. */
  quoteOf(symbol: string): Quote | undefined {
    if (this.directlyQuoted.has(symbol)) return this.quotes.get(symbol);
    return this.derivedQuote(symbol) ?? this.quotes.get(symbol);
  }

  /** Mid price of the latest quote, dollars. */
  mark(symbol: string): number | undefined {
    const q = this.quoteOf(symbol);
    return q === undefined ? undefined : (q.bid + q.ask) / 2;
  }

  /** The price a market order would pay now: ask for buys, bid for sells. */
  marketPrice(symbol: string, side: Side): number | undefined {
    const q = this.quoteOf(symbol);
    return q === undefined ? undefined : side === 'buy' ? q.ask : q.bid;
  }

  /**
   * Shares of a position held by open exit orders on `side`: working simple orders plus, once per
   * group, the largest open exit leg whose entry has filled.
   */
  heldForOrders(symbol: string, side: Side): { qty: number; orderIds: string[] } {
    let qty = 0;
    const orderIds: string[] = [];
    const seenGroups = new Set<string>();
    this.#forNotFinal(this.#openBySymbol.get(symbol), (order) => {
      if (order.side !== side) return;
      const remaining = order.qty - order.filledQty;
      if (order.role === 'simple') {
        qty += remaining;
        orderIds.push(order.id);
        return;
      }
      if (order.role === 'entry') return;
      const groupKey = order.parentId ?? order.id;
      if (seenGroups.has(groupKey)) return;
      const parent = this.parentOf(order);
      if (parent !== undefined && parent.role === 'entry' && parent.status !== 'filled') return;
      seenGroups.add(groupKey);
      const group = [order, ...this.siblingsOf(order)].filter((o) => !FINAL.has(o.status));
      qty += Math.max(...group.map((o) => o.qty - o.filledQty));
      orderIds.push(...group.map((o) => o.id));
    });
    return { qty, orderIds };
  }

  /** Dollar value of open orders that would add exposure (reserved buying power). */
  reservedBuyingPower(): number {
    let reserved = 0;
    this.#forNotFinal(this.#openFunding, (order) => {
      const position = this.ledger.positionQty(order.symbol);
      const opening = order.side === 'buy' ? position >= 0 : position <= 0;
      if (!opening) return;
      const price = order.limitPrice ?? order.stopPrice ?? this.marketPrice(order.symbol, order.side) ?? 0;
      reserved += (order.qty - order.filledQty) * price * contractMultiplier(order.symbol);
    });
    return reserved;
  }

  /** Live orders for a symbol in arrival order (a snapshot: fills may change the set). */
  liveOrders(symbol: string): SimOrder[] {
    const out: SimOrder[] = [];
    this.#forNotFinal(this.#openBySymbol.get(symbol), (order) => {
      if (isLive(order)) out.push(order);
    });
    return out;
  }

  /** Renders an order with its legs when it has any. */
  render(order: SimOrder, nested = true): WireOrder {
    return renderOrder(order, nested ? this.legsOf(order) : undefined);
  }

  /** Sends an event to the stream listeners, rendering the order as it is now. */
  emit(event: string, order: SimOrder, fill?: { price: number; qty: number; positionQty: number }): void {
    const payload: SimTradeEvent = {
      event,
      order: this.render(order, order.parentId === undefined),
      timeMs: this.clock.now(),
      ...(fill !== undefined
        ? { executionId: randomUUID(), price: fill.price, qty: fill.qty, positionQty: fill.positionQty }
        : {}),
    };
    for (const listener of this.listeners) listener(payload);
  }

  /** Moves an order to a final status and stamps the matching time. */
  finish(order: SimOrder, status: 'canceled' | 'expired' | 'rejected' | 'replaced'): void {
    const now = this.clock.now();
    order.status = status;
    order.updatedAt = now;
    if (status === 'canceled') order.canceledAt = now;
    else if (status === 'expired') order.expiredAt = now;
    else if (status === 'rejected') order.failedAt = now;
    else order.replacedAt = now;
  }
}
