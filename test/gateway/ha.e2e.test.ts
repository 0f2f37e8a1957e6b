import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import {
  call,
  dropDatabase,
  freshDatabase,
  type GatewayProcess,
  type Key,
  killHard,
  spawnGateway,
  stopGateway,
} from '../support/gateway-process.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { eventually } from './harness.ts';

// Several `riskgate serve` processes on one PostgreSQL database, the way operators run a leader
// and standbys. The server is required in CI; elsewhere the file is skipped with the reason.
const serverUrl = process.env.DATABASE_URL;
if (serverUrl === undefined || serverUrl === '') {
  if (process.env.CI === 'true')
    throw new Error('CI=true but DATABASE_URL is not set: the leadership tests need PostgreSQL');
  console.warn('skipping the leadership tests: DATABASE_URL is not set (a PostgreSQL server is needed)');
}

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 6000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
`;

const TTL_MS = 2_000;
let dir: string;
let profilePath: string;
const started: GatewayProcess[] = [];
const databases: string[] = [];

/**
 * The checks here poll client reads every 25 ms, which would spend the broker budget's client
 * share (100 a minute) in seconds and then wait for the rolling minute, past the checks' own
 * timeouts: lifted, as the in-process rigs do; the budget has tests of its own.
 */
const LIFTED_BROKER_BUDGET = ['--broker-rate-limit', '100000'];

async function cluster(name: string, count: number) {
  const db = await freshDatabase(serverUrl!, name);
  databases.push(name);
  const sim = await SimExchange.start({ clock: { mode: 'real' } });
  sim.setQuote('AAPL', 100, 100.02);
  sim.setQuote('MSFT', 400, 400.04);
  const gateways: GatewayProcess[] = [];
  for (let i = 0; i < count; i++) {
    const g = await spawnGateway({
      sim,
      databaseUrl: db.url,
      dataDir: join(dir, `${name}-${i}`),
      profilePath,
      instanceId: `${name}-${i}`,
      leaseTtlMs: TTL_MS,
      extraArgs: LIFTED_BROKER_BUDGET,
    });
    started.push(g);
    gateways.push(g);
    // The first leads; the others wait as standbys.
    await g.waitFor(
      i === 0 ? /riskgate gateway ready at (http\S+)/ : /riskgate gateway standby at (http\S+)/,
    );
  }
  return { sim, gateways, trader: db.trader, officer: db.officer };
}

const order = (clientOrderId: string, qty = 55) => ({
  symbol: 'AAPL',
  qty: String(qty),
  side: 'buy',
  type: 'market',
  time_in_force: 'day',
  client_order_id: clientOrderId,
});

async function leaderOf(gateways: readonly GatewayProcess[], key: Key): Promise<GatewayProcess> {
  return eventually(
    async () => {
      const ready = await Promise.all(
        gateways.map(async (g) =>
          g.process.exitCode === null && g.process.signalCode === null
            ? (await call(g.url, 'GET', '/readyz', key).catch(() => ({ status: 0 }))).status === 200
            : false,
        ),
      );
      const leaders = gateways.filter((_, i) => ready[i]);
      return leaders.length === 1 ? leaders[0] : undefined;
    },
    'exactly one instance ready',
    30_000,
  );
}

/** True when every open position has exactly one live stop at the broker covering all of it. */
async function everyPositionProtected(url: string, key: Key): Promise<boolean> {
  const positions = await call(url, 'GET', '/v2/positions', key);
  const open = await call(url, 'GET', '/v2/orders?status=open&nested=true', key);
  type Leg = { symbol: string; type: string; qty: string };
  const orders = open.body as (Leg & { legs: Leg[] | null })[];
  return (positions.body as { symbol: string; qty: string }[]).every((p) => {
    const stops = [
      ...orders.filter((o) => o.symbol === p.symbol && o.type === 'stop'),
      ...orders
        .filter((o) => o.symbol === p.symbol)
        .flatMap((o) => (o.legs ?? []).filter((l) => l.type === 'stop')),
    ];
    return stops.length === 1 && Number(stops[0]!.qty) === Math.abs(Number(p.qty));
  });
}

describe.skipIf(serverUrl === undefined || serverUrl === '')('several gateways on one database', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'riskgate-ha-'));
    profilePath = join(dir, 'profile.yaml');
    writeFileSync(profilePath, PROFILE);
  });
  afterAll(async () => {
    for (const g of started) await killHard(g);
    for (const name of databases) await dropDatabase(serverUrl!, name).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets only the leader accept orders, so concurrent orders to every instance never pass a limit, and a kill on a standby halts the leader', async () => {
    const { sim, gateways, trader, officer } = await cluster('rg_ha_limits', 2);
    try {
      const [a, b] = gateways as [GatewayProcess, GatewayProcess];
      expect((await call(a.url, 'GET', '/readyz')).status).toBe(200);
      const standbyReady = await call(b.url, 'GET', '/readyz');
      expect(standbyReady.status).toBe(503);
      expect(standbyReady.body.instance).toMatchObject({
        role: 'standby',
        leaderId: 'rg_ha_limits-0',
        epoch: 1,
      });

      // One order of 5,500 to each instance at once, against a 6,000 limit: at most one passes.
      const replies = await Promise.all([
        call(a.url, 'POST', '/v2/orders', trader, order('to-a')),
        call(b.url, 'POST', '/v2/orders', trader, order('to-b')),
        call(a.url, 'POST', '/v2/orders', trader, order('to-a-again')),
      ]);
      const accepted = replies.filter((r) => r.status === 200);
      expect(accepted).toHaveLength(1);
      expect(replies[1]!.status).toBe(503);
      expect(replies[1]!.headers.get('retry-after')).toBe('1');
      expect(replies[1]!.body.message).toMatch(/NOT_LEADER.*standby.*rg_ha_limits-0/);

      // Both instances report their role, the leader's id, its epoch and the lease's age.
      const stateA = await call(a.url, 'GET', '/v1/state', officer);
      const stateB = await call(b.url, 'GET', '/v1/state', officer);
      expect(stateA.body.instance).toMatchObject({
        role: 'leader',
        acting: true,
        leaderId: 'rg_ha_limits-0',
        epoch: 1,
      });
      expect(stateB.body.instance).toMatchObject({
        role: 'standby',
        acting: false,
        leaderId: 'rg_ha_limits-0',
        epoch: 1,
      });
      expect(stateB.body.instance.leaseAgeMs).toBeGreaterThanOrEqual(0);
      const metrics = await call(b.url, 'GET', '/metrics');
      expect(metrics.body).toMatch(/riskgate_instance_role\{role="standby"\} 1/);
      expect(metrics.body).toMatch(/riskgate_leader_epoch\{leader="rg_ha_limits-0"\} 1/);

      // A kill pulled on the standby is persisted, handed to the leader, and carried out there.
      const kill = await call(b.url, 'POST', '/v1/kill', officer, { reason: 'pulled on the standby' });
      expect([200, 202]).toContain(kill.status);
      expect(kill.body).toMatchObject({ forwarded: true });
      await eventually(async () => {
        const s = await call(a.url, 'GET', '/v1/state', officer);
        return s.body.tradingState.state === 'halted' ? s : undefined;
      }, 'the leader halted');
      const denied = await call(a.url, 'POST', '/v2/orders', trader, order('after-kill', 1));
      expect(denied.status).toBe(403);
      expect(denied.body.message).toMatch(/HALTED|KILL/);
      // The standby's view follows the leader's state.
      await eventually(async () => {
        const s = await call(b.url, 'GET', '/v1/state', officer);
        return s.body.tradingState.state === 'halted' ? s : undefined;
      }, 'the standby shows the halt');
      // A reset on the standby reaches the leader the same way.
      const reset = await call(b.url, 'POST', '/v1/reset', officer, { reason: 'reviewed' });
      expect([200, 202]).toContain(reset.status);
      await eventually(async () => {
        const s = await call(a.url, 'GET', '/v1/state', officer);
        return s.body.tradingState.state === 'active' ? s : undefined;
      }, 'the leader active again');
    } finally {
      for (const g of gateways) await stopGateway(g);
      await sim.close();
    }
  });

  it('hands over to a standby when the leader is killed, losing and duplicating no acknowledged order, with every position protected', async () => {
    const { sim, gateways, trader, officer } = await cluster('rg_ha_sigkill', 2);
    try {
      const [a, b] = gateways as [GatewayProcess, GatewayProcess];
      const first = await call(a.url, 'POST', '/v2/orders', trader, order('before-failover', 20));
      expect(first.status).toBe(200);
      sim.setQuote('AAPL', 100, 100.02); // the exchange matches on a quote
      await eventually(async () => {
        const p = await call(a.url, 'GET', '/v2/positions', trader);
        return (
          Array.isArray(p.body) &&
          p.body.some((x: { symbol: string; qty: string }) => x.symbol === 'AAPL' && x.qty === '20')
        );
      }, 'the AAPL position');
      await killHard(a);
      // The standby waits for the lease to lapse, reconciles with the broker, then leads.
      await b.waitFor(/riskgate gateway ready at (http\S+)/, 60_000);
      expect(await leaderOf(gateways, officer)).toBe(b);
      const state = await call(b.url, 'GET', '/v1/state', officer);
      expect(state.body.instance).toMatchObject({ role: 'leader', leaderId: 'rg_ha_sigkill-1', epoch: 2 });
      // The acknowledged order is there, once.
      const found = await call(
        b.url,
        'GET',
        '/v2/orders:by_client_order_id?client_order_id=before-failover',
        trader,
      );
      expect(found.status).toBe(200);
      const all = await call(b.url, 'GET', '/v2/orders?status=all&limit=500', trader);
      expect(
        all.body.filter((o: { client_order_id: string }) => o.client_order_id === 'before-failover'),
      ).toHaveLength(1);
      // The new leader knows the position and the reservation: 20 + 40 at ~100 passes 6,000 only once.
      const next = await call(b.url, 'POST', '/v2/orders', trader, order('after-failover', 35));
      expect(next.status).toBe(200);
      sim.setQuote('AAPL', 100, 100.02);
      await eventually(async () => {
        const p = await call(b.url, 'GET', '/v2/positions', trader);
        return (
          Array.isArray(p.body) &&
          p.body.some((x: { symbol: string; qty: string }) => x.symbol === 'AAPL' && x.qty === '55')
        );
      }, 'the AAPL position grown to 55');
      const over = await call(b.url, 'POST', '/v2/orders', trader, order('over-limit', 10));
      expect(over.status).toBe(403);
      expect(over.body.message).toMatch(/SYMBOL_EXPOSURE_EXCEEDED/);
      // Every open position has one live protective stop covering it at the broker.
      await eventually(() => everyPositionProtected(b.url, trader), 'one stop per position');
    } finally {
      for (const g of gateways) await stopGateway(g);
      await sim.close();
    }
  });

  it('fences a leader that was frozen: after it resumes it accepts and writes nothing, and starts over as a standby', async () => {
    const { sim, gateways, trader, officer } = await cluster('rg_ha_sigstop', 3);
    try {
      const [a] = gateways as [GatewayProcess, GatewayProcess, GatewayProcess];
      // Three instances, one order each at once, each alone within the 6,000 limit: one passes.
      const burst = await Promise.all(
        gateways.map((g, i) =>
          call(g.url, 'POST', '/v2/orders', trader, order(i === 0 ? 'before-freeze' : `burst-${i}`)),
        ),
      );
      expect(burst.map((r) => r.status)).toEqual([200, 503, 503]);
      sim.setQuote('AAPL', 100, 100.02);
      await eventually(async () => {
        const p = await call(a.url, 'GET', '/v2/positions', trader);
        return Array.isArray(p.body) && p.body.some((x: { symbol: string; qty: string }) => x.qty === '55');
      }, 'the AAPL position');
      a.process.kill('SIGSTOP');
      const next = await leaderOf(gateways.slice(1), officer);
      const taken = await call(next.url, 'GET', '/v1/state', officer);
      expect(taken.body.instance).toMatchObject({ role: 'leader', epoch: 2 });
      // Requests queued to the frozen process are answered after it resumes: refused.
      const pending = call(a.url, 'POST', '/v2/orders', trader, order('to-the-frozen-leader', 1));
      // The request waits in the frozen process's socket until it resumes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      a.process.kill('SIGCONT');
      const reply = await pending;
      expect(reply.status).toBe(503);
      expect(reply.body.message).toMatch(/NOT_LEADER/);
      await a.waitFor(/lost the lead to (rg_ha_sigstop-\d)/, 30_000);
      // Started over as a standby (on a new port: the tests let the system pick one).
      const standbyUrl = await a.waitFor(
        /starting over as a standby[\s\S]*riskgate gateway standby at (http[^:\s]*:\/\/[^:\s]+:\d+)/,
        60_000,
      );
      // Nothing the frozen leader was asked reached the broker or the store.
      const all = await call(next.url, 'GET', '/v2/orders?status=all&limit=500', trader);
      const ids = (all.body as { client_order_id: string }[]).map((o) => o.client_order_id);
      expect(ids).toContain('before-freeze');
      expect(ids).not.toContain('to-the-frozen-leader');
      // Exactly one leader, still the one that took over.
      const urls = [standbyUrl, ...gateways.slice(1).map((g) => g.url)];
      const ready = await Promise.all(urls.map((u) => call(u, 'GET', '/readyz')));
      expect(ready.filter((r) => r.status === 200)).toHaveLength(1);
      expect((await call(standbyUrl, 'GET', '/readyz')).body.instance).toMatchObject({
        role: 'standby',
        epoch: 2,
      });
    } finally {
      for (const g of gateways) await stopGateway(g);
      await sim.close();
    }
  });

  it('fences a leader cut off from the database: it stops acting before a standby takes over, and steps down once it is back', async () => {
    const name = 'rg_ha_cut';
    const db = await freshDatabase(serverUrl!, name);
    databases.push(name);
    const target = new URL(db.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    viaProxy.hostname = '127.0.0.1';
    const sim = await SimExchange.start({ clock: { mode: 'real' } });
    sim.setQuote('AAPL', 100, 100.02);
    const common = { sim, profilePath, leaseTtlMs: TTL_MS, extraArgs: LIFTED_BROKER_BUDGET };
    const a = await spawnGateway({
      ...common,
      databaseUrl: viaProxy.toString(),
      dataDir: join(dir, 'cut-a'),
      instanceId: 'cut-a',
    });
    started.push(a);
    await a.waitFor(/riskgate gateway ready at (http\S+)/);
    const b = await spawnGateway({
      ...common,
      databaseUrl: db.url,
      dataDir: join(dir, 'cut-b'),
      instanceId: 'cut-b',
    });
    started.push(b);
    await b.waitFor(/riskgate gateway standby at (http\S+)/);
    try {
      expect((await call(a.url, 'POST', '/v2/orders', db.trader, order('before-cut', 10))).status).toBe(200);
      sim.setQuote('AAPL', 100, 100.02);
      await eventually(async () => {
        const p = await call(a.url, 'GET', '/v2/positions', db.trader);
        return Array.isArray(p.body) && p.body.some((x: { qty: string }) => x.qty === '10');
      }, 'the AAPL position');
      // The officer's key was used on it before (keys verified once are known without the store).
      expect((await call(a.url, 'GET', '/v1/state', db.officer)).status).toBe(200);
      await proxy.cut();
      // The leader cannot renew: it stops acting, and then the standby takes over.
      await eventually(
        async () => (await call(a.url, 'GET', '/readyz')).body.instance?.acting === false,
        'the cut leader no longer acting',
      );
      const refused = await call(a.url, 'POST', '/v2/orders', db.trader, order('to-the-cut-leader', 10));
      expect(refused.status).toBe(503);
      expect(refused.body.message).toMatch(/NOT_LEADER/);
      // A kill pulled on it still latches it, and says the leader must be told too.
      const isolatedKill = await call(a.url, 'POST', '/v1/kill', db.officer, {
        reason: 'pulled on the cut leader',
      });
      expect(isolatedKill.status).toBe(200);
      expect(isolatedKill.body).toMatchObject({ isolated: true, state: { state: 'halted' } });
      expect(isolatedKill.body.message).toMatch(/pull it on the leader too/);
      await b.waitFor(/riskgate gateway ready at (http\S+)/, 60_000);
      expect((await call(b.url, 'GET', '/v1/state', db.officer)).body.instance).toMatchObject({
        role: 'leader',
        leaderId: 'cut-b',
        epoch: 2,
      });
      expect((await call(b.url, 'POST', '/v2/orders', db.trader, order('after-cut', 5))).status).toBe(200);
      // Connected again, the former leader learns it lost the lead and starts over as a standby.
      await proxy.restore();
      await a.waitFor(/lost the lead to (cut-b)/, 60_000);
      await a.waitFor(/starting over as a standby[\s\S]*riskgate gateway standby at (http\S+)/, 60_000);
      const all = await call(b.url, 'GET', '/v2/orders?status=all&limit=500', db.trader);
      const ids = (all.body as { client_order_id: string }[]).map((o) => o.client_order_id);
      expect(ids.filter((id) => id === 'before-cut')).toHaveLength(1);
      expect(ids).toContain('after-cut');
      expect(ids).not.toContain('to-the-cut-leader');
      sim.setQuote('AAPL', 100, 100.02);
      await eventually(() => everyPositionProtected(b.url, db.trader), 'one stop per position');
    } finally {
      await stopGateway(a);
      await stopGateway(b);
      await proxy.close();
      await sim.close();
    }
  });

  it('stops on SIGTERM received while a standby is taking the lead, leaving nothing running', async () => {
    const { sim, gateways } = await cluster('rg_ha_term', 2);
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    try {
      await killHard(a);
      // The moment the standby says it took the lead, its promotion (replaying the store,
      // restoring the engine, subscribing to the broker) is under way: stop it right then.
      await b.waitFor(/took the lead of the account/, 30_000);
      await stopGateway(b);
      expect(b.output()).toMatch(/riskgate gateway stopped/);
    } finally {
      for (const g of gateways) await stopGateway(g);
      await sim.close();
    }
  });
});
