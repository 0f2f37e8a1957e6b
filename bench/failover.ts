/**
 * Failover as an operator sees it: three `riskgate serve` processes on one PostgreSQL database
 * behind a load balancer that routes by `/readyz`, a bot sending small AAPL market orders a few
 * times per second, and the leader taken away N times (SIGKILL and SIGSTOP in turn).
 *
 *   npm run bench:failover -- [--kills 6] [--lease-ttl-ms 2000] [--json] [--trace DIR]
 *
 * `--trace DIR` prints every health change and acknowledgement (with why earlier tries were
 * retried) and keeps each instance's output in DIR.
 *
 * Failover time: from the signal to the first order the new leader accepts (HTTP 200). At the
 * end every acknowledged client_order_id is looked up at the simulated exchange (the ground
 * truth): missing ones are lost, ids with more than one live or filled order are duplicated.
 * The exchange's position is checked against the profile's symbol limit on every fill, and a
 * health check polls every instance's `/readyz` every ~100 ms for two acting leaders at once.
 * Needs DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh database is
 * created on that server and dropped at the end.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import { dropDatabase, freshDatabase } from '../test/support/gateway-process.ts';
import { OrderClient } from './failover-client.ts';
import { Cluster, occurrences, type Slot, until } from './failover-cluster.ts';
import { percentile, tallyAtExchange } from './failover-tally.ts';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '6' },
    'lease-ttl-ms': { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
    /** Prints every health change and acknowledgement, and keeps the instances' logs in this folder. */
    trace: { type: 'string' },
  },
});
const kills = Number(values.kills);
const ttlMs = Number(values['lease-ttl-ms']);
if (!Number.isInteger(kills) || kills < 1)
  throw new Error(`--kills must be a positive integer, got ${values.kills}`);
if (!Number.isFinite(ttlMs) || ttlMs < 100)
  throw new Error(`--lease-ttl-ms must be a number of ms ≥ 100, got ${values['lease-ttl-ms']}`);
const json = values.json === true;

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BID = 100;
const ASK = 100.02;
const LIMIT_USD = 6000;
/** 11 shares: five buys (~5,500) pass the 6,000 limit, a sixth is denied; 60 shares would break it. */
const QTY = 11;
const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 } }
    exposure: { symbol: { usd: ${LIMIT_USD} } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
`;

/** Progress lines: on stdout for people, on stderr when stdout is the JSON line. */
const note = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Failover {
  readonly kind: 'SIGKILL' | 'SIGSTOP';
  /** Signal to the first order accepted by another instance, in ms; null when none within a minute. */
  readonly ms: number | null;
  readonly from: string;
  readonly to: string | null;
  /** SIGSTOP only: status the resumed former leader gave an order queued to it while frozen. */
  readonly resumedLeaderAnswered?: number;
}

/** How many kills the benchmark pulls on a standby after the failovers, each followed by a reset. */
const KILL_PROBES = 3;

function keyHeaders(key: { id: string; secret: string }): Record<string, string> {
  return { 'APCA-API-KEY-ID': key.id, 'APCA-API-SECRET-KEY': key.secret };
}

async function post(slot: Slot, key: { id: string; secret: string }, clientOrderId: string): Promise<number> {
  try {
    const response = await fetch(`${slot.url}/v2/orders`, {
      method: 'POST',
      headers: { ...keyHeaders(key), 'content-type': 'application/json' },
      body: JSON.stringify({
        symbol: 'AAPL',
        qty: '1',
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        client_order_id: clientOrderId,
      }),
      signal: AbortSignal.timeout(30_000),
    });
    await response.text();
    return response.status;
  } catch {
    return 0; // no answer: refused as well
  }
}

const dbName = `rg_bench_failover_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'riskgate-failover-'));
const profilePath = join(dir, 'profile.yaml');
writeFileSync(profilePath, PROFILE);
const machine = { cores: cpus().length, load1: Number(loadavg()[0]!.toFixed(2)), node: process.version };

const db = await freshDatabase(serverUrl, dbName);
// The broker's request budget is not what is measured: with protective stops each order costs
// the leader several broker requests, and a few orders a second outrun Alpaca's 200 a minute,
// which would make entries wait for the next window (documented pacing) and hide the failover.
const BROKER_REQUESTS_PER_MINUTE = 100_000;
const sim = await SimExchange.start({
  clock: { mode: 'real' },
  rateLimit: { limit: BROKER_REQUESTS_PER_MINUTE },
});
// Market orders fill on the next quote: keep quoting.
const quotes = setInterval(() => sim.setQuote('AAPL', BID, ASK), 100);
sim.setQuote('AAPL', BID, ASK);
let limitViolations = 0;
let maxPositionQty = 0;
sim.venue.state.listeners.add((event) => {
  if (event.order.symbol !== 'AAPL' || event.positionQty === undefined) return;
  maxPositionQty = Math.max(maxPositionQty, Math.abs(event.positionQty));
  if (Math.abs(event.positionQty) * ASK > LIMIT_USD) limitViolations++;
});

let cluster: Cluster | undefined;
let client: OrderClient | undefined;
try {
  note(`starting 3 instances (lease TTL ${ttlMs} ms) on ${dbName}…`);
  const trace = values.trace;
  const since = performance.now();
  const stamp = () => `${Math.round(performance.now() - since)}`.padStart(7);
  cluster = await Cluster.start({
    sim,
    databaseUrl: db.url,
    profilePath,
    dir,
    ttlMs,
    size: 3,
    extraArgs: ['--broker-rate-limit', String(BROKER_REQUESTS_PER_MINUTE)],
    ...(trace !== undefined
      ? { onChange: (slot: Slot, state: string) => note(`${stamp()} slot ${slot.index}: ${state}`) }
      : {}),
  });
  const c = cluster;
  const bot = new OrderClient({ cluster: c, key: db.trader, qty: QTY, pauseMs: 250, attemptTimeoutMs: 1500 });
  client = bot;
  if (trace !== undefined)
    bot.onAcknowledged((a) => {
      note(
        `${stamp()} ack ${a.clientOrderId} by ${a.instanceId} in ${Math.round(a.tookMs)} ms (${a.attempts} tries)`,
      );
      for (const [why, n] of a.retriedFor) note(`          ${n}× ${why}`);
    });
  bot.start();

  const failovers: Failover[] = [];
  const staleAccepted: string[] = [];
  for (let k = 0; k < kills; k++) {
    const kind = k % 2 === 0 ? 'SIGKILL' : 'SIGSTOP';
    // Steady state first: one leader taking orders, every other instance a standby.
    const acksBefore = bot.acknowledged.length;
    let leader: Slot | undefined;
    await until(
      async () => {
        leader = await c.leader();
        const roles = await c.roles();
        const last = bot.acknowledged.at(-1);
        return (
          leader !== undefined &&
          roles.filter((r) => r === 'standby').length === c.slots.length - 1 &&
          bot.acknowledged.length >= acksBefore + 3 &&
          last?.slot === leader.index
        );
      },
      'one leader taking orders and two standbys',
      120_000,
      200,
    );
    const old = leader!;
    const oldId = old.instanceId;
    const oldGateway = old.gateway;
    const restartsBefore = occurrences(oldGateway.output(), /starting over as a standby/);
    const standbysBefore = occurrences(oldGateway.output(), /riskgate gateway standby at/);
    const t0 = performance.now();
    if (trace !== undefined) note(`${stamp()} ${kind} ${oldId}`);
    oldGateway.process.kill(kind);
    let taken: { atMs: number; instanceId: string } | undefined;
    try {
      await until(
        () => {
          taken = bot.acknowledged.find((a) => a.atMs > t0 && a.slot !== old.index);
          return taken !== undefined;
        },
        'an order accepted by another instance',
        60_000,
        10,
      );
    } catch {
      // Recorded as a failover that did not complete within a minute.
    }
    const ms = taken === undefined ? null : Math.round(taken.atMs - t0);
    let resumedLeaderAnswered: number | undefined;
    if (kind === 'SIGKILL') {
      await new Promise((resolve) =>
        oldGateway.process.exitCode !== null || oldGateway.process.signalCode !== null
          ? resolve(undefined)
          : oldGateway.process.once('exit', resolve),
      );
      await c.respawn(old);
      await old.gateway.waitFor(/riskgate gateway standby at (http\S+)/);
    } else {
      // An order queued to the frozen process is answered once it resumes: it must be refused.
      const probeId = `probe-${process.pid}-${k}`;
      const pending = post(old, db.trader, probeId);
      await sleep(300);
      oldGateway.process.kill('SIGCONT');
      resumedLeaderAnswered = await pending;
      if (resumedLeaderAnswered === 200) staleAccepted.push(probeId);
      await until(
        () => occurrences(oldGateway.output(), /starting over as a standby/) > restartsBefore,
        'the resumed former leader to start over',
        60_000,
      );
      await until(
        () => occurrences(oldGateway.output(), /riskgate gateway standby at/) > standbysBefore,
        'the resumed former leader to wait as a standby',
        60_000,
      );
    }
    const failover: Failover = {
      kind,
      ms,
      from: oldId,
      to: taken?.instanceId ?? null,
      ...(resumedLeaderAnswered !== undefined ? { resumedLeaderAnswered } : {}),
    };
    failovers.push(failover);
    note(
      `failover ${k + 1}/${kills}: ${kind} ${oldId} → ${failover.to ?? 'none'} in ${ms ?? 'over 60000'} ms` +
        (resumedLeaderAnswered !== undefined ? `; resumed leader answered ${resumedLeaderAnswered}` : ''),
    );
  }

  // A few more orders on the last leader, then let the last fills land.
  const acksAtEnd = bot.acknowledged.length;
  await until(() => bot.acknowledged.length >= acksAtEnd + 3, 'orders after the last failover', 60_000);
  await bot.stop();
  await sleep(2_000);

  // A kill pulled on a standby: time until the leader reports the account halted, then a reset.
  const killToHaltMs: number[] = [];
  for (let k = 0; k < KILL_PROBES; k++) {
    const leader = await c.leader();
    const standby = c.slots.find((s) => s.index !== leader?.index);
    if (leader === undefined || standby === undefined) break;
    const state = async (slot: Slot) =>
      (await (await fetch(`${slot.url}/v1/state`, { headers: keyHeaders(db.officer) })).json()) as {
        tradingState: { state: string };
      };
    const t0 = performance.now();
    const pulled = await fetch(`${standby.url}/v1/kill`, {
      method: 'POST',
      headers: { ...keyHeaders(db.officer), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'failover benchmark: kill on a standby' }),
    });
    await pulled.text();
    await until(
      async () => (await state(leader)).tradingState.state === 'halted',
      'the leader halted',
      30_000,
      10,
    );
    killToHaltMs.push(Math.round(performance.now() - t0));
    const reset = await fetch(`${standby.url}/v1/reset`, {
      method: 'POST',
      headers: { ...keyHeaders(db.officer), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'failover benchmark: reset on a standby' }),
    });
    await reset.text();
    await until(
      async () => (await state(leader)).tradingState.state === 'active',
      'the leader active',
      30_000,
      10,
    );
  }

  const { lost, duplicated, unfilled, expectedPosition, brokerPosition } = tallyAtExchange(
    sim,
    bot.acknowledged,
    staleAccepted,
  );

  // Latency of orders the leader took on the first attempt (none of the failover waits).
  const steadyMs = bot.acknowledged
    .filter((a) => a.attempts === 1)
    .map((a) => Math.round(a.tookMs))
    .sort((a, b) => a - b);
  const times = failovers.flatMap((f) => (f.ms === null ? [] : [f.ms])).sort((a, b) => a - b);
  const result = {
    failovers: failovers.length,
    failoverMsP50: percentile(times, 0.5),
    failoverMsMax: times.length === failovers.length ? (times.at(-1) ?? null) : null,
    lost: lost.length,
    duplicated: duplicated.length,
    limitViolations,
    doubleLeaders: c.doubleLeaders.length,
    killToLeaderHaltMs: killToHaltMs,
    incomplete: failovers.length - times.length,
    staleAccepted: staleAccepted.length,
    ttlMs,
    each: failovers.map((f) => ({ kind: f.kind, ms: f.ms })),
    ordersSent: bot.sent,
    ordersAcknowledged: bot.acknowledged.length,
    ordersUndecided: bot.undecided,
    denied: Object.fromEntries(bot.denied),
    otherFailures: Object.fromEntries(bot.failed),
    retries: bot.retries,
    orderMsP50: percentile(steadyMs, 0.5),
    orderMsP99: percentile(steadyMs, 0.99),
    unfilled,
    maxPositionQty,
    brokerPosition,
    expectedPosition,
    healthSamples: c.samples,
    ...machine,
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`\nFailover with ${failovers.length} leader losses (lease TTL ${ttlMs} ms):`);
    for (const f of failovers)
      console.log(
        `  ${f.kind.padEnd(7)} ${f.from} → ${f.to ?? '—'}: ${f.ms === null ? 'no takeover within 60 s' : `${f.ms} ms`}`,
      );
    console.log(
      `  p50 ${result.failoverMsP50 ?? '—'} ms, max ${result.failoverMsMax ?? '—'} ms (goal: p50 ≤ 3000, max ≤ 5000)`,
    );
    console.log(
      `  orders: ${result.ordersSent} sent, ${result.ordersAcknowledged} acknowledged, ${result.retries} retried on another instance, denials ${JSON.stringify(result.denied)}`,
    );
    console.log(
      `  lost ${result.lost}, duplicated ${result.duplicated}, limit violations ${limitViolations} (largest position ${maxPositionQty} shares), double leaders ${result.doubleLeaders} in ${c.samples} health samples`,
    );
    console.log(
      `  resumed former leaders that accepted an order: ${staleAccepted.length}; unfilled acknowledged orders: ${unfilled}`,
    );
    console.log(
      `  position at the broker ${brokerPosition}, implied by acknowledged orders ${expectedPosition}`,
    );
    console.log(`  kill on a standby → leader halted: ${killToHaltMs.join(', ')} ms (goal ≤ 1000)`);
    console.log(`  machine: ${machine.cores} cores, load ${machine.load1} at start, Node.js ${machine.node}`);
  }
  if (lost.length > 0 || duplicated.length > 0)
    note(`lost: ${lost.join(', ')}; duplicated: ${duplicated.join(', ')}`);
  for (const d of c.doubleLeaders)
    note(`two acting leaders at ${Math.round(d.atMs)} ms: ${JSON.stringify(d.leaders)}`);
} finally {
  await client?.stop().catch(() => undefined);
  await cluster?.stop();
  if (values.trace !== undefined && cluster !== undefined) {
    mkdirSync(values.trace, { recursive: true });
    for (const s of cluster.slots)
      writeFileSync(join(values.trace, `slot-${s.index}-${s.instanceId}.log`), s.gateway.output());
  }
  clearInterval(quotes);
  await sim.close();
  await dropDatabase(serverUrl, dbName).catch((error: unknown) =>
    note(`could not drop ${dbName}: ${String(error)}`),
  );
  rmSync(dir, { recursive: true, force: true });
}
