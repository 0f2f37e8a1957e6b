import type { BrokerOrder } from '../../src/broker/order-types.ts';

/**
 * A broker order as the adapter gives it, every field present: an unfilled simple 10-share
 * AAPL order unless `fields` says otherwise (a `filled` status fills all 10 at 100).
 */
export function brokerOrder(
  fields: Partial<BrokerOrder> & Pick<BrokerOrder, 'id' | 'side' | 'type' | 'status'>,
): BrokerOrder {
  const filled = fields.status === 'filled';
  return {
    clientOrderId: `c-${fields.id}`,
    symbol: 'AAPL',
    assetClass: 'us_equity',
    timeInForce: 'gtc',
    orderClass: 'simple',
    qty: 10,
    notional: undefined,
    filledQty: filled ? 10 : 0,
    filledAvgPrice: filled ? 100 : undefined,
    limitPrice: undefined,
    stopPrice: undefined,
    trailPrice: undefined,
    trailPercent: undefined,
    extendedHours: false,
    createdAt: 0,
    updatedAt: undefined,
    submittedAt: undefined,
    filledAt: undefined,
    canceledAt: undefined,
    expiredAt: undefined,
    failedAt: undefined,
    replacedAt: undefined,
    replacedBy: undefined,
    replaces: undefined,
    legs: [],
    ...fields,
  };
}
