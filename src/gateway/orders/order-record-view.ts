import type { BrokerOrder, OrderStatus } from '../../broker/order-types.ts';
import type { OrderRecord } from '../../store/order-types.ts';

/**
 * An order as the store knows it, in the broker's shape, for when the broker cannot be asked
 * (an intent never acknowledged shows as `pending_new`, a failed submit as `rejected`).
 */
export function recordFromOrder(record: OrderRecord): BrokerOrder {
  const status: OrderStatus =
    record.status === 'pending_submit'
      ? 'pending_new'
      : record.status === 'submit_failed'
        ? 'rejected'
        : record.status;
  const i = record.intent;
  return {
    id: record.brokerOrderId ?? record.clientOrderId,
    clientOrderId: record.clientOrderId,
    symbol: record.symbol,
    assetClass: 'us_equity',
    side: record.side,
    type: record.type,
    timeInForce: record.timeInForce,
    orderClass:
      i.protection?.stopLoss !== undefined && i.protection.takeProfit !== undefined
        ? 'bracket'
        : i.protection !== undefined
          ? 'oto'
          : 'simple',
    status,
    qty: record.qty,
    notional: undefined,
    filledQty: record.filledQty,
    filledAvgPrice: record.avgFillPrice ?? undefined,
    limitPrice: i.limitPrice,
    stopPrice: i.stopPrice,
    trailPrice: i.trailPrice,
    trailPercent: i.trailPercent,
    extendedHours: i.extendedHours ?? false,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    submittedAt: record.ackedAt ?? undefined,
    filledAt: undefined,
    canceledAt: undefined,
    expiredAt: undefined,
    failedAt: record.status === 'submit_failed' ? record.updatedAt : undefined,
    replacedAt: undefined,
    replacedBy: undefined,
    replaces: undefined,
    legs: [],
  };
}
