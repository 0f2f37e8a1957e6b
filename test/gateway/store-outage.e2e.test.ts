import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { openStore } from '../../src/store/open-store.ts';
import {
  call,
  freshDatabase as freshDatabaseOn,
  type GatewayProcess,
  type Key,
  killHard,
  spawnGateway,
  stopGateway,
} from '../support/gateway-process.ts';
import { findPostgresBinaries, type PgCluster, startPgCluster } from '../support/pg-cluster.ts';
import { eventually, TEST_PROFILE } from './harness.ts';

// A PostgreSQL cluster this file starts on its own port, so it can stop and start it, and the
// gateway as a child process, so SIGKILL is real. Without PostgreSQL binaries the file is
// skipped with the reason printed, except in CI, where it must run.
const binaries = findPostgresBinaries();
if ('missing' in binaries) {
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true but PostgreSQL cannot be started for the store-outage tests: ${binaries.missing}`,
    );
  }
  console.warn(`skipping the store-outage tests: ${binaries.missing} (install PostgreSQL server binaries)`);
}

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

let cluster: PgCluster;
let dir: string;
let profilePath: string;
const children: ChildProcess[] = [];

/** `riskgate serve` on `database`, resolved once it listens, with `ready` once it is ready. */
async function startGateway(
  sim: SimExchange,
  database: string,
  dataDir: string,
): Promise<GatewayProcess & { readonly ready: Promise<void> }> {
  const gateway = await spawnGateway({
    sim,
    databaseUrl: cluster.url(database),
    dataDir,
    profilePath,
    // One instance riding through store outages: a stable id (a restart takes its lease back at
    // once) and a lease longer than the outages, so exits keep flowing while it lasts.
    instanceId: 'outage-gateway',
    leaseTtlMs: 600_000,
    extraArgs: ['--stop-grace-ms', '600000'],
  });
  children.push(gateway.process);
  const ready = gateway.waitFor(/riskgate gateway ready at (http:\/\/\S+)/).then(() => undefined);
  ready.catch(() => undefined);
  return { ...gateway, ready };
}

/** A fresh database in the cluster with a migrated store and a trader and a risk-officer key. */
async function freshDatabase(name: string): Promise<{ trader: Key; officer: Key }> {
  return freshDatabaseOn(cluster.url(), name);
}

async function startSim(): Promise<SimExchange> {
  const sim = await SimExchange.start({ clock: { mode: 'real' } });
  sim.setQuote('AAPL', 100, 100.02);
  sim.setQuote('MSFT', 400, 400.04);
  return sim;
}

describe.skipIf('missing' in binaries)('the gateway while its PostgreSQL server is down', () => {
  beforeAll(async () => {
    if ('missing' in binaries) return;
    cluster = await startPgCluster(binaries.dir);
    dir = mkdtempSync(join(tmpdir(), 'riskgate-outage-'));
    profilePath = join(dir, 'profile.yaml');
    writeFileSync(profilePath, TEST_PROFILE);
  });
  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    cluster?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a kill switch pulled while the store was stopped across a SIGKILL and a restart', async () => {
    const { trader } = await freshDatabase('killtest');
    const sim = await startSim();
    const dataDir = join(dir, 'kill');
    try {
      const first = await startGateway(sim, 'killtest', dataDir);
      await first.ready;
      expect((await call(first.url, 'GET', '/v1/state', trader)).body.tradingState.state).toBe('active');

      cluster.stop();
      const kill = await call(first.url, 'POST', '/v1/kill', trader, { reason: 'store is down' });
      expect(kill.status).toBe(200);
      expect(kill.body.state.state).toBe('halted');
      // The answer says where the halt is recorded: in the local journal, not (yet) in the store.
      expect(kill.body.durable).toEqual({ journal: true, store: false });
      const ready = await call(first.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/store/);
      expect(ready.body.reason).not.toBe('ready');

      await killHard(first);
      cluster.start();

      const second = await startGateway(sim, 'killtest', dataDir);
      await second.ready;
      const state = await call(second.url, 'GET', '/v1/state', trader);
      expect(state.body.tradingState).toMatchObject({ state: 'halted', code: 'KILL_SWITCH' });
      const entry = await call(second.url, 'POST', '/v2/orders', trader, {
        symbol: 'AAPL',
        qty: '1',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
      });
      expect(entry.status).toBe(403);
      expect(entry.body.message).toMatch(/TRADING_HALTED/);
      // The store was brought up to date with the journal's halt.
      const store = await openStore({ databaseUrl: cluster.url('killtest'), maxConnections: 1 });
      expect((await store.riskState.load()).tradingState.state).toBe('halted');
      await store.close();
      await stopGateway(second);
    } finally {
      cluster.ensureRunning();
      await sim.close();
    }
  });

  it('lets exits and cancels through while the store is stopped, refuses entries, and writes the exit to the store when it is back', async () => {
    const { trader } = await freshDatabase('exittest');
    const sim = await startSim();
    try {
      const gateway = await startGateway(sim, 'exittest', join(dir, 'exit'));
      await gateway.ready;
      const entry = await call(gateway.url, 'POST', '/v2/orders', trader, {
        symbol: 'AAPL',
        qty: '10',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        client_order_id: 'entry-aapl',
      });
      expect(entry.status).toBe(200);
      const working = await call(gateway.url, 'POST', '/v2/orders', trader, {
        symbol: 'MSFT',
        qty: '1',
        side: 'buy',
        type: 'limit',
        limit_price: '300',
        time_in_force: 'gtc',
        client_order_id: 'working-msft',
      });
      expect(working.status).toBe(200);
      sim.setQuote('AAPL', 100, 100.02); // the exchange matches on a quote
      await eventually(async () => {
        const positions = await call(gateway.url, 'GET', '/v2/positions', trader);
        return positions.body.some?.(
          (p: { symbol: string; qty: string }) => p.symbol === 'AAPL' && p.qty === '10',
        );
      }, 'the AAPL position');
      const open = await call(gateway.url, 'GET', '/v2/orders?status=open&nested=true', trader);
      // The stop protecting AAPL holds the shares; the bot frees them before it sells.
      const stops = (open.body as { symbol: string; type: string; id: string }[]).filter(
        (o) => o.symbol === 'AAPL' && o.type === 'stop',
      );
      const legs = (
        open.body as { legs: { symbol: string; type: string; id: string; status: string }[] | null }[]
      )
        .flatMap((o) => o.legs ?? [])
        .filter((l) => l.symbol === 'AAPL' && l.type === 'stop');
      const stopIds = [...stops, ...legs].map((o) => o.id);
      expect(stopIds.length).toBeGreaterThan(0);

      cluster.stop();
      const denied = await call(gateway.url, 'POST', '/v2/orders', trader, {
        symbol: 'MSFT',
        qty: '1',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
      });
      expect(denied.status).toBeGreaterThanOrEqual(403);
      expect(denied.body.message).toMatch(/STORE_UNAVAILABLE/);

      expect((await call(gateway.url, 'DELETE', `/v2/orders/${working.body.id}`, trader)).status).toBe(204);
      for (const id of stopIds)
        expect((await call(gateway.url, 'DELETE', `/v2/orders/${id}`, trader)).status).toBe(204);
      await eventually(async () => {
        const still = await call(gateway.url, 'GET', '/v2/orders?status=open', trader);
        return (still.body as { id: string }[]).every((o) => !stopIds.includes(o.id));
      }, 'the stop cancelled');
      const exit = await call(gateway.url, 'POST', '/v2/orders', trader, {
        symbol: 'AAPL',
        qty: '10',
        side: 'sell',
        type: 'market',
        time_in_force: 'day',
        client_order_id: 'exit-during-outage',
      });
      expect(exit.status).toBe(200);
      expect(exit.body.client_order_id).toBe('exit-during-outage');
      sim.setQuote('AAPL', 100, 100.02);
      await eventually(async () => {
        const positions = await call(gateway.url, 'GET', '/v2/positions', trader);
        return (
          Array.isArray(positions.body) &&
          !positions.body.some((p: { symbol: string }) => p.symbol === 'AAPL')
        );
      }, 'the AAPL position closed at the exchange');
      const state = await call(gateway.url, 'GET', '/v1/state', trader);
      expect(state.body.health.durability.orderRecordsPending).toBeGreaterThan(0);

      cluster.start();
      const store = await openStore({ databaseUrl: cluster.url('exittest'), maxConnections: 1 });
      try {
        const stored = await eventually(
          async () => {
            const order = await store.orders.get('exit-during-outage');
            return order?.status === 'filled' ? order : undefined;
          },
          'the exit written to the store',
          60_000,
        );
        expect(stored.brokerOrderId).toBe(exit.body.id);
        expect(stored.side).toBe('sell');
      } finally {
        await store.close();
      }
      await eventually(
        async () => (await call(gateway.url, 'GET', '/readyz')).status === 200,
        'ready again',
        60_000,
      );
      await stopGateway(gateway);
    } finally {
      cluster.ensureRunning();
      await sim.close();
    }
  });

  it('starts while the store is stopped: /healthz 200, other routes 503 with the reason, ready once the store is up', async () => {
    const { trader } = await freshDatabase('starttest');
    const sim = await startSim();
    try {
      cluster.stop();
      const gateway = await startGateway(sim, 'starttest', join(dir, 'start'));
      expect((await call(gateway.url, 'GET', '/healthz')).status).toBe(200);
      const account = await call(gateway.url, 'GET', '/v2/account', trader);
      expect(account.status).toBe(503);
      expect(account.body.message).toMatch(/store/);
      const ready = await call(gateway.url, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/waiting for the store/);

      cluster.start();
      await gateway.ready;
      expect((await call(gateway.url, 'GET', '/readyz')).status).toBe(200);
      expect((await call(gateway.url, 'GET', '/v2/account', trader)).status).toBe(200);
      await stopGateway(gateway);
    } finally {
      cluster.ensureRunning();
      await sim.close();
    }
  });
});
