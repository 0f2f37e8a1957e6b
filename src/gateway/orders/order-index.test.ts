import { describe, expect, it } from 'vitest';
import type { BrokerOrder } from '../../broker/order-types.ts';
import { laterStatus, OrderIndex } from './order-index.ts';

function order(status: BrokerOrder['status'], filledQty = 0): BrokerOrder {
  return {
    id: 'o-1',
    clientOrderId: 'c-1',
    symbol: 'AAPL',
    assetClass: 'us_equity',
    side: 'buy',
    type: 'market',
    timeInForce: 'day',
    orderClass: 'simple',
    status,
    qty: 10,
    notional: undefined,
    filledQty,
    filledAvgPrice: filledQty > 0 ? 100 : undefined,
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
  };
}

describe('OrderIndex', () => {
  it('never moves a status backwards: a fill seen before the POST answer stays filled', () => {
    const index = new OrderIndex();
    index.upsert(order('filled', 10));
    const tracked = index.upsert(order('new'));
    expect(tracked.status).toBe('filled');
    expect(tracked.filledQty).toBe(10);
    expect(tracked.order.status).toBe('filled');
    expect(index.liveFor('AAPL')).toEqual([]);
  });

  it('moves forward through partial fills to a final status, and lets the broker overrule a local pending_cancel', () => {
    expect(laterStatus('new', 'partially_filled')).toBe('partially_filled');
    expect(laterStatus('partially_filled', 'new')).toBe('partially_filled');
    expect(laterStatus('partially_filled', 'canceled')).toBe('canceled');
    expect(laterStatus('canceled', 'new')).toBe('canceled');
    expect(laterStatus('pending_cancel', 'new')).toBe('new');
    expect(laterStatus('held', 'new')).toBe('new');
  });

  it('forgets the oldest finished orders, but never an entry whose legs still protect its position', () => {
    const index = new OrderIndex();
    const entry: BrokerOrder = {
      ...order('filled', 10),
      id: 'entry',
      clientOrderId: 'entry',
      legs: [{ ...order('held'), id: 'leg', clientOrderId: 'leg', side: 'sell', type: 'stop' }],
    };
    index.upsert(entry);
    for (let i = 0; i < 5; i++)
      index.upsert({ ...order('canceled'), id: `old-${i}`, clientOrderId: `old-${i}` });
    index.prune(2);
    expect(index.get('entry')).toBeDefined();
    expect(index.get('leg')?.parentId).toBe('entry');
    expect(index.get('old-0')).toBeUndefined();
    expect(index.get('old-4')).toBeDefined();
  });
});
