import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import {
  isTerminalStatus,
  type OrderRecord,
  type OrderStatus,
  type OrderUpdateResult,
} from '../../src/store/order-types.ts';
import type { Store } from '../../src/store/store.ts';
import { countStatements, countsSince, snapshotCounts } from '../support/statement-counter.ts';
import { fill, intent, T0 } from './fixtures/samples.ts';
import { forEachBackend, type TestBackend, tempDir, useGenerousTimeouts } from './harness.ts';

/** A write as the property test generates it. */
type Op =
  | { readonly kind: 'ack'; readonly order: number; readonly broker: number; readonly status: OrderStatus }
  | {
      readonly kind: 'transition';
      readonly order: number;
      readonly to: OrderStatus;
      readonly filledQty?: number;
      readonly expectedStatus?: OrderStatus;
      readonly expectedVersion?: number;
    };

const STATUSES = [
  'new',
  'accepted',
  'partially_filled',
  'filled',
  'canceled',
  'pending_cancel',
  'submit_failed',
];

const opArbitrary = (orders: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('ack' as const),
      order: fc.nat(orders - 1),
      broker: fc.nat(1),
      status: fc.constantFrom<OrderStatus>('new', 'accepted'),
    }),
    fc.record(
      {
        kind: fc.constant('transition' as const),
        order: fc.nat(orders - 1),
        to: fc.constantFrom<OrderStatus>(...(STATUSES as OrderStatus[])),
        filledQty: fc.constantFrom(0, 4, 10),
        expectedStatus: fc.constantFrom<OrderStatus>(...(STATUSES as OrderStatus[])),
        expectedVersion: fc.integer({ min: 1, max: 4 }),
      },
      { requiredKeys: ['kind', 'order', 'to'] },
    ),
  );

/** Applies one generated write to a store. */
function apply(store: Store, prefix: string, op: Op, at: number): Promise<OrderUpdateResult> {
  const id = `${prefix}-${op.order}`;
  if (op.kind === 'ack') {
    return store.orders.recordAck(id, { brokerOrderId: `b-${id}-${op.broker}`, status: op.status, at });
  }
  return store.orders.transition(id, {
    to: op.to,
    at,
    reason: `to ${op.to}`,
    ...(op.filledQty !== undefined ? { filledQty: op.filledQty } : {}),
    ...(op.expectedStatus !== undefined ? { expectedStatus: op.expectedStatus } : {}),
    ...(op.expectedVersion !== undefined ? { expectedVersion: op.expectedVersion } : {}),
  });
}

/** The parts of a result that must not depend on batching (the order without its client id prefix). */
function comparable(result: OrderUpdateResult, prefix: string) {
  const order = result.applied ? result.order : result.current;
  return {
    applied: result.applied,
    reason: result.applied ? null : result.reason,
    order: order === null ? null : strip(order, prefix),
  };
}

function strip(order: OrderRecord, prefix: string) {
  const { clientOrderId, brokerOrderId, intent: _intent, ...rest } = order;
  return {
    ...rest,
    clientOrderId: clientOrderId.slice(prefix.length),
    brokerOrderId: brokerOrderId?.slice(prefix.length + 2) ?? null,
  };
}

/**
 * A model of the one-at-a-time semantics: what each write does to an order, independent of SQL.
 * Versions count stored changes; a write that changes nothing is answered as applied.
 */
function model(ops: readonly Op[], orders: number) {
  const state = Array.from({ length: orders }, () => ({
    status: 'pending_submit' as OrderStatus,
    version: 1,
    broker: null as number | null,
    filledQty: 0,
  }));
  const results = ops.map((op) => {
    const o = state[op.order]!;
    if (op.kind === 'ack') {
      if (o.broker !== null) return o.broker === op.broker ? 'applied' : 'conflict';
      if (isTerminalStatus(o.status) && o.status !== 'submit_failed') return 'terminal';
      o.broker = op.broker;
      o.status = op.status;
      o.version += 1;
      return 'applied';
    }
    if (isTerminalStatus(o.status)) return 'terminal';
    if (
      (op.expectedStatus !== undefined && op.expectedStatus !== o.status) ||
      (op.expectedVersion !== undefined && op.expectedVersion !== o.version)
    ) {
      return 'stale';
    }
    if (op.to === o.status && (op.filledQty === undefined || op.filledQty === o.filledQty)) return 'applied';
    o.status = op.to;
    if (op.filledQty !== undefined) o.filledQty = op.filledQty;
    o.version += 1;
    return 'applied';
  });
  return { state, results };
}

forEachBackend((backend: TestBackend) => {
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  it('records an intent in one statement, and batches acknowledgements and status changes', async () => {
    const store = await backend.freshStore({ groupCommit: { maxDelayMs: 5 } });
    const counter = countStatements(backend.database);
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `cnt-${i}`);
      let before = snapshotCounts(counter.counts);
      for (const id of ids) await store.orders.recordIntent(intent(id), { at: T0 });
      // A repeated intent is answered by the same single statement.
      expect((await store.orders.recordIntent(intent('cnt-0'), { at: T0 + 1 })).created).toBe(false);
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 11, statements: 11 });

      before = snapshotCounts(counter.counts);
      const acks = await Promise.all(
        ids.map((id) => store.orders.recordAck(id, { brokerOrderId: `b-${id}`, at: T0 + 10 })),
      );
      expect(acks.every((a) => a.applied && a.order.status === 'new')).toBe(true);
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 1, statements: 1 });

      before = snapshotCounts(counter.counts);
      const fills = await Promise.all(
        ids.map((id) =>
          store.orders.transition(id, { to: 'filled', filledQty: 10, avgFillPrice: 187.2, at: T0 + 20 }),
        ),
      );
      expect(fills.every((f) => f.applied && f.order.status === 'filled' && f.order.version === 3)).toBe(
        true,
      );
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 1, statements: 1 });

      // Writes that change nothing, or that a terminal order refuses, skip the database.
      before = snapshotCounts(counter.counts);
      expect(await store.orders.recordAck('cnt-1', { brokerOrderId: 'b-cnt-1', at: T0 + 30 })).toMatchObject({
        applied: true,
        order: { version: 3 },
      });
      expect(await store.orders.transition('cnt-2', { to: 'canceled', at: T0 + 30 })).toMatchObject({
        applied: false,
        reason: 'terminal',
      });
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 0, statements: 0 });

      // Several writes of one order in a batch: one transaction, one statement per round.
      await store.orders.recordIntent(intent('cnt-x'), { at: T0 });
      before = snapshotCounts(counter.counts);
      const [ack, partial, done] = await Promise.all([
        store.orders.recordAck('cnt-x', { brokerOrderId: 'b-x', at: T0 + 1 }),
        store.orders.transition('cnt-x', { to: 'partially_filled', filledQty: 4, at: T0 + 2 }),
        store.orders.transition('cnt-x', { to: 'filled', filledQty: 10, at: T0 + 3 }),
      ]);
      expect([ack.applied, partial.applied, done.applied]).toEqual([true, true, true]);
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 1, statements: 5 });
      expect((await store.orders.history('cnt-x')).map((h) => [h.from, h.to, h.filledQty])).toEqual([
        [null, 'pending_submit', 0],
        ['pending_submit', 'new', 0],
        ['new', 'partially_filled', 4],
        ['partially_filled', 'filled', 10],
      ]);
    } finally {
      counter.restore();
      await store.close();
    }
  });

  it('records concurrent fills in one statement, each execution id once', async () => {
    const store = await backend.freshStore({ groupCommit: { maxDelayMs: 5 } });
    const counter = countStatements(backend.database);
    try {
      await store.fills.record(fill('e-0', { clientOrderId: 'f-0' }));
      const before = snapshotCounts(counter.counts);
      const results = await Promise.all([
        store.fills.record(fill('e-1', { clientOrderId: 'f-1' })),
        store.fills.record(fill('e-0', { clientOrderId: 'f-0' })),
        store.fills.record(fill('e-2', { clientOrderId: 'f-2', qty: 3 })),
        store.fills.record(fill('e-1', { clientOrderId: 'f-1' })),
      ]);
      expect(countsSince(before, counter.counts)).toMatchObject({ transactions: 1, statements: 1 });
      expect(results.map((r) => r.inserted)).toEqual([true, false, true, false]);
      expect(results[3]!.seq).toBe(results[0]!.seq);
      expect((await store.fills.list()).map((f) => [f.executionId, f.seq])).toEqual([
        ['e-0', results[1]!.seq],
        ['e-1', results[0]!.seq],
        ['e-2', results[2]!.seq],
      ]);
      // A fill the database refuses fails alone; the others of its batch are recorded.
      const [bad, good] = await Promise.allSettled([
        store.fills.record(fill('e-3', { price: -1 })),
        store.fills.record(fill('e-4')),
      ]);
      expect(bad.status).toBe('rejected');
      expect(good).toMatchObject({ status: 'fulfilled', value: { inserted: true } });
    } finally {
      counter.restore();
      await store.close();
    }
  });

  it('skips a status write that changes nothing, after a restart too', async () => {
    const store = await backend.freshStore({ groupCommit: { maxDelayMs: 1 } });
    try {
      await store.orders.recordIntent(intent('same-1'), { at: T0 });
      await store.orders.recordAck('same-1', { brokerOrderId: 'b-same-1', status: 'accepted', at: T0 + 1 });
      await store.orders.transition('same-1', { to: 'partially_filled', filledQty: 4, at: T0 + 2 });
      // A second repository instance knows nothing yet: the statement itself finds nothing to change.
      const again = await backend.freshStore({ schema: store.schema });
      try {
        const counter = countStatements(backend.database);
        try {
          const result = await again.orders.transition('same-1', {
            to: 'partially_filled',
            filledQty: 4,
            at: T0 + 3,
          });
          expect(result).toMatchObject({ applied: true, order: { version: 3, filledQty: 4 } });
          expect(counter.counts.statements).toBe(1);
          // Now it knows the order: the same write again costs nothing.
          await again.orders.transition('same-1', { to: 'partially_filled', filledQty: 4, at: T0 + 4 });
          expect(counter.counts.statements).toBe(1);
        } finally {
          counter.restore();
        }
      } finally {
        await again.close();
      }
      expect(await store.orders.history('same-1')).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('asks the database again once the remembered states are forgotten (a change of leader)', async () => {
    const store = await backend.freshStore({ groupCommit: { maxDelayMs: 1 } });
    try {
      await store.orders.recordIntent(intent('lead-1'), { at: T0 });
      await store.orders.recordAck('lead-1', { brokerOrderId: 'b-lead-1', status: 'accepted', at: T0 + 1 });
      await store.orders.transition('lead-1', { to: 'partially_filled', filledQty: 4, at: T0 + 2 });
      // Another instance leads for a while and finishes the order.
      const other = await backend.freshStore({ schema: store.schema });
      try {
        const done = await other.orders.transition('lead-1', { to: 'filled', filledQty: 10, at: T0 + 3 });
        expect(done.applied).toBe(true);
      } finally {
        await other.close();
      }
      // Back in the lead, this instance must not answer from what it remembered of the order.
      store.orders.forgetKnown();
      const stale = await store.orders.transition('lead-1', {
        to: 'partially_filled',
        filledQty: 4,
        at: T0 + 4,
      });
      expect(stale).toMatchObject({
        applied: false,
        reason: 'terminal',
        current: { status: 'filled', filledQty: 10 },
      });
    } finally {
      await store.close();
    }
  });

  it('ends concurrent acknowledgements and status changes where applying them one by one does', async () => {
    const batched = await backend.freshStore({ groupCommit: { maxDelayMs: 2, maxItems: 7 } });
    const serial = await backend.freshStore({ groupCommit: { maxDelayMs: 0 } });
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc
            .integer({ min: 1, max: 6 })
            .chain((orders) =>
              fc.tuple(fc.constant(orders), fc.array(opArbitrary(orders), { minLength: 1, maxLength: 30 })),
            ),
          async ([orders, ops]) => {
            run += 1;
            const prefix = `p${run}`;
            for (const store of [batched, serial]) {
              for (let o = 0; o < orders; o++) {
                await store.orders.recordIntent(intent(`${prefix}-${o}`), { at: T0 });
              }
            }
            // All at once (batched, in the order made) against one at a time.
            const together = await Promise.all(ops.map((op, i) => apply(batched, prefix, op, T0 + i + 1)));
            const oneByOne: OrderUpdateResult[] = [];
            for (const [i, op] of ops.entries()) oneByOne.push(await apply(serial, prefix, op, T0 + i + 1));
            expect(together.map((r) => comparable(r, prefix))).toEqual(
              oneByOne.map((r) => comparable(r, prefix)),
            );
            const expected = model(ops, orders);
            expect(together.map((r) => (r.applied ? 'applied' : r.reason))).toEqual(expected.results);
            for (let o = 0; o < orders; o++) {
              const id = `${prefix}-${o}`;
              const [a, b] = await Promise.all([batched.orders.get(id), serial.orders.get(id)]);
              expect(strip(a!, prefix)).toEqual(strip(b!, prefix));
              const m = expected.state[o]!;
              expect(a).toMatchObject({ status: m.status, version: m.version, filledQty: m.filledQty });
              expect(await batched.orders.history(id)).toEqual(await serial.orders.history(id));
            }
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await batched.close();
      await serial.close();
    }
  });
});

describe('order writes in a data directory', () => {
  useGenerousTimeouts();
  it('keeps every acknowledged write across a restart, and close commits what is queued', async () => {
    const dir = tempDir();
    const dataDir = `${dir.path}/data`;
    try {
      const first = await openStore({ dataDir, groupCommit: { maxDelayMs: 50 } });
      const ids = Array.from({ length: 8 }, (_, i) => `dur-${i}`);
      for (const id of ids) await first.orders.recordIntent(intent(id), { at: T0 });
      const acked = await Promise.all(
        ids.map((id) => first.orders.recordAck(id, { brokerOrderId: `b-${id}`, at: T0 + 1 })),
      );
      expect(acked.every((a) => a.applied)).toBe(true);
      // Queued, not awaited: closing the store commits them.
      const queued = ids.map((id) =>
        first.orders.transition(id, { to: 'filled', filledQty: 10, at: T0 + 2 }),
      );
      expect(first.orders.writeStats.batches).toBeGreaterThan(0);
      await first.close();
      expect((await Promise.all(queued)).every((r) => r.applied)).toBe(true);
      await expect(
        first.orders.transition('dur-other', { to: 'canceled', at: T0 + 3 }),
      ).rejects.toMatchObject({
        code: 'STORE_CLOSED',
      });

      const second = await openStore({ dataDir });
      try {
        for (const id of ids) {
          expect(await second.orders.get(id)).toMatchObject({
            status: 'filled',
            brokerOrderId: `b-${id}`,
            filledQty: 10,
            version: 3,
          });
        }
      } finally {
        await second.close();
      }
    } finally {
      dir.cleanup();
    }
  });
});
