import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerOrder } from '../../../test/support/broker-order.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import { isLive, OrderIndex, type TrackedOrder } from '../orders/order-index.ts';
import { type Coverage, computeCoverage, PROTECTIVE_ID_PREFIX } from './coverage.ts';

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

/** A coverage with its groups and members in a fixed order, to compare two counts. */
function normalized(c: Coverage) {
  const ids = (orders: readonly TrackedOrder[]) => orders.map((o) => o.brokerOrderId).sort();
  const groups = (list: Coverage['groups']) =>
    list
      .map((g) => ({ ...g, members: ids(g.members) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...c, groups: groups(c.groups), owned: groups(c.owned), strays: ids(c.strays) };
}

describe('the order index as the source of a coverage count', () => {
  it('counts the same from its candidates as from every live order, through any sequence of reports', () => {
    const statuses: BrokerOrder['status'][] = [
      'new',
      'accepted',
      'held',
      'partially_filled',
      'filled',
      'canceled',
      'rejected',
      'pending_cancel',
    ];
    const side = fc.constantFrom('buy' as const, 'sell' as const);
    const status = fc.constantFrom(...statuses);
    const step = fc.oneof(
      // An order as the broker reports it, with up to two legs (a take-profit and a stop). Orders
      // 0-7 may have legs, so they are no stops (a group holds one stop at most, as at Alpaca);
      // orders 24-27 have none.
      fc.record({
        kind: fc.constant('order' as const),
        id: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 24, max: 27 })),
        side,
        stop: fc.boolean(),
        status,
        filled: fc.integer({ min: 0, max: 10 }),
        gateway: fc.boolean(),
        legs: fc.array(fc.record({ status, sameSide: fc.boolean() }), { maxLength: 2 }),
      }),
      // One leg alone, as a read-back of the legs reports it.
      fc.record({
        kind: fc.constant('leg' as const),
        parent: fc.integer({ min: 0, max: 7 }),
        which: fc.integer({ min: 0, max: 1 }),
        status,
        side,
      }),
      fc.record({ kind: fc.constant('pendingCancel' as const), id: fc.integer({ min: 0, max: 27 }) }),
      fc.record({ kind: fc.constant('prune' as const), keep: fc.integer({ min: 0, max: 6 }) }),
    );
    const other = (s: 'buy' | 'sell') => (s === 'buy' ? 'sell' : 'buy');
    // Leg `which` of parent `p` has broker id `l<8 + 2p + which>`; the second leg is the stop.
    const legId = (parent: number, which: number) => `o${8 + 2 * parent + which}`;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 50 }), (steps) => {
        const index = new OrderIndex();
        const sideOf = new Map<string, 'buy' | 'sell'>();
        const sideFor = (id: string, wanted: 'buy' | 'sell') => {
          // An order keeps the side it was first seen with, as at a broker.
          if (!sideOf.has(id)) sideOf.set(id, wanted);
          return sideOf.get(id)!;
        };
        const leg = (parent: number, which: number, s: BrokerOrder['status'], legSide: 'buy' | 'sell') =>
          brokerOrder({
            id: legId(parent, which),
            side: sideFor(legId(parent, which), legSide),
            type: which === 1 ? 'stop' : 'limit',
            status: s,
            stopPrice: which === 1 ? 90 + parent : undefined,
          });
        for (const s of steps) {
          if (s.kind === 'order') {
            const id = `o${s.id}`;
            const entrySide = sideFor(id, s.side);
            index.upsert(
              brokerOrder({
                id,
                clientOrderId: s.gateway ? `${PROTECTIVE_ID_PREFIX}-${s.id}` : `bot-${s.id}`,
                side: entrySide,
                type: s.id >= 24 && s.stop ? 'stop' : s.id % 2 === 0 ? 'limit' : 'market',
                status: s.status,
                filledQty: s.status === 'filled' ? 10 : Math.min(s.filled, 9),
                legs:
                  s.id >= 24
                    ? []
                    : s.legs.map((l, which) =>
                        leg(s.id, which, l.status, l.sameSide ? entrySide : other(entrySide)),
                      ),
              }),
            );
          } else if (s.kind === 'leg') {
            index.upsert(leg(s.parent, s.which, s.status, s.side), `o${s.parent}`);
          } else if (s.kind === 'pendingCancel') {
            const tracked = index.get(`o${s.id}`);
            if (tracked !== undefined && isLive(tracked.status)) index.markPendingCancel(tracked);
          } else {
            index.prune(s.keep);
          }
          const get = (id: string) => index.get(id);
          for (const positionQty of [7, -7, 0, 1e-12]) {
            const everyLive = computeCoverage({ positionQty, live: index.liveFor('AAPL'), get });
            const fromCandidates = computeCoverage({
              positionQty,
              live: index.coverageCandidates('AAPL', positionQty),
              get,
            });
            expect(normalized(fromCandidates)).toEqual(normalized(everyLive));
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("leaves out the legs of a resting entry and the bot's opening orders, and takes the legs in once the entry fills", () => {
    const index = new OrderIndex();
    const entry = (id: string, s: BrokerOrder['status']) =>
      brokerOrder({
        id,
        side: 'buy',
        type: 'limit',
        status: s,
        filledQty: s === 'filled' ? 10 : 0,
        orderClass: 'bracket',
        legs: [
          brokerOrder({ id: `${id}-tp`, side: 'sell', type: 'limit', status: 'held' }),
          brokerOrder({ id: `${id}-sl`, side: 'sell', type: 'stop', status: 'held', stopPrice: 90 }),
        ],
      });
    for (let i = 0; i < 100; i++) index.upsert(entry(`e${i}`, 'new'));
    expect(index.liveFor('AAPL')).toHaveLength(300);
    expect(index.coverageCandidates('AAPL', 0)).toEqual([]);
    expect(index.coverageCandidates('AAPL', 10)).toEqual([]);
    index.upsert(entry('e7', 'filled'));
    const ids = (qty: number) =>
      index
        .coverageCandidates('AAPL', qty)
        .map((o) => o.brokerOrderId)
        .sort();
    expect(ids(10)).toEqual(['e7-sl', 'e7-tp']);
    expect(ids(0)).toEqual(['e7-sl', 'e7-tp']);
  });
});
