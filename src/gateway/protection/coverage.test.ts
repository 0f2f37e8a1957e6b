import { describe, expect, it } from 'vitest';
import type { TrackedOrder } from '../orders/order-index.ts';
import { computeCoverage } from './coverage.ts';

let next = 0;
function tracked(o: Partial<TrackedOrder> & Pick<TrackedOrder, 'side' | 'type' | 'qty'>): TrackedOrder {
  next += 1;
  return {
    brokerOrderId: o.brokerOrderId ?? `b-${next}`,
    clientOrderId: o.clientOrderId ?? `c-${next}`,
    symbol: 'AAPL',
    side: o.side,
    type: o.type,
    qty: o.qty,
    filledQty: o.filledQty ?? 0,
    status: o.status ?? 'new',
    stopPrice: o.stopPrice,
    parentId: o.parentId,
    order: {} as TrackedOrder['order'],
  };
}

function coverage(positionQty: number, orders: TrackedOrder[]) {
  const byId = new Map(orders.map((o) => [o.brokerOrderId, o]));
  const live = orders.filter(
    (o) => !['filled', 'canceled', 'replaced', 'rejected', 'expired'].includes(o.status),
  );
  return computeCoverage({ positionQty, live, get: (id) => byId.get(id) });
}

describe('computeCoverage', () => {
  it('takes the exit legs of a filled entry as the gateway-managed protection, held once per group', () => {
    const entry = tracked({ side: 'buy', type: 'market', qty: 10, filledQty: 10, status: 'filled' });
    const tp = tracked({ side: 'sell', type: 'limit', qty: 10, parentId: entry.brokerOrderId });
    const sl = tracked({
      side: 'sell',
      type: 'stop',
      qty: 10,
      status: 'held',
      stopPrice: 95,
      parentId: entry.brokerOrderId,
    });
    const c = coverage(10, [entry, tp, sl]);
    expect(c.owned).toHaveLength(1);
    expect([c.ownedHeld, c.ownedStopCover, c.stopCover, c.heldByBot]).toEqual([10, 10, 10, 0]);
    expect(c.owned[0]?.stopPrice).toBe(95);
  });

  it('ignores the legs of an entry that has not filled: they hold and protect nothing, and are no strays', () => {
    const entry = tracked({ side: 'buy', type: 'limit', qty: 10 });
    const sl = tracked({
      side: 'sell',
      type: 'stop',
      qty: 10,
      status: 'held',
      parentId: entry.brokerOrderId,
    });
    const c = coverage(0, [entry, sl]);
    expect(c.groups).toEqual([]);
    expect(c.strays).toEqual([]);
  });

  it('names the gateway stops left on a flat symbol or on the opening side as strays', () => {
    const orphan = tracked({ side: 'sell', type: 'stop', qty: 7, clientOrderId: 'rgstop-1' });
    expect(coverage(0, [orphan]).strays).toEqual([orphan]);
    expect(coverage(-5, [orphan]).strays).toEqual([orphan]);
    const botStop = tracked({ side: 'sell', type: 'stop', qty: 7 });
    expect(coverage(0, [botStop]).strays).toEqual([]);
  });

  it("counts the bot's own exits as held by the bot, and its OCO stop as coverage", () => {
    const oco = tracked({ side: 'sell', type: 'limit', qty: 4, clientOrderId: 'bot-exit' });
    const ocoStop = tracked({
      side: 'sell',
      type: 'stop',
      qty: 4,
      parentId: oco.brokerOrderId,
      stopPrice: 95,
    });
    const gateway = tracked({ side: 'sell', type: 'stop', qty: 6, clientOrderId: 'rgstop-2', stopPrice: 95 });
    const c = coverage(10, [oco, ocoStop, gateway]);
    expect([c.heldByBot, c.ownedHeld, c.stopCover]).toEqual([4, 6, 10]);
    const market = tracked({ side: 'sell', type: 'market', qty: 3 });
    expect(coverage(10, [market]).heldByBot).toBe(3);
    expect(coverage(10, [market]).stopCover).toBe(0);
  });
});
