import type { BrokerAccount, BrokerPosition } from '../account-types.ts';
import type { BrokerAsset, LatestQuote, MarketClock } from '../market-types.ts';
import type { OptionContract } from '../option-types.ts';
import type { BrokerOrder, OrderClass } from '../order-types.ts';
import type { TradeUpdate, TradeUpdateEvent } from '../trade-update.ts';
import type { WireAccount, WirePosition } from '../wire/account-wire.ts';
import { decimalToNumber, optionalDecimal, optionalTimestamp, timestampToMs } from '../wire/decimal.ts';
import type { WireAsset, WireClock, WireQuote, WireTradeUpdate } from '../wire/market-wire.ts';
import type { WireOptionContract } from '../wire/option-wire.ts';
import type { WireOrder } from '../wire/order-wire.ts';

/** Translates a wire order (and its legs) into domain units. */
export function fromWireOrder(o: WireOrder): BrokerOrder {
  const orderClass: OrderClass = o.order_class === '' || o.order_class == null ? 'simple' : o.order_class;
  return {
    id: o.id,
    clientOrderId: o.client_order_id,
    symbol: o.symbol,
    assetClass: o.asset_class ?? undefined,
    side: o.side,
    type: o.type,
    timeInForce: o.time_in_force,
    orderClass,
    status: o.status,
    qty: optionalDecimal(o.qty),
    notional: optionalDecimal(o.notional),
    filledQty: decimalToNumber(o.filled_qty),
    filledAvgPrice: optionalDecimal(o.filled_avg_price),
    limitPrice: optionalDecimal(o.limit_price),
    stopPrice: optionalDecimal(o.stop_price),
    trailPrice: optionalDecimal(o.trail_price),
    trailPercent: optionalDecimal(o.trail_percent),
    extendedHours: o.extended_hours ?? false,
    createdAt: timestampToMs(o.created_at),
    updatedAt: optionalTimestamp(o.updated_at),
    submittedAt: optionalTimestamp(o.submitted_at),
    filledAt: optionalTimestamp(o.filled_at),
    canceledAt: optionalTimestamp(o.canceled_at),
    expiredAt: optionalTimestamp(o.expired_at),
    failedAt: optionalTimestamp(o.failed_at),
    replacedAt: optionalTimestamp(o.replaced_at),
    replacedBy: o.replaced_by ?? undefined,
    replaces: o.replaces ?? undefined,
    legs: (o.legs ?? []).map(fromWireOrder),
  };
}

/** Translates `GET /v2/account`; the removed PDT fields appear only when the broker sent them. */
export function fromWireAccount(a: WireAccount): BrokerAccount {
  return {
    id: a.id,
    accountNumber: a.account_number ?? undefined,
    status: a.status,
    currency: a.currency,
    cash: decimalToNumber(a.cash),
    equity: decimalToNumber(a.equity),
    lastEquity: optionalDecimal(a.last_equity),
    buyingPower: decimalToNumber(a.buying_power),
    regtBuyingPower: optionalDecimal(a.regt_buying_power),
    nonMarginableBuyingPower: optionalDecimal(a.non_marginable_buying_power),
    longMarketValue: optionalDecimal(a.long_market_value),
    shortMarketValue: optionalDecimal(a.short_market_value),
    initialMargin: optionalDecimal(a.initial_margin),
    maintenanceMargin: optionalDecimal(a.maintenance_margin),
    multiplier: decimalToNumber(a.multiplier),
    tradingBlocked: a.trading_blocked,
    accountBlocked: a.account_blocked,
    shortingEnabled: a.shorting_enabled ?? undefined,
    ...(a.pattern_day_trader !== undefined ? { patternDayTrader: a.pattern_day_trader } : {}),
    ...(a.daytrade_count !== undefined ? { daytradeCount: a.daytrade_count } : {}),
    ...(a.daytrading_buying_power !== undefined
      ? { daytradingBuyingPower: decimalToNumber(a.daytrading_buying_power) }
      : {}),
  };
}

/** Translates a position; prices and values in dollars, quantities signed. */
export function fromWirePosition(p: WirePosition): BrokerPosition {
  return {
    symbol: p.symbol,
    assetId: p.asset_id ?? undefined,
    assetClass: p.asset_class ?? undefined,
    side: p.side,
    qty: decimalToNumber(p.qty),
    qtyAvailable: optionalDecimal(p.qty_available),
    avgEntryPrice: decimalToNumber(p.avg_entry_price),
    marketValue: optionalDecimal(p.market_value),
    costBasis: optionalDecimal(p.cost_basis),
    unrealizedPl: optionalDecimal(p.unrealized_pl),
    unrealizedPlpc: optionalDecimal(p.unrealized_plpc),
    currentPrice: optionalDecimal(p.current_price),
  };
}

/** Translates an asset; the deprecated `easy_to_borrow` appears only when sent. */
export function fromWireAsset(a: WireAsset): BrokerAsset {
  return {
    id: a.id,
    symbol: a.symbol,
    assetClass: a.class,
    exchange: a.exchange,
    name: a.name ?? undefined,
    status: a.status,
    tradable: a.tradable,
    marginable: a.marginable,
    shortable: a.shortable,
    fractionable: a.fractionable,
    borrowStatus: a.borrow_status ?? undefined,
    ...(a.easy_to_borrow !== undefined ? { easyToBorrow: a.easy_to_borrow } : {}),
  };
}

/** Translates the market clock into epoch milliseconds. */
export function fromWireClock(c: WireClock): MarketClock {
  return {
    timestamp: timestampToMs(c.timestamp),
    isOpen: c.is_open,
    nextOpen: timestampToMs(c.next_open),
    nextClose: timestampToMs(c.next_close),
  };
}

/** Translates a data-API quote (numbers on the wire) for one symbol. */
export function fromWireQuote(
  symbol: string,
  q: Pick<WireQuote, 't' | 'bp' | 'ap' | 'bs' | 'as'>,
): LatestQuote {
  return { symbol, time: timestampToMs(q.t), bid: q.bp, ask: q.ap, bidSize: q.bs, askSize: q.as };
}

/** Translates one `trade_updates` event. */
export function fromWireTradeUpdate(u: WireTradeUpdate): TradeUpdate {
  return {
    event: u.event as TradeUpdateEvent,
    order: fromWireOrder(u.order),
    time: optionalTimestamp(u.timestamp),
    executionId: u.execution_id ?? undefined,
    price: optionalDecimal(u.price),
    qty: optionalDecimal(u.qty),
    positionQty: optionalDecimal(u.position_qty),
  };
}

/** Translates one option contract of `GET /v2/options/contracts`. */
export function fromWireOptionContract(c: WireOptionContract): OptionContract {
  return {
    id: c.id,
    symbol: c.symbol,
    name: c.name,
    status: c.status,
    tradable: c.tradable,
    expirationDate: c.expiration_date,
    rootSymbol: c.root_symbol,
    underlyingSymbol: c.underlying_symbol,
    type: c.type,
    style: c.style,
    strikePrice: decimalToNumber(c.strike_price),
    multiplier: decimalToNumber(c.multiplier),
    size: decimalToNumber(c.size),
    openInterest: optionalDecimal(c.open_interest),
    closePrice: optionalDecimal(c.close_price),
  };
}
