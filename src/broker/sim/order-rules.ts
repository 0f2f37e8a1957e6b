import type { OrderType, TimeInForce } from '../../core/order.ts';
import type { Side } from '../../core/side.ts';
import { isOnTick } from '../../core/tick.ts';
import type { WireOrderRequest } from '../wire/order-wire.ts';
import { badRequestField, notFound, type SimHttpError, unprocessable } from './sim-errors.ts';

/** An order request after the stateless rules passed, in numbers. */
export interface CheckedOrder {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly qty: number;
  readonly limitPrice: number | undefined;
  readonly stopPrice: number | undefined;
  readonly trailPrice: number | undefined;
  readonly trailPercent: number | undefined;
  readonly extendedHours: boolean;
  readonly clientOrderId: string | undefined;
  readonly orderClass: '' | 'bracket' | 'oco' | 'oto';
  readonly takeProfit: number | undefined;
  readonly stopLoss: number | undefined;
  readonly stopLossLimit: number | undefined;
  /** True when legs were sent on a simple order and silently dropped (the broker's trap). */
  readonly droppedLegs: boolean;
}

/** What the stateless rules need to know about the exchange. */
export interface RuleContext {
  /** Reject legs on simple orders instead of dropping them silently. */
  readonly strict: boolean;
  readonly isKnownAsset: (symbol: string) => boolean;
  readonly isTradable: (symbol: string) => boolean;
  /** Current market reference price for the base-price check, dollars. */
  readonly marketPrice: (symbol: string, side: Side) => number | undefined;
  /** Signed position in shares. */
  readonly positionQty: (symbol: string) => number;
  readonly clientOrderIdUsed: (clientOrderId: string) => boolean;
}

type Outcome = { ok: true; order: CheckedOrder } | { ok: false; error: SimHttpError };

/** Parses a price field and applies the sub-penny rule; returns the broker's 422 when it fails. */
export function parsePrice(
  field: string,
  value: string | number | undefined,
): number | SimHttpError | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n <= 0) return unprocessable(`invalid ${field} ${value}`);
  if (!isOnTick(n)) {
    return unprocessable(
      `invalid ${field} ${value}. sub-penny increment does not fulfill minimum pricing criteria`,
    );
  }
  return n;
}

/** Applies the broker's stateless order rules: fields, sub-penny prices, order-class rules, base price. */
export function checkOrderRequest(req: WireOrderRequest, ctx: RuleContext): Outcome {
  const fail = (error: SimHttpError): Outcome => ({ ok: false, error });
  const symbol = req.symbol?.toUpperCase();
  if (symbol === undefined || symbol === '') return fail(unprocessable('symbol is required'));
  if (!ctx.isKnownAsset(symbol)) return fail(notFound(`asset not found: ${symbol}`));
  if (!ctx.isTradable(symbol)) return fail(unprocessable(`asset ${symbol} is not tradable`));
  if (req.notional !== undefined) return fail(unprocessable('notional orders are not supported here'));
  const qty = req.qty === undefined ? Number.NaN : Number(req.qty);
  if (!(qty > 0)) return fail(unprocessable('qty must be > 0'));
  if (!Number.isInteger(qty) && (req.type !== 'market' || req.time_in_force !== 'day')) {
    return fail(unprocessable('fractional orders must be market and day orders'));
  }
  const cid = req.client_order_id;
  if (cid !== undefined) {
    if (cid.length > 128) return fail(badRequestField('client_order_id must be no more than 128 characters'));
    if (ctx.clientOrderIdUsed(cid)) return fail(badRequestField('client_order_id must be unique'));
  }
  const prices: Record<string, number | undefined> = {};
  const fields: Array<[string, string | number | undefined]> = [
    ['limit_price', req.limit_price],
    ['stop_price', req.stop_price],
    ['take_profit.limit_price', req.take_profit?.limit_price],
    ['stop_loss.stop_price', req.stop_loss?.stop_price],
    ['stop_loss.limit_price', req.stop_loss?.limit_price],
  ];
  for (const [field, value] of fields) {
    const parsed = parsePrice(field, value);
    if (parsed instanceof Error) return fail(parsed);
    prices[field] = parsed;
  }
  const limitPrice = prices.limit_price;
  const stopPrice = prices.stop_price;
  // An OCO carries its limit in take_profit: the limit leg is the parent.
  const ocoLimit = req.order_class === 'oco' ? prices['take_profit.limit_price'] : undefined;
  if (
    (req.type === 'limit' || req.type === 'stop_limit') &&
    limitPrice === undefined &&
    ocoLimit === undefined
  ) {
    return fail(unprocessable('limit_price is required'));
  }
  if ((req.type === 'stop' || req.type === 'stop_limit') && stopPrice === undefined) {
    return fail(unprocessable('stop_price is required'));
  }
  const trailPrice = req.trail_price === undefined ? undefined : Number(req.trail_price);
  const trailPercent = req.trail_percent === undefined ? undefined : Number(req.trail_percent);
  if (req.type === 'trailing_stop') {
    if ((trailPrice === undefined) === (trailPercent === undefined)) {
      return fail(unprocessable('trailing_stop requires exactly one of trail_price or trail_percent'));
    }
    if (req.time_in_force !== 'day' && req.time_in_force !== 'gtc') {
      return fail(unprocessable('trailing_stop orders must be day or gtc'));
    }
  }
  const extendedHours = req.extended_hours === true;
  if (
    extendedHours &&
    (req.type !== 'limit' || (req.time_in_force !== 'day' && req.time_in_force !== 'gtc'))
  ) {
    return fail(unprocessable('extended hours order must be DAY or GTC limit orders'));
  }
  if (req.order_class === 'mleg') return fail(unprocessable('mleg orders are not supported here'));
  const orderClass: CheckedOrder['orderClass'] =
    req.order_class === undefined || req.order_class === 'simple' ? '' : req.order_class;
  const hasLegs = req.take_profit !== undefined || req.stop_loss !== undefined;
  let droppedLegs = false;
  let takeProfit = prices['take_profit.limit_price'];
  let stopLoss = prices['stop_loss.stop_price'];
  let stopLossLimit = prices['stop_loss.limit_price'];
  if (orderClass === '' && hasLegs) {
    if (ctx.strict) {
      return fail(unprocessable('take_profit and stop_loss require order_class bracket, oco or oto'));
    }
    // The real broker answers 200 with a plain order and creates no legs: reproduce that trap.
    droppedLegs = true;
    takeProfit = undefined;
    stopLoss = undefined;
    stopLossLimit = undefined;
  }
  const order: CheckedOrder = {
    symbol,
    side: req.side,
    type: req.type,
    timeInForce: req.time_in_force,
    qty,
    limitPrice,
    stopPrice,
    trailPrice,
    trailPercent,
    extendedHours,
    clientOrderId: cid,
    orderClass,
    takeProfit,
    stopLoss,
    stopLossLimit,
    droppedLegs,
  };
  const groupError = checkGroupRules(order, ctx);
  return groupError === undefined ? { ok: true, order } : fail(groupError);
}

function checkGroupRules(o: CheckedOrder, ctx: RuleContext): SimHttpError | undefined {
  if (o.orderClass === '') return undefined;
  const position = ctx.positionQty(o.symbol);
  const reduces = (o.side === 'sell' && position > 0) || (o.side === 'buy' && position < 0);
  if (o.orderClass === 'oco') {
    if (o.type !== 'limit') return unprocessable('oco orders must be limit orders');
    if (o.takeProfit === undefined && o.limitPrice === undefined) {
      return unprocessable('oco orders require take_profit.limit_price');
    }
    if (o.stopLoss === undefined) return unprocessable('oco orders require stop_loss.stop_price');
    if (!reduces) return unprocessable('oco orders must be exit orders');
    return undefined;
  }
  if (o.timeInForce !== 'day' && o.timeInForce !== 'gtc') {
    return unprocessable(`${o.orderClass} orders must be day or gtc`);
  }
  if (o.extendedHours) return unprocessable(`${o.orderClass} orders cannot be extended hours`);
  if (o.type !== 'market' && o.type !== 'limit') {
    return unprocessable(`${o.orderClass} orders must be market or limit orders`);
  }
  if (reduces) return unprocessable(`${o.orderClass} orders must be entry orders`);
  if (o.orderClass === 'bracket') {
    if (o.takeProfit === undefined) return unprocessable('bracket orders require take_profit.limit_price');
    if (o.stopLoss === undefined) return unprocessable('bracket orders require stop_loss.stop_price');
    const wrongOrder = o.side === 'buy' ? o.takeProfit <= o.stopLoss : o.takeProfit >= o.stopLoss;
    if (wrongOrder) {
      return unprocessable(
        `take_profit.limit_price must be ${o.side === 'buy' ? '>' : '<'} stop_loss.stop_price`,
      );
    }
  } else if ((o.takeProfit === undefined) === (o.stopLoss === undefined)) {
    return unprocessable('oto orders require exactly one of take_profit or stop_loss');
  }
  return checkBasePrice(o, ctx);
}

/** The base-price check: the exits must sit at least a cent beyond the entry's price. */
function checkBasePrice(o: CheckedOrder, ctx: RuleContext): SimHttpError | undefined {
  const base = o.type === 'limit' ? o.limitPrice : ctx.marketPrice(o.symbol, o.side);
  if (base === undefined) return undefined;
  const cents = (n: number) => Math.round(n * 10_000);
  const basePrice = String(base);
  if (o.stopLoss !== undefined) {
    if (o.side === 'buy' && cents(o.stopLoss) > cents(base - 0.01)) {
      return unprocessable('stop_loss.stop_price must be <= base_price - 0.01', { base_price: basePrice });
    }
    if (o.side === 'sell' && cents(o.stopLoss) < cents(base + 0.01)) {
      return unprocessable('stop_loss.stop_price must be >= base_price + 0.01', { base_price: basePrice });
    }
  }
  if (o.takeProfit !== undefined) {
    if (o.side === 'buy' && cents(o.takeProfit) < cents(base + 0.01)) {
      return unprocessable('take_profit.limit_price must be >= base_price + 0.01', { base_price: basePrice });
    }
    if (o.side === 'sell' && cents(o.takeProfit) > cents(base - 0.01)) {
      return unprocessable('take_profit.limit_price must be <= base_price - 0.01', { base_price: basePrice });
    }
  }
  return undefined;
}
