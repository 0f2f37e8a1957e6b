import type { MarketEvent } from '../../core/market.ts';
import type { Side } from '../../core/side.ts';
import { assetClassOf } from '../wire/asset-class.ts';
import type { WireOrder, WireOrderRequest, WireReplaceRequest } from '../wire/order-wire.ts';
import type { SimAsset } from './assets.ts';
import type { Ledger } from './ledger.ts';
import { executionPrice, fill, matchQuote, quotesOf } from './matching.ts';
import { OptionChain, type SimOptionsConfig } from './option-chain.ts';
import { type CheckedOrder, checkOrderRequest, parsePrice } from './order-rules.ts';
import type { SimClock } from './sim-clock.ts';
import { badRequestField, notFound, SimHttpError, unprocessable } from './sim-errors.ts';
import { FINAL, isLive, type SimOrder, type SimRole } from './sim-order.ts';
import { checkAgainstAccount } from './venue-checks.ts';
import { type VenueHooks, VenueState } from './venue-state.ts';

export { type ListQuery, listOrders } from './venue-queries.ts';

/** Options of {@link Venue}. */
export interface VenueOptions {
  /** How option contracts on the listed stocks are listed and priced. */
  readonly options?: SimOptionsConfig;
  readonly ledger: Ledger;
  readonly clock: SimClock;
  readonly hooks: VenueHooks;
  readonly assets: readonly SimAsset[];
  /** Reject legs sent on a simple order instead of silently dropping them. */
  readonly strict: boolean;
}

/** The simulated exchange's order book and account: the behaviour behind every endpoint. */
export class Venue {
  readonly state: VenueState;
  readonly options: OptionChain;
  readonly #strict: boolean;

  constructor(options: VenueOptions) {
    const s = new VenueState(options.ledger, options.clock, options.hooks, options.assets);
    this.state = s;
    this.#strict = options.strict;
    this.options = new OptionChain(
      options.options ?? {},
      (symbol) => {
        const asset = s.assets.get(symbol);
        return asset !== undefined && (asset.assetClass ?? assetClassOf(symbol)) === 'us_equity';
      },
      (symbol) => s.quotes.get(symbol),
    );
    s.derivedQuote = (symbol) => this.options.quote(symbol, s.clock.now());
  }

  /** Places an order (`POST /v2/orders`); returns the parent with its legs. Throws SimHttpError. */
  submit(request: WireOrderRequest): WireOrder {
    const s = this.state;
    const chain = this.options;
    const contract = request.symbol === undefined ? undefined : chain.contract(request.symbol.toUpperCase());
    if (contract !== undefined) {
      // Options trade in whole contracts, and only as simple orders here.
      if (request.qty !== undefined && !Number.isInteger(Number(request.qty)))
        throw unprocessable(
          `qty must be a whole number of contracts for ${contract.symbol}, got ${request.qty}`,
        );
      for (const [field, value] of [
        ['limit_price', request.limit_price],
        ['stop_price', request.stop_price],
      ] as const) {
        const n = value === undefined ? Number.NaN : Number(value);
        if (Number.isFinite(n) && Math.abs(n * 100 - Math.round(n * 100)) > 1e-6)
          throw unprocessable(
            `invalid ${field} ${value}. sub-penny increment does not fulfill minimum pricing criteria`,
          );
      }
      if (request.order_class !== undefined && request.order_class !== 'simple' && request.order_class !== '')
        throw unprocessable(`order_class ${request.order_class} is not supported for options`);
    }
    const checked = checkOrderRequest(request, {
      strict: this.#strict,
      isKnownAsset: (symbol) => s.assets.has(symbol) || chain.contract(symbol) !== undefined,
      // A contract quoted directly trades as quoted (the feed drives it, its expiry included).
      isTradable: (symbol) =>
        chain.contract(symbol) !== undefined && !s.directlyQuoted.has(symbol)
          ? chain.isTradable(symbol, s.clock.now())
          : s.assets.get(symbol)?.tradable !== false,
      marketPrice: (symbol, side) => s.marketPrice(symbol, side),
      positionQty: (symbol) => s.ledger.positionQty(symbol),
      clientOrderIdUsed: (id) => s.byClientId.has(id),
    });
    if (!checked.ok) throw checked.error;
    const refusal = checkAgainstAccount(s, checked.order);
    if (refusal !== undefined) throw refusal;
    if (checked.order.droppedLegs) s.droppedLegOrders++;
    const parent = this.#create(checked.order);
    return s.render(parent);
  }

  #create(o: CheckedOrder): SimOrder {
    const s = this.state;
    const grouped = o.orderClass === 'bracket' || o.orderClass === 'oto';
    const oco = o.orderClass === 'oco';
    const parentRole: SimRole = grouped ? 'entry' : oco ? 'take_profit' : 'simple';
    const parent = this.#order(o, {
      role: parentRole,
      side: o.side,
      type: o.type,
      limitPrice: oco ? (o.takeProfit ?? o.limitPrice) : o.limitPrice,
      stopPrice: o.stopPrice,
      clientOrderId: o.clientOrderId ?? s.newId(),
    });
    s.add(parent);
    s.emit('new', parent);
    if (!grouped && !oco) return parent;
    const exitSide: Side = grouped ? (o.side === 'buy' ? 'sell' : 'buy') : o.side;
    if (grouped && o.takeProfit !== undefined) {
      this.#leg(parent, o, { role: 'take_profit', side: exitSide, type: 'limit', limitPrice: o.takeProfit });
    }
    if (o.stopLoss !== undefined) {
      const stop = this.#leg(parent, o, {
        role: 'stop_loss',
        side: exitSide,
        type: o.stopLossLimit !== undefined ? 'stop_limit' : 'stop',
        limitPrice: o.stopLossLimit,
        stopPrice: o.stopLoss,
      });
      // An OCO's stop protects an existing position from the start.
      if (oco) stop.armed = true;
      const rejected = s.hooks.rejectStopLeg(o.symbol);
      const reject = () => {
        if (stop.status !== 'held' && stop.status !== 'new') return;
        s.finish(stop, 'rejected');
        s.emit('rejected', stop);
      };
      if (rejected === 'before') reject();
      // Once the answer is on its way: the client sees the leg accepted, and loses it after.
      else if (rejected === 'after') setImmediate(reject);
    }
    return parent;
  }

  #leg(
    parent: SimOrder,
    o: CheckedOrder,
    fields: Pick<SimOrder, 'role' | 'side' | 'type'> & {
      limitPrice?: number | undefined;
      stopPrice?: number;
    },
  ): SimOrder {
    const leg = this.#order(o, { ...fields, clientOrderId: this.state.newId() });
    leg.status = 'held';
    leg.parentId = parent.id;
    parent.legIds.push(leg.id);
    this.state.add(leg);
    return leg;
  }

  #order(
    o: CheckedOrder,
    f: Pick<SimOrder, 'role' | 'side' | 'type' | 'clientOrderId'> & {
      limitPrice?: number | undefined;
      stopPrice?: number | undefined;
    },
  ): SimOrder {
    const now = this.state.clock.now();
    return {
      id: this.state.newId(),
      clientOrderId: f.clientOrderId,
      symbol: o.symbol,
      assetId: this.state.assetId(o.symbol),
      side: f.side,
      type: f.type,
      timeInForce: o.timeInForce,
      orderClass: o.orderClass,
      role: f.role,
      qty: o.qty,
      filledQty: 0,
      filledAvgPrice: undefined,
      limitPrice: f.limitPrice,
      stopPrice: f.stopPrice,
      trailPrice: f.role === 'simple' ? o.trailPrice : undefined,
      trailPercent: f.role === 'simple' ? o.trailPercent : undefined,
      hwm: undefined,
      status: 'new',
      armed: false,
      triggered: false,
      extendedHours: o.extendedHours,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
      filledAt: undefined,
      canceledAt: undefined,
      expiredAt: undefined,
      failedAt: undefined,
      replacedAt: undefined,
      replacedBy: undefined,
      replaces: undefined,
      parentId: undefined,
      legIds: [],
    };
  }

  /** Finds an order by id or throws the broker's 404. */
  get(id: string): SimOrder {
    const order = this.state.orders.get(id);
    if (order === undefined) throw notFound('order not found');
    return order;
  }

  /** Finds an order by client order id or throws the broker's 404. */
  getByClientId(clientOrderId: string): SimOrder {
    const order = this.state.byClientId.get(clientOrderId);
    if (order === undefined) throw notFound('order not found');
    return order;
  }

  /** Cancels an order and, as the broker does, the rest of its group. */
  cancel(id: string): void {
    const order = this.get(id);
    if (FINAL.has(order.status)) throw unprocessable(`order is already in "${order.status}" state`);
    const s = this.state;
    const group = new Set<SimOrder>([order, ...s.legsOf(order), ...s.siblingsOf(order)]);
    const parent = s.parentOf(order);
    if (parent !== undefined) group.add(parent);
    for (const member of group) {
      if (FINAL.has(member.status)) continue;
      s.finish(member, 'canceled');
      s.emit('canceled', member);
    }
  }

  /** Cancels every open order, legs included (also legs whose entry already filled). */
  cancelAll(): Array<{ id: string; status: number; body: WireOrder }> {
    const s = this.state;
    const open = [...s.orders.values()].filter((o) => !FINAL.has(o.status));
    for (const order of open) if (!FINAL.has(order.status)) this.cancel(order.id);
    return open.map((order) => ({ id: order.id, status: 200, body: s.render(order) }));
  }

  /** Replaces a working order (`PATCH`): the new order gets a new id; the old one becomes `replaced`. */
  replace(id: string, changes: WireReplaceRequest): WireOrder {
    const s = this.state;
    const old = this.get(id);
    if (FINAL.has(old.status)) throw unprocessable(`order is already in "${old.status}" state`);
    if (['accepted', 'pending_new', 'pending_cancel', 'pending_replace'].includes(old.status)) {
      throw unprocessable(`order is not replaceable in "${old.status}" state`);
    }
    if (old.orderClass === 'oto' && old.role === 'entry')
      throw unprocessable('replacing an oto order is not supported');
    const price = (field: string, value: string | number | undefined): number | undefined => {
      const parsed = parsePrice(field, value);
      if (parsed instanceof Error) throw parsed;
      return parsed;
    };
    // The broker refuses a change the order cannot carry; dropping it would replace the order
    // with the field silently unchanged.
    const carries = {
      limit_price: old.type === 'limit' || old.type === 'stop_limit',
      stop_price: old.type === 'stop' || old.type === 'stop_limit',
      trail: old.type === 'trailing_stop',
    };
    if (changes.limit_price !== undefined && !carries.limit_price)
      throw unprocessable('limit_price applies only to limit and stop_limit orders');
    if (changes.stop_price !== undefined && !carries.stop_price)
      throw unprocessable('stop_price applies only to stop and stop_limit orders');
    if (changes.trail !== undefined && !carries.trail)
      throw unprocessable('trail applies only to trailing_stop orders');
    if (old.type === 'trailing_stop' && changes.time_in_force !== undefined) {
      if (changes.time_in_force !== 'day' && changes.time_in_force !== 'gtc')
        throw unprocessable('trailing_stop orders must be day or gtc');
    }
    const limitPrice = price('limit_price', changes.limit_price);
    const stopPrice = price('stop_price', changes.stop_price);
    if (changes.client_order_id !== undefined && s.byClientId.has(changes.client_order_id)) {
      throw badRequestField('client_order_id must be unique');
    }
    const now = s.clock.now();
    const next: SimOrder = {
      ...old,
      id: s.newId(),
      clientOrderId: changes.client_order_id ?? s.newId(),
      qty: changes.qty !== undefined ? Number(changes.qty) : old.qty,
      timeInForce: changes.time_in_force ?? old.timeInForce,
      limitPrice: limitPrice ?? old.limitPrice,
      stopPrice: stopPrice ?? old.stopPrice,
      trailPrice:
        changes.trail !== undefined && old.trailPercent === undefined
          ? Number(changes.trail)
          : old.trailPrice,
      trailPercent:
        changes.trail !== undefined && old.trailPercent !== undefined
          ? Number(changes.trail)
          : old.trailPercent,
      createdAt: now,
      updatedAt: now,
      // The replacement is a new order, submitted now: it lists after older orders.
      submittedAt: now,
      replaces: old.id,
      replacedBy: undefined,
      legIds: [...old.legIds],
    };
    if (!(next.qty > 0)) throw unprocessable('qty must be > 0');
    s.add(next);
    s.finish(old, 'replaced');
    old.replacedBy = next.id;
    old.legIds = [];
    for (const leg of s.legsOf(next)) leg.parentId = next.id;
    const parent = s.parentOf(old);
    if (parent !== undefined)
      parent.legIds = parent.legIds.map((legId) => (legId === old.id ? next.id : legId));
    s.emit('replaced', old);
    if (next.status !== 'held') s.emit('new', next);
    return s.render(next);
  }

  /** Closes all or part of a position with a market order (`DELETE /v2/positions/{symbol}`). */
  closePosition(symbol: string, amount: { qty?: string; percentage?: string }): WireOrder {
    if (amount.qty !== undefined && amount.percentage !== undefined) {
      throw badRequestField('qty and percentage are mutually exclusive');
    }
    const position = this.state.ledger.positionQty(symbol);
    if (position === 0) throw new SimHttpError(404, { code: 40410000, message: 'position does not exist' });
    let qty = Math.abs(position);
    if (amount.qty !== undefined) qty = Number(amount.qty);
    if (amount.percentage !== undefined) {
      const pct = Number(amount.percentage);
      if (!(pct >= 0 && pct <= 100)) throw badRequestField('percentage must be between 0 and 100');
      qty = Math.floor(Math.abs(position) * pct * 1e7) / 1e9;
    }
    if (!(qty > 0)) throw unprocessable('qty must be > 0');
    return this.submit({
      symbol,
      qty: String(qty),
      side: position > 0 ? 'sell' : 'buy',
      type: 'market',
      time_in_force: 'day',
    });
  }

  /** Closes every position; with `cancelOrders` the open orders are cancelled first (207 entries). */
  closeAll(cancelOrders: boolean): Array<{ symbol: string; status: number; body: unknown }> {
    if (cancelOrders) this.cancelAll();
    return this.state.ledger.symbols().map((symbol) => {
      try {
        return { symbol, status: 200, body: this.closePosition(symbol, {}) };
      } catch (error) {
        if (!(error instanceof SimHttpError)) throw error;
        return { symbol, status: error.status, body: { ...error.body, symbol } };
      }
    });
  }

  /**
   * Feeds one market event: updates the quote and matches orders against it. A stock's quote
   * also reprices the option contracts on it that are held or have live orders, and matches
   * those orders against the new option quotes.
   */
  onMarket(event: MarketEvent): void {
    for (const quote of quotesOf(event)) {
      matchQuote(this.state, quote);
      if (this.options.isUnderlying(quote.symbol)) this.#matchOptionsOn(quote.symbol);
    }
  }

  #matchOptionsOn(underlying: string): void {
    const s = this.state;
    // Held contracts are marked from the derived quote when read; only live orders need matching.
    // One pass groups them by contract (a book of thousands of protective stops stays linear).
    const bySymbol = new Map<string, SimOrder[]>();
    for (const order of s.orders.values()) {
      if (!isLive(order) || this.options.contract(order.symbol)?.underlying !== underlying) continue;
      if (s.directlyQuoted.has(order.symbol)) continue; // matched against its own quotes
      const group = bySymbol.get(order.symbol);
      if (group === undefined) bySymbol.set(order.symbol, [order]);
      else group.push(order);
    }
    const now = s.clock.now();
    for (const [symbol, orders] of bySymbol) {
      const q = this.options.quote(symbol, now);
      if (q === undefined) continue;
      s.quotes.set(symbol, q);
      for (const order of orders) {
        if (!isLive(order)) continue; // a fill earlier in this loop may have cancelled it
        const price = executionPrice(order, q);
        if (price !== undefined) fill(s, order, price);
      }
    }
  }

  /** Expires every open `day` order, as the broker does at the close. */
  expireDayOrders(): number {
    let count = 0;
    for (const order of this.state.orders.values()) {
      if (FINAL.has(order.status) || order.timeInForce !== 'day') continue;
      this.state.finish(order, 'expired');
      this.state.emit('expired', order);
      count++;
    }
    return count;
  }

  /** Fills a live order now at a given price (test control). */
  forceFill(id: string, price: number): void {
    fill(this.state, this.get(id), price);
  }
}
