import type { Side } from '../../core/side.ts';
import { parseSide } from '../../core/side.ts';
import { limitDirection, protectiveStopDirection, roundToTick } from '../../core/tick.ts';
import { BrokerError } from '../errors.ts';
import type { OrderClass, ReplaceOrderRequest, SubmitOrderRequest } from '../order-types.ts';
import { assetClassOf } from '../wire/asset-class.ts';
import { numberToDecimal } from '../wire/decimal.ts';
import type { WireOrderRequest, WireReplaceRequest } from '../wire/order-wire.ts';

/** Longest client order id the broker accepts. Keep ids at most 48 characters for older accounts. */
export const MAX_CLIENT_ORDER_ID_LENGTH = 128;

function invalid(message: string): BrokerError<'VALIDATION'> {
  return new BrokerError('VALIDATION', message, { local: true });
}

function positive(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0)
    throw invalid(`${field} must be a positive finite number, got ${value}`);
  return value;
}

/** The group an order is sent as: bracket for two protection prices, OTO for one, else simple. */
export function resolveOrderClass(request: SubmitOrderRequest): OrderClass {
  const p = request.protection;
  const hasTakeProfit = p?.takeProfit !== undefined;
  const hasStopLoss = p?.stopLoss !== undefined;
  const requested = request.orderClass;
  if (requested === undefined) {
    if (hasTakeProfit && hasStopLoss) return 'bracket';
    return hasTakeProfit || hasStopLoss ? 'oto' : 'simple';
  }
  if (requested === 'simple' && (hasTakeProfit || hasStopLoss)) {
    throw invalid(
      'protection on a simple order: the broker would accept it and silently create no legs; send it as bracket or oto',
    );
  }
  if (requested === 'bracket' && !(hasTakeProfit && hasStopLoss)) {
    throw invalid('a bracket needs both a take-profit and a stop-loss; send a single exit as oto');
  }
  if (requested === 'oto' && hasTakeProfit === hasStopLoss) {
    throw invalid('an oto needs exactly one of take-profit or stop-loss');
  }
  if (requested === 'oco' && !(hasTakeProfit && hasStopLoss)) {
    throw invalid('an oco needs both a take-profit and a stop-loss');
  }
  if (requested === 'mleg') throw invalid('multi-leg option orders are not supported by this adapter');
  return requested;
}

/**
 * Translates a submit request into the exact `POST /v2/orders` body: class chosen from the
 * protection, prices rounded to their tick in the conservative direction, decimals as strings.
 * Refuses locally (VALIDATION, `local: true`) what the broker would reject or silently mangle.
 */
export function toWireOrder(request: SubmitOrderRequest): WireOrderRequest {
  const side = parseSide(request.side);
  if (!side.ok) throw invalid(`side: ${side.issues[0]?.message ?? 'invalid'}`);
  const symbol = typeof request.symbol === 'string' ? request.symbol.trim().toUpperCase() : '';
  if (symbol === '') throw invalid('symbol is required');
  const cid = request.clientOrderId;
  if (typeof cid !== 'string' || cid.length === 0 || cid.length > MAX_CLIENT_ORDER_ID_LENGTH) {
    throw invalid(`clientOrderId must be 1 to ${MAX_CLIENT_ORDER_ID_LENGTH} characters`);
  }
  const qty = positive(request.qty, 'qty')!;
  const orderClass = resolveOrderClass(request);
  const exitSide: Side = side.value === 'buy' ? 'sell' : 'buy';
  const p = request.protection;
  if (orderClass === 'bracket' || orderClass === 'oto') {
    if (request.timeInForce !== 'day' && request.timeInForce !== 'gtc') {
      throw invalid(`${orderClass} orders must be day or gtc, got ${request.timeInForce}`);
    }
    if (request.type !== 'market' && request.type !== 'limit') {
      throw invalid(`${orderClass} entries must be market or limit orders, got ${request.type}`);
    }
    if (request.extendedHours === true) throw invalid(`${orderClass} orders cannot trade in extended hours`);
    if (p?.takeProfit !== undefined && p.stopLoss !== undefined) {
      const wrong = side.value === 'buy' ? p.takeProfit <= p.stopLoss : p.takeProfit >= p.stopLoss;
      if (wrong) throw invalid(`for a ${side.value} entry the take-profit must be beyond the stop-loss`);
    }
  }
  if (orderClass === 'oco' && request.type !== 'limit') throw invalid('oco orders must be limit orders');
  const body: WireOrderRequest = {
    symbol,
    qty: numberToDecimal(qty),
    side: side.value,
    type: request.type,
    time_in_force: request.timeInForce,
    client_order_id: cid,
  };
  const legSide = orderClass === 'oco' ? side.value : exitSide;
  // Option contracts trade in whole cents at every price (the sub-dollar equity tick does not apply).
  const option = assetClassOf(symbol) === 'us_option';
  const limit = positive(request.limitPrice, 'limitPrice');
  if (limit !== undefined)
    body.limit_price = option
      ? cents(limit, limitDirection(side.value))
      : price(limit, limitDirection(side.value));
  const stop = positive(request.stopPrice, 'stopPrice');
  if (stop !== undefined) {
    const direction = protectiveStopDirection(side.value);
    body.stop_price = option ? cents(stop, direction) : price(stop, direction);
  }
  const trailPrice = positive(request.trailPrice, 'trailPrice');
  if (trailPrice !== undefined) body.trail_price = price(trailPrice, 'nearest');
  const trailPercent = positive(request.trailPercent, 'trailPercent');
  if (trailPercent !== undefined) body.trail_percent = numberToDecimal(trailPercent);
  if (request.extendedHours === true) body.extended_hours = true;
  if (orderClass !== 'simple') {
    body.order_class = orderClass;
    const takeProfit = positive(p?.takeProfit, 'protection.takeProfit');
    const stopLoss = positive(p?.stopLoss, 'protection.stopLoss');
    const stopLossLimit = positive(p?.stopLossLimit, 'protection.stopLossLimit');
    if (takeProfit !== undefined)
      body.take_profit = { limit_price: price(takeProfit, limitDirection(legSide)) };
    if (stopLoss !== undefined) {
      // A protective stop never rounds toward the market: a sell stop rounds down, a buy stop up.
      const direction = protectiveStopDirection(exitSide);
      body.stop_loss = { stop_price: price(stopLoss, direction) };
      if (stopLossLimit !== undefined) body.stop_loss.limit_price = price(stopLossLimit, direction);
    }
  }
  assertLegsCarryClass(body);
  return body;
}

/**
 * The invariant behind the incident: legs never travel without a bracket/OTO/OCO class, because
 * the broker drops them silently. A violation is a bug here, so it throws at once.
 */
export function assertLegsCarryClass(body: WireOrderRequest): void {
  const hasLegs = body.take_profit !== undefined || body.stop_loss !== undefined;
  const grouped = body.order_class === 'bracket' || body.order_class === 'oto' || body.order_class === 'oco';
  if (hasLegs && !grouped) {
    throw new Error(`invariant broken: legs on an order of class '${body.order_class ?? 'simple'}'`);
  }
}

function price(value: number, direction: 'up' | 'down' | 'nearest'): string {
  return numberToDecimal(roundToTick(value, direction));
}

/** An option price on the cent in `direction`, at least one cent. */
function cents(value: number, direction: 'up' | 'down' | 'nearest'): string {
  // Scaled and stripped of float noise first, as for equities (1.005 × 100 = 100.49999…).
  const scaled = Number((value * 100).toFixed(6));
  const whole =
    direction === 'down' ? Math.floor(scaled) : direction === 'up' ? Math.ceil(scaled) : Math.round(scaled);
  return numberToDecimal(Math.max(1, whole) / 100);
}

/**
 * Translates a replace request into the `PATCH` body. `side` (of the order being replaced) decides
 * the rounding direction; a price off the tick without a known side is refused locally.
 */
export function toWireReplace(
  changes: ReplaceOrderRequest,
  side: Side | undefined,
  /** The order's symbol when known: an option's prices go on the cent. */
  symbol?: string,
): WireReplaceRequest {
  const option = symbol !== undefined && assetClassOf(symbol) === 'us_option';
  const body: WireReplaceRequest = {};
  const qty = positive(changes.qty, 'qty');
  if (qty !== undefined) body.qty = numberToDecimal(qty);
  if (changes.timeInForce !== undefined) body.time_in_force = changes.timeInForce;
  const round = (value: number, field: string, direction: (s: Side) => 'up' | 'down' | 'nearest'): string => {
    positive(value, field);
    if (side === undefined) {
      // Off the cent may be off an option's tick: the order is read first (its side and symbol).
      const onCent = Math.abs(value * 100 - Math.round(value * 100)) < 1e-6;
      if (!onCent) throw invalid(`${field} ${value} is off the tick and the order side is unknown`);
      return numberToDecimal(value);
    }
    return option ? cents(value, direction(side)) : price(value, direction(side));
  };
  if (changes.limitPrice !== undefined)
    body.limit_price = round(changes.limitPrice, 'limitPrice', limitDirection);
  if (changes.stopPrice !== undefined) {
    body.stop_price = round(changes.stopPrice, 'stopPrice', protectiveStopDirection);
  }
  if (changes.trail !== undefined) body.trail = numberToDecimal(positive(changes.trail, 'trail')!);
  if (changes.clientOrderId !== undefined) {
    if (changes.clientOrderId.length === 0 || changes.clientOrderId.length > MAX_CLIENT_ORDER_ID_LENGTH) {
      throw invalid(`clientOrderId must be 1 to ${MAX_CLIENT_ORDER_ID_LENGTH} characters`);
    }
    body.client_order_id = changes.clientOrderId;
  }
  return body;
}
