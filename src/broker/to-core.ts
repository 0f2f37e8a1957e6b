import type { AccountSnapshot, Fill } from '../core/market.ts';
import type { BrokerAccount } from './account-types.ts';
import type { TradeUpdate } from './trade-update.ts';

/**
 * The execution in a `fill` or `partial_fill` update as the core's {@link Fill}, or undefined for
 * other events and for updates that lack the execution figures. `qty` is this execution's
 * quantity (not the order's cumulative fill); the time falls back to the order's update time.
 */
export function fillFromTradeUpdate(update: TradeUpdate): Fill | undefined {
  if (update.event !== 'fill' && update.event !== 'partial_fill') return undefined;
  const { price, qty, order } = update;
  const time = update.time ?? order.updatedAt;
  if (price === undefined || qty === undefined || !(qty > 0) || time === undefined) return undefined;
  return {
    // Alpaca sends an execution id; a stable fallback keeps a replayed event from counting twice.
    executionId: update.executionId ?? `${order.id}:${order.filledQty}`,
    clientOrderId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    qty,
    price,
    time,
  };
}

/** The broker's account figures as the core's {@link AccountSnapshot} at `timeMs` (epoch ms). */
export function accountSnapshot(account: BrokerAccount, timeMs: number): AccountSnapshot {
  return { time: timeMs, equity: account.equity, cash: account.cash, buyingPower: account.buyingPower };
}
