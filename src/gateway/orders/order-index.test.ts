import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerOrder } from '../../../test/support/broker-order.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import { isLive, laterStatus, OrderIndex } from './order-index.ts';

function order(status: BrokerOrder['status'], filledQty = 0): BrokerOrder {
  return brokerOrder({
    id: 'o-1',
    clientOrderId: 'c-1',
    side: 'buy',
    type: 'market',
    timeInForce: 'day',
    status,
    filledQty,
    filledAvgPrice: filledQty > 0 ? 100 : undefined,
  });
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

  it('answers its live views like a scan of every order, through any sequence of updates, cancels and pruning', () => {
    const statuses: BrokerOrder['status'][] = [
      'new',
      'accepted',
      'held',
      'partially_filled',
      'filled',
      'canceled',
      'expired',
      'rejected',
      'pending_cancel',
    ];
    const symbols = ['AAPL', 'MSFT', 'SPY'];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('upsert' as const),
        id: fc.integer({ min: 0, max: 11 }),
        symbol: fc.constantFrom(...symbols),
        status: fc.constantFrom(...statuses),
        stop: fc.boolean(),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        leg: fc.option(
          fc.record({ id: fc.integer({ min: 12, max: 15 }), status: fc.constantFrom(...statuses) }),
          {
            nil: undefined,
          },
        ),
      }),
      fc.record({ kind: fc.constant('pendingCancel' as const), id: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('prune' as const), keep: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const index = new OrderIndex();
        const ids = new Set<string>();
        const ofId = new Map<string, string>();
        for (const s of steps) {
          if (s.kind === 'upsert') {
            // An order keeps the symbol it was first seen with, as at a broker.
            const symbol = ofId.get(`o${s.id}`) ?? s.symbol;
            const legs =
              s.leg === undefined
                ? []
                : [
                    {
                      ...order(s.leg.status),
                      id: `o${s.leg.id}`,
                      clientOrderId: `c${s.leg.id}`,
                      symbol: ofId.get(`o${s.leg.id}`) ?? symbol,
                      side: 'sell' as const,
                      type: 'stop' as const,
                    },
                  ];
            index.upsert({
              ...order(s.status),
              id: `o${s.id}`,
              clientOrderId: `c${s.id}`,
              symbol,
              side: s.side,
              type: s.stop ? 'stop' : 'limit',
              legs,
            });
            for (const o of [{ id: `o${s.id}`, symbol }, ...legs]) {
              ids.add(o.id);
              if (!ofId.has(o.id)) ofId.set(o.id, o.symbol);
            }
          } else if (s.kind === 'pendingCancel') {
            const tracked = index.get(`o${s.id}`);
            if (tracked !== undefined && isLive(tracked.status)) index.markPendingCancel(tracked);
          } else {
            index.prune(s.keep);
          }
          const known = [...ids].map((id) => index.get(id)).filter((o) => o !== undefined);
          const live = known.filter((o) => isLive(o.status));
          const idsOf = (orders: readonly { brokerOrderId: string }[]) =>
            orders.map((o) => o.brokerOrderId).sort();
          expect(idsOf(index.live())).toEqual(idsOf(live));
          expect([...index.liveSymbols()].sort()).toEqual([...new Set(live.map((o) => o.symbol))].sort());
          for (const symbol of symbols) {
            expect(idsOf(index.liveFor(symbol))).toEqual(idsOf(live.filter((o) => o.symbol === symbol)));
            for (const position of [5, -5]) {
              const exitSide = position > 0 ? 'sell' : 'buy';
              expect(idsOf(index.liveStops(symbol, position))).toEqual(
                idsOf(live.filter((o) => o.symbol === symbol && o.side === exitSide && o.type === 'stop')),
              );
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
