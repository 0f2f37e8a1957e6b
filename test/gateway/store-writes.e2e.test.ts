import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { serverUrl } from '../store/harness.ts';
import { dropDatabase } from '../support/gateway-process.ts';
import { countStatements, countsSince, snapshotCounts } from '../support/statement-counter.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/** Bracket orders each run submits. */
const ORDERS = 20;

let rig: Rig | undefined;
let database: string | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  if (database !== undefined) await dropDatabase(serverUrl()!, database);
  database = undefined;
});

async function freshServerDatabase(url: string): Promise<string> {
  const pg = (await import('pg')).default;
  const name = `rg_store_writes_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  database = name;
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Submits bracket entries through the gateway, lets the simulated exchange fill them, waits until
 * every fill is recorded, and returns the transactions and statements the order path cost the
 * store per order (intent, acknowledgement, status changes, fills, audit).
 */
async function perOrder(r: Rig) {
  const store = r.gateway.store;
  const counter = countStatements(store.database);
  // The polls below read the orders table once each: they are subtracted.
  let polls = 0;
  try {
    const before = snapshotCounts(counter.counts);
    const batchesBefore = store.orders.writeStats;
    const ids = Array.from({ length: ORDERS }, (_, i) => `sw-${i}`);
    await Promise.all(
      ids.map(async (id) => {
        const reply = await r.http('POST', '/v2/orders', {
          symbol: 'AAPL',
          qty: '1',
          side: 'buy',
          type: 'limit',
          limit_price: '100.5',
          time_in_force: 'gtc',
          order_class: 'bracket',
          take_profit: { limit_price: '110' },
          stop_loss: { stop_price: '95' },
          client_order_id: id,
        });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      }),
    );
    r.sim.setQuote('AAPL', 100, 100.02); // fills the entries
    await eventually(async () => {
      polls += 1;
      const orders = await store.orders.list({ limit: 1000 });
      const ours = orders.filter((o) => ids.includes(o.clientOrderId));
      return ours.length === ORDERS && ours.every((o) => o.status === 'filled' && o.brokerOrderId !== null);
    }, 'every entry filled in the store');
    await eventually(async () => {
      polls += 1;
      const fills = await store.fills.list({ limit: 10_000 });
      return fills.filter((f) => ids.includes(f.clientOrderId ?? '')).length === ORDERS;
    }, 'every fill recorded');
    await store.flush();
    const spent = countsSince(before, counter.counts);
    const batches = store.orders.writeStats;
    return {
      orders: ORDERS,
      txPerOrder: (spent.orderTransactions - polls) / ORDERS,
      statementsPerOrder: (spent.orderStatements - polls) / ORDERS,
      allTxPerOrder: (spent.transactions - polls) / ORDERS,
      allStatementsPerOrder: (spent.statements - polls) / ORDERS,
      orderWriteBatches: batches.batches - batchesBefore.batches,
      orderWrites: batches.items - batchesBefore.items,
    };
  } finally {
    counter.restore();
  }
}

/**
 * One statement for the intent, and at most one statement each for the order's acknowledgement,
 * its status change, its fill and its audit event, however they were batched (batch sizes depend
 * on timing, so only this bound is asserted; one-at-a-time transactions took about 16).
 */
function expectBatchedWrites(figures: { txPerOrder: number; statementsPerOrder: number }): void {
  expect(figures.statementsPerOrder).toBeLessThanOrEqual(5.5);
  expect(figures.txPerOrder).toBeLessThanOrEqual(figures.statementsPerOrder);
}

describe('store writes per order through the gateway', () => {
  it('on the embedded store (PGlite)', async () => {
    rig = await startRig();
    const figures = await perOrder(rig);
    console.log(JSON.stringify({ store: 'pglite', ...figures }));
    expectBatchedWrites(figures);
  }, 120_000);

  it.skipIf(serverUrl() === undefined)(
    'on a PostgreSQL server',
    async () => {
      const url = await freshServerDatabase(serverUrl()!);
      // A long lease: renewals slowed by a busy machine must not take the lead away mid-run.
      rig = await startRig({ flags: { databaseUrl: url, leaseTtlMs: '60000' } });
      await eventually(async () => (await rig!.http('GET', '/readyz')).status === 200, 'the lead');
      const figures = await perOrder(rig);
      console.log(JSON.stringify({ store: 'postgres', ...figures }));
      expectBatchedWrites(figures);
    },
    120_000,
  );
});
