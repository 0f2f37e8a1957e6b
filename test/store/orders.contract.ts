import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_KINDS } from '../../src/store/audit-types.ts';
import { CLOSE_REASONS, ORDER_STATUSES, TERMINAL_ORDER_STATUSES } from '../../src/store/order-types.ts';
import type { Store } from '../../src/store/store.ts';
import { fill, intent, T0 } from './fixtures/samples.ts';
import type { TestBackend } from './harness.ts';

/** Orders, fills and positions: the behaviour every store backend must have. */
export function ordersContract(backend: TestBackend): void {
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
    const store = await backend.freshStore();
    try {
      await run(store);
    } finally {
      await store.close();
    }
  }

  it('records an intent before the broker call, once per client order id', () =>
    withStore(async (store) => {
      const first = await store.orders.recordIntent(intent('c-1'), { at: T0 });
      expect(first.created).toBe(true);
      expect(first.order).toMatchObject({
        clientOrderId: 'c-1',
        status: 'pending_submit',
        brokerOrderId: null,
        qty: 10,
        version: 1,
        createdAt: T0,
      });
      expect(first.order.intent).toEqual(intent('c-1'));
      const again = await store.orders.recordIntent(intent('c-1', { qty: 99 }), { at: T0 + 5 });
      expect(again.created).toBe(false);
      expect(again.order.qty).toBe(10); // the first intent stays; the caller sees the mismatch
      expect(await store.orders.list()).toHaveLength(1);
    }));

  it('records the broker acknowledgement with bracket leg ids, idempotently', () =>
    withStore(async (store) => {
      await store.orders.recordIntent(intent('c-2'), { at: T0 });
      const ack = { brokerOrderId: 'b-2', legs: { stopLoss: 'b-2-sl', takeProfit: 'b-2-tp' }, at: T0 + 20 };
      const applied = await store.orders.recordAck('c-2', ack);
      expect(applied).toMatchObject({
        applied: true,
        order: { status: 'new', brokerOrderId: 'b-2', ackedAt: T0 + 20, version: 2 },
      });
      if (applied.applied) expect(applied.order.legs).toEqual({ stopLoss: 'b-2-sl', takeProfit: 'b-2-tp' });
      expect(await store.orders.recordAck('c-2', ack)).toMatchObject({
        applied: true,
        order: { version: 2 },
      });
      expect(await store.orders.recordAck('c-2', { ...ack, brokerOrderId: 'other' })).toMatchObject({
        applied: false,
        reason: 'conflict',
      });
      expect((await store.orders.getByBrokerId('b-2'))?.clientOrderId).toBe('c-2');
      expect(await store.orders.recordAck('nope', ack)).toEqual({
        applied: false,
        reason: 'not-found',
        current: null,
      });
    }));

  it('moves orders through statuses with history and optimistic checks', () =>
    withStore(async (store) => {
      await store.orders.recordIntent(intent('c-3'), { at: T0 });
      await store.orders.recordAck('c-3', { brokerOrderId: 'b-3', at: T0 + 1 });
      const partial = await store.orders.transition('c-3', {
        to: 'partially_filled',
        expectedStatus: 'new',
        filledQty: 4,
        avgFillPrice: 187.2,
        at: T0 + 2,
      });
      expect(partial).toMatchObject({
        applied: true,
        order: { status: 'partially_filled', filledQty: 4, version: 3 },
      });
      const stale = await store.orders.transition('c-3', { to: 'canceled', expectedVersion: 2, at: T0 + 3 });
      expect(stale).toMatchObject({ applied: false, reason: 'stale', current: { version: 3 } });
      const filled = await store.orders.transition('c-3', {
        to: 'filled',
        expectedVersion: 3,
        filledQty: 10,
        avgFillPrice: 187.22,
        at: T0 + 4,
      });
      expect(filled).toMatchObject({ applied: true, order: { status: 'filled', avgFillPrice: 187.22 } });
      expect(await store.orders.transition('c-3', { to: 'canceled', at: T0 + 5 })).toMatchObject({
        applied: false,
        reason: 'terminal',
      });
      const history = await store.orders.history('c-3');
      expect(history.map((h) => [h.from, h.to])).toEqual([
        [null, 'pending_submit'],
        ['pending_submit', 'new'],
        ['new', 'partially_filled'],
        ['partially_filled', 'filled'],
      ]);
      expect(history.at(-1)).toMatchObject({ filledQty: 10, at: T0 + 4 });
    }));

  it('lets exactly one of two concurrent conflicting updates win', () =>
    withStore(async (store) => {
      await store.orders.recordIntent(intent('c-4'), { at: T0 });
      await store.orders.recordAck('c-4', { brokerOrderId: 'b-4', at: T0 });
      const [a, b] = await Promise.all([
        store.orders.transition('c-4', { to: 'canceled', expectedStatus: 'new', at: T0 + 1 }),
        store.orders.transition('c-4', { to: 'filled', expectedStatus: 'new', filledQty: 10, at: T0 + 1 }),
      ]);
      expect([a.applied, b.applied].filter(Boolean)).toHaveLength(1);
      expect(await store.orders.history('c-4')).toHaveLength(3);
    }));

  it('lists working orders, including unacknowledged intents, and not terminal ones', () =>
    withStore(async (store) => {
      for (const [i, id] of ['w-1', 'w-2', 'w-3', 'w-4'].entries()) {
        await store.orders.recordIntent(intent(id), { at: T0 + i });
      }
      await store.orders.recordAck('w-2', { brokerOrderId: 'b-w2', at: T0 + 10 });
      await store.orders.recordAck('w-3', { brokerOrderId: 'b-w3', status: 'accepted', at: T0 + 10 });
      await store.orders.transition('w-3', { to: 'canceled', at: T0 + 11 });
      await store.orders.transition('w-4', { to: 'submit_failed', reason: 'HTTP 422', at: T0 + 11 });
      const working = await store.orders.listWorking();
      expect(working.map((o) => [o.clientOrderId, o.status])).toEqual([
        ['w-1', 'pending_submit'],
        ['w-2', 'new'],
      ]);
      expect(TERMINAL_ORDER_STATUSES).toContain('submit_failed');
    }));

  it('keeps the close reason of an exit', () =>
    withStore(async (store) => {
      const exit = intent('x-1', { side: 'sell', type: 'market' });
      const { order } = await store.orders.recordIntent(exit, {
        at: T0,
        closeReason: 'STOP_LOSS_HIT',
        parentClientOrderId: 'c-1',
      });
      expect(order).toMatchObject({ closeReason: 'STOP_LOSS_HIT', parentClientOrderId: 'c-1', side: 'sell' });
      const done = await store.orders.transition('x-1', {
        to: 'filled',
        closeReason: 'FALLBACK_STOP',
        at: T0 + 1,
      });
      expect(done).toMatchObject({ applied: true, order: { closeReason: 'FALLBACK_STOP' } });
    }));

  it('stores a fill once per execution id and reports whether it is new', () =>
    withStore(async (store) => {
      const f = fill('e-1', { qty: 0.001, price: 64_123.4567, commission: 0.0001, clientOrderId: 'c-1' });
      const first = await store.fills.record(f);
      const again = await store.fills.record({ ...f, qty: 5 });
      expect(first.inserted).toBe(true);
      expect(again).toEqual({ inserted: false, seq: first.seq });
      expect(await store.fills.get('e-1')).toEqual({ ...f, seq: first.seq });
      const concurrent = await Promise.all(Array.from({ length: 8 }, () => store.fills.record(fill('e-2'))));
      expect(concurrent.filter((r) => r.inserted)).toHaveLength(1);
      expect(new Set(concurrent.map((r) => r.seq)).size).toBe(1);
      expect(await store.fills.list()).toHaveLength(2);
    }));

  it('totals the recorded fills of each order, for comparing with the broker', () =>
    withStore(async (store) => {
      expect(await store.fills.totalsByOrder([])).toEqual(new Map());
      await store.fills.record(fill('t-1', { qty: 4, price: 100, clientOrderId: 'o-1' }));
      await store.fills.record(fill('t-2', { qty: 6, price: 101.5, clientOrderId: 'o-1' }));
      await store.fills.record(fill('t-3', { qty: 2, price: 50, clientOrderId: 'o-2' }));
      await store.fills.record(fill('t-4', { qty: 9, price: 1 }));
      const totals = await store.fills.totalsByOrder(['o-1', 'o-2', 'o-3', 'o-1']);
      expect([...totals.keys()].sort()).toEqual(['o-1', 'o-2']);
      expect(totals.get('o-1')?.qty).toBe(10);
      expect(totals.get('o-1')?.value).toBeCloseTo(1009, 9);
      expect(totals.get('o-2')).toEqual({ qty: 2, value: 100 });
    }));

  it('rebuilds positions from fills, and from a snapshot plus later fills', () =>
    withStore(async (store) => {
      expect((await store.positions.current()).positions).toEqual([]);
      await store.fills.record(fill('p-1', { qty: 10, price: 100 }));
      await store.fills.record(fill('p-2', { qty: 10, price: 110 }));
      await store.fills.record(fill('p-3', { symbol: 'MSFT', side: 'sell', qty: 5, price: 400 }));
      const fromFills = await store.positions.current();
      expect(fromFills.snapshot).toBeNull();
      expect(fromFills.positions).toEqual([
        { symbol: 'AAPL', qty: 20, avgPrice: 105 },
        { symbol: 'MSFT', qty: -5, avgPrice: 400 },
      ]);
      const snap = await store.positions.saveSnapshot(fromFills.positions, { at: T0, source: 'engine' });
      expect(snap.throughFillSeq).toBe(fromFills.throughFillSeq);
      await store.fills.record(fill('p-4', { side: 'sell', qty: 20, price: 120 }));
      await store.fills.record(fill('p-5', { symbol: 'NVDA', qty: 3, price: 900.5 }));
      const rebuilt = await store.positions.current();
      expect(rebuilt.snapshot?.id).toBe(snap.id);
      expect(rebuilt.fillsReplayed).toBe(2);
      expect(rebuilt.positions).toEqual([
        { symbol: 'MSFT', qty: -5, avgPrice: 400 },
        { symbol: 'NVDA', qty: 3, avgPrice: 900.5 },
      ]);
    }));

  it('accepts every status, close reason and audit kind the types list (schema and code agree)', () =>
    withStore(async (store) => {
      for (const [i, status] of ORDER_STATUSES.entries()) {
        await store.orders.recordIntent(intent(`s-${i}`), { at: T0 });
        const result = await store.orders.transition(`s-${i}`, {
          to: status,
          closeReason: CLOSE_REASONS[i % CLOSE_REASONS.length]!,
          at: T0 + 1,
        });
        expect(result.applied).toBe(true);
      }
      for (const kind of AUDIT_KINDS) await store.audit.append({ at: T0, kind, actor: 'test' });
      expect(await store.audit.query({})).toHaveLength(AUDIT_KINDS.length);
      const working = await store.orders.listWorking();
      expect(working).toHaveLength(ORDER_STATUSES.length - TERMINAL_ORDER_STATUSES.length);
    }));
}
