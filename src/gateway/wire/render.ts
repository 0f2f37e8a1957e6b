import type { BrokerAccount, BrokerPosition } from '../../broker/account-types.ts';
import type { BrokerAsset, MarketClock } from '../../broker/market-types.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import type { TradeUpdate } from '../../broker/trade-update.ts';
import { assetClassOf } from '../../broker/wire/asset-class.ts';
import { numberToDecimal } from '../../broker/wire/decimal.ts';

/** RFC 3339 with nanoseconds, as the broker writes times. */
export function wireTime(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString().replace('Z', '000000Z');
}

function dec(n: number | undefined): string | null {
  return n === undefined || !Number.isFinite(n) ? null : numberToDecimal(n);
}

/** An order in the broker's exact wire shape: decimals as strings, legs nested one level. */
export function renderOrder(o: BrokerOrder): Record<string, unknown> {
  const positionIntent =
    o.orderClass === 'simple' || o.legs.length > 0
      ? null
      : o.side === 'buy'
        ? 'buy_to_close'
        : 'sell_to_close';
  return {
    id: o.id,
    client_order_id: o.clientOrderId,
    created_at: wireTime(o.createdAt),
    updated_at: wireTime(o.updatedAt),
    submitted_at: wireTime(o.submittedAt),
    filled_at: wireTime(o.filledAt),
    expired_at: wireTime(o.expiredAt),
    canceled_at: wireTime(o.canceledAt),
    failed_at: wireTime(o.failedAt),
    replaced_at: wireTime(o.replacedAt),
    replaced_by: o.replacedBy ?? null,
    replaces: o.replaces ?? null,
    asset_id: null,
    symbol: o.symbol,
    asset_class: o.assetClass ?? assetClassOf(o.symbol),
    notional: dec(o.notional),
    qty: dec(o.qty),
    filled_qty: numberToDecimal(o.filledQty),
    filled_avg_price: dec(o.filledAvgPrice),
    order_class: o.orderClass === 'simple' ? '' : o.orderClass,
    order_type: o.type,
    type: o.type,
    side: o.side,
    position_intent: positionIntent,
    time_in_force: o.timeInForce,
    limit_price: dec(o.limitPrice),
    stop_price: dec(o.stopPrice),
    status: o.status,
    extended_hours: o.extendedHours,
    legs: o.legs.length === 0 ? null : o.legs.map(renderOrder),
    trail_percent: dec(o.trailPercent),
    trail_price: dec(o.trailPrice),
    hwm: null,
    expires_at: null,
    source: null,
    subtag: null,
  };
}

/** The account in wire shape; the PDT fields removed by the broker in 2026-07 are not sent. */
export function renderAccount(a: BrokerAccount): Record<string, unknown> {
  return {
    id: a.id,
    account_number: a.accountNumber ?? null,
    status: a.status,
    currency: a.currency,
    cash: numberToDecimal(a.cash),
    portfolio_value: numberToDecimal(a.equity),
    equity: numberToDecimal(a.equity),
    last_equity: dec(a.lastEquity),
    buying_power: numberToDecimal(a.buyingPower),
    regt_buying_power: dec(a.regtBuyingPower),
    non_marginable_buying_power: dec(a.nonMarginableBuyingPower),
    long_market_value: dec(a.longMarketValue),
    short_market_value: dec(a.shortMarketValue),
    initial_margin: dec(a.initialMargin),
    maintenance_margin: dec(a.maintenanceMargin),
    multiplier: numberToDecimal(a.multiplier),
    trading_blocked: a.tradingBlocked,
    account_blocked: a.accountBlocked,
    transfers_blocked: false,
    trade_suspended_by_user: false,
    shorting_enabled: a.shortingEnabled ?? false,
  };
}

/** A position in wire shape (short positions keep their negative quantity and value). */
export function renderPosition(p: BrokerPosition): Record<string, unknown> {
  return {
    asset_id: p.assetId ?? null,
    symbol: p.symbol,
    exchange: null,
    asset_class: p.assetClass ?? assetClassOf(p.symbol),
    asset_marginable: true,
    avg_entry_price: numberToDecimal(p.avgEntryPrice),
    qty: numberToDecimal(p.qty),
    qty_available: dec(p.qtyAvailable),
    side: p.side,
    market_value: dec(p.marketValue),
    cost_basis: dec(p.costBasis),
    unrealized_pl: dec(p.unrealizedPl),
    unrealized_plpc: dec(p.unrealizedPlpc),
    unrealized_intraday_pl: dec(p.unrealizedPl),
    unrealized_intraday_plpc: dec(p.unrealizedPlpc),
    current_price: dec(p.currentPrice),
    lastday_price: null,
    change_today: null,
  };
}

/** An asset in wire shape. */
export function renderAsset(a: BrokerAsset): Record<string, unknown> {
  return {
    id: a.id,
    class: a.assetClass === '' ? assetClassOf(a.symbol) : a.assetClass,
    exchange: a.exchange,
    symbol: a.symbol,
    name: a.name ?? null,
    status: a.status,
    tradable: a.tradable,
    marginable: a.marginable,
    shortable: a.shortable,
    borrow_status: a.borrowStatus ?? null,
    easy_to_borrow: a.easyToBorrow ?? a.borrowStatus === 'easy_to_borrow',
    fractionable: a.fractionable,
    attributes: [],
  };
}

/** The market clock in wire shape. */
export function renderClock(c: MarketClock): Record<string, unknown> {
  return {
    timestamp: wireTime(c.timestamp),
    is_open: c.isOpen,
    next_open: wireTime(c.nextOpen),
    next_close: wireTime(c.nextClose),
  };
}

/** One `trade_updates` message (`data` part) in wire shape. */
export function renderTradeUpdate(u: TradeUpdate): Record<string, unknown> {
  return {
    event: u.event,
    ...(u.executionId !== undefined ? { execution_id: u.executionId } : {}),
    order: renderOrder(u.order),
    ...(u.positionQty !== undefined ? { position_qty: numberToDecimal(u.positionQty) } : {}),
    ...(u.price !== undefined ? { price: numberToDecimal(u.price) } : {}),
    ...(u.qty !== undefined ? { qty: numberToDecimal(u.qty) } : {}),
    timestamp: wireTime(u.time ?? Date.now()),
  };
}
