import type { OrderIntent } from '../../core/order.ts';
import type { ClosedTrade } from '../../core/position.ts';
import type { Side } from '../../core/side.ts';
import type { TradeRecord } from '../backtest-types.ts';
import type { OrderOptions } from '../strategy.ts';
import type { SimOrder } from './sim-broker.ts';

/** The fields that differ between orders; the rest start at their defaults in {@link newSimOrder}. */
export type SimOrderFields = Pick<
  SimOrder,
  | 'id'
  | 'symbol'
  | 'side'
  | 'type'
  | 'role'
  | 'remaining'
  | 'limitPrice'
  | 'stopPrice'
  | 'activeAfter'
  | 'timeInForce'
  | 'reason'
  | 'reduceOnly'
  | 'reserved'
  | 'oco'
  | 'strategy'
>;

/**
 * A working order, nothing filled yet, placed at `activeAfter`. Every field is written out (no
 * spread) so all orders share one hidden class and the matching loop stays monomorphic.
 */
export function newSimOrder(f: SimOrderFields): SimOrder {
  return {
    id: f.id,
    symbol: f.symbol,
    side: f.side,
    type: f.type,
    role: f.role,
    remaining: f.remaining,
    limitPrice: f.limitPrice,
    stopPrice: f.stopPrice,
    activeAfter: f.activeAfter,
    timeInForce: f.timeInForce,
    reason: f.reason,
    reduceOnly: f.reduceOnly,
    reserved: f.reserved,
    oco: f.oco,
    strategy: f.strategy,
    filled: 0,
    notional: 0,
    commission: 0,
    triggered: false,
    expiresAfterSession: undefined,
    placedAt: f.activeAfter,
    status: 'working',
  };
}

/** The order a strategy's call describes, as the risk engine sees it. */
export function toIntent(
  id: string,
  symbol: string,
  side: Side,
  qty: number,
  o: OrderOptions,
  strategy: string,
): OrderIntent {
  const protection =
    o.stopLoss !== undefined || o.takeProfit !== undefined
      ? {
          ...(o.stopLoss !== undefined ? { stopLoss: o.stopLoss } : {}),
          ...(o.takeProfit !== undefined ? { takeProfit: o.takeProfit } : {}),
        }
      : undefined;
  return {
    clientOrderId: id,
    symbol,
    side,
    qty,
    type: o.type ?? 'market',
    timeInForce: o.timeInForce ?? 'gtc',
    strategy,
    ...(o.limitPrice !== undefined ? { limitPrice: o.limitPrice } : {}),
    ...(o.stopPrice !== undefined ? { stopPrice: o.stopPrice } : {}),
    ...(protection !== undefined ? { protection } : {}),
  };
}

/** The report's record of a round trip the engine closed. */
export function toTradeRecord(trade: ClosedTrade): TradeRecord {
  return {
    symbol: trade.symbol,
    side: trade.side,
    qty: trade.qty,
    entryTime: trade.entryTime,
    exitTime: trade.exitTime,
    entryPrice: trade.entryPrice,
    exitPrice: trade.exitPrice,
    pnl: trade.pnl,
    rMultiple: trade.rMultiple,
    barsHeld: trade.barsHeld,
    exitReason: trade.exitReason,
    mfe: trade.mfe,
    mae: trade.mae,
  };
}
