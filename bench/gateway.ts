/**
 * Gateway benchmark (loopback only, bounded in time). Three processes: this one serves the
 * gateway and a bare Fastify route side by side; the simulated exchange runs in a second one
 * (`gateway-exchange.ts`), as a broker would; the load generator runs in a third
 * (`gateway-client.ts`), so it never competes with the servers' event loop.
 *
 * Once, on the embedded PGlite store, measured from the client process:
 *  - throughput and latency of `POST /v1/orders/check` and of the bare route, the same way, in
 *    alternating rounds of the same run; then both again at a fixed request rate.
 * Then for each store — PGlite, and PostgreSQL when `RISKGATE_BENCH_DATABASE_URL` (or
 * `DATABASE_URL`) names a reachable server, in a fresh database created for the run and dropped
 * after it — on a fresh gateway and exchange:
 *  - the latency the gateway adds to an order submission (sequential), against sending it
 *    straight to the exchange; meanwhile the event-loop delay of this (gateway) process and the
 *    store's transactions and statements per order (the trade updates that follow included);
 *  - a fixed-rate sweep: orders sent on a fixed schedule whatever the answers (open loop), each
 *    timed from when it was due, at rising rates; the highest rate with p99 ≤ 50 ms; each step
 *    first sends the same orders straight to the exchange (its anchor) and reports the CPU per
 *    order of the gateway process, and (on Linux, from /proc) of the exchange and the load
 *    generator, in both runs: on a small machine their sum bounds the rate;
 *  - the time from a price move that breaches the daily-loss limit to the alert.
 * `npm run bench:gateway -- --json` prints one JSON object; `--quick` runs a shorter version;
 * `--alloc` also submits the sequential batch once more under V8's sampling heap profiler and
 * reports `submitAllocKbPerOrder`, what this (gateway) process allocated per order, garbage included;
 * `--cpu-prof <file>` also writes CPU profiles of this (server) process during the first round
 * of each route (`<file>` for the check, `<file>.bare.cpuprofile` for the bare route).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pg from 'pg';
import type { Alert } from '../src/gateway/alerts/alert-bus.ts';
import { resolveGatewayConfig } from '../src/gateway/config/load-gateway-config.ts';
import { type RunningGateway, startGateway } from '../src/gateway/gateway.ts';
import type { StoreCounters } from '../src/store/monitored-database.ts';
import { forkPeer } from './fork-peer.ts';
import {
  type ClientAnswer,
  type ClientJob,
  type LoadJob,
  type LoadResult,
  type OpenLoopJob,
  type OpenLoopResult,
  percentile,
  type SubmitJob,
  type SubmitResult,
} from './gateway-client.ts';
import type { ExchangeReady } from './gateway-exchange.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const cpuProfIndex = args.indexOf('--cpu-prof');
/** Also sample what the gateway allocates per submission (a separate batch, after the timed one). */
const allocation = args.includes('--alloc');
const cpuProfPath = cpuProfIndex >= 0 ? (args[cpuProfIndex + 1] ?? 'gateway-check.cpuprofile') : undefined;
const env = process.env;
const storesIndex = args.indexOf('--stores');
/** Which stores to measure: `pglite` (with the check against the bare route), `postgres`, or both. */
const STORES = (
  storesIndex >= 0 ? (args[storesIndex + 1] ?? '') : (env.BENCH_STORES ?? 'pglite,postgres')
).split(',');
const SECONDS = Number(env.BENCH_SECONDS ?? (quick ? 1 : 3));
const ROUNDS = Number(env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const SUBMITS = Number(env.BENCH_SUBMITS ?? (quick ? 50 : 200));
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(env.BENCH_RATE ?? 1000);
/** Order rates of the fixed-rate sweep, per second. */
const SWEEP_RATES = (env.BENCH_SWEEP_RATES ?? (quick ? '50,200,500' : '50,100,200,300,500,750,1000'))
  .split(',')
  .map(Number);
/** How long each sweep step sends orders, in seconds (at least 100 orders a step). */
const STEP_SECONDS = Number(env.BENCH_STEP_SECONDS ?? (quick ? 1 : 2));
/** The latency goal of the sweep. */
const P99_GOAL_MS = 50;
/** A PostgreSQL server to measure beside PGlite; none: PGlite only. */
const DATABASE_URL = env.RISKGATE_BENCH_DATABASE_URL || env.DATABASE_URL || undefined;
const MARK_INTERVAL_MS = 250;
const log = (line: string) => {
  if (!json || args.includes('--verbose')) console.error(line);
};

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 10000000
    marketData: { maxQuoteAgeMs: 3600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, priceCollarPercent: 80 }
    exposure: { symbol: { usd: 1000000 }, gross: { usd: 10000000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    breakers:
      dailyLoss: { usd: 1000, action: reducing }
`;

const CHECK_BODY = JSON.stringify({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'limit',
  limit_price: '100',
  time_in_force: 'day',
  order_class: 'bracket',
  take_profit: { limit_price: '110' },
  stop_loss: { stop_price: '95' },
});

/** A load run and the CPU time this (server) process spent during it, per request. */
interface Measured extends LoadResult {
  readonly serverCpuUsPerRequest: number;
}

/** Sends jobs to the client process and resolves with its answers. */
class Client {
  readonly #child: ChildProcess;
  readonly pid: number | undefined;
  readonly #waiting = new Map<number, (answer: ClientAnswer) => void>();
  #next = 1;

  constructor(child: ChildProcess) {
    this.#child = child;
    this.pid = child.pid;
    child.on('message', (answer: ClientAnswer) => this.#waiting.get(answer.id)?.(answer));
  }

  /** Runs a load job; also reports the CPU time the servers of this process spent on each request. */
  async load(job: Omit<LoadJob, 'type'>): Promise<Measured> {
    const before = process.cpuUsage();
    const result = await this.run(job);
    const used = process.cpuUsage(before);
    const serverCpuUsPerRequest = Number(
      ((used.user + used.system) / Math.max(1, result.requests)).toFixed(1),
    );
    return { ...result, serverCpuUsPerRequest };
  }

  run(job: Omit<LoadJob, 'type'>): Promise<LoadResult>;
  run(job: Omit<SubmitJob, 'type'>, kind: 'submits'): Promise<SubmitResult>;
  run(job: Omit<OpenLoopJob, 'type'>, kind: 'open-loop'): Promise<OpenLoopResult>;
  run(
    job: Omit<LoadJob, 'type'> | Omit<SubmitJob, 'type'> | Omit<OpenLoopJob, 'type'>,
    kind: ClientJob['type'] = 'load',
  ) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (answer) => {
        this.#waiting.delete(id);
        if (answer.ok) resolve(answer.result);
        else reject(new Error(answer.error));
      });
      this.#child.send({ ...job, type: kind, id } as ClientJob);
    });
  }
}

/**
 * CPU time (user and system) a process of this machine has used so far, in ms, read from
 * /proc (Linux, 100 clock ticks a second); undefined elsewhere or when it has exited.
 */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU ms per order a process used between two readings of {@link processCpuMs}, or null. */
function cpuPerOrder(before: number | undefined, after: number | undefined, orders: number): number | null {
  if (before === undefined || after === undefined) return null;
  return Number(((after - before) / orders).toFixed(2));
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

async function startBareRoute(bodyLimit: number): Promise<{ url: string; close: () => Promise<void> }> {
  // The same Fastify options as the gateway's server, one route that parses the body and answers JSON.
  const bare = Fastify({ bodyLimit, forceCloseConnections: true });
  bare.post('/check', async (request) => {
    const b = request.body as Record<string, unknown>;
    return { outcome: 'accept', symbol: b.symbol, violations: [] };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const address = bare.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => bare.close() };
}

/** Where the CPU profile of the first round of a route goes, if one was asked for. */
function profileFile(route: 'check' | 'bare', round: number): string | undefined {
  if (cpuProfPath === undefined || round !== 0) return undefined;
  return route === 'check' ? cpuProfPath : cpuProfPath.replace(/(\.cpuprofile)?$/, '.bare.cpuprofile');
}

/**
 * Bytes this process allocates while `run` runs, from V8's sampling heap profiler with collected
 * objects kept (so garbage counts too): an estimate, sampled every 4 KiB on average.
 */
async function allocatedBytes(run: () => Promise<unknown>): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  } as never);
  let profile: { head: unknown };
  try {
    await run();
  } finally {
    ({ profile } = await session.post('HeapProfiler.stopSampling'));
    session.disconnect();
  }
  type Node = { selfSize: number; children: Node[] };
  const total = (node: Node): number => node.selfSize + node.children.reduce((sum, c) => sum + total(c), 0);
  return total(profile.head as unknown as Node);
}

async function profiled<T>(file: string | undefined, run: () => Promise<T>): Promise<T> {
  if (file === undefined) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile of the server during a round written to ${file}`);
  }
}

async function tripToAlert(gateway: RunningGateway, exchangeUrl: string, auth: Record<string, string>) {
  const setQuote = (bid: number, ask: number) =>
    fetch(`${exchangeUrl}/admin/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol: 'AAPL', bid, ask }),
    }).then((r) => r.text());
  const alerts: Alert[] = [];
  gateway.services.ctx.hub.subscribe((e) => {
    if (e.type === 'alert') alerts.push(e.data as Alert);
  });
  const entry = await fetch(`${gateway.url}/v2/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({
      symbol: 'AAPL',
      qty: '100',
      side: 'buy',
      type: 'limit',
      limit_price: '100.5',
      time_in_force: 'gtc',
      order_class: 'bracket',
      take_profit: { limit_price: '150' },
      stop_loss: { stop_price: '50' },
    }),
  });
  if (entry.status !== 200) throw new Error(`trip entry: HTTP ${entry.status} ${await entry.text()}`);
  await setQuote(100, 100.02);
  const deadline = Date.now() + 20_000;
  while (gateway.services.ctx.risk.engine.snapshot().positions.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const moved = Date.now();
  await setQuote(85, 85.02);
  let trip: Alert | undefined;
  while (trip === undefined && Date.now() < deadline) {
    trip = alerts.find((a) => a.code === 'DAILY_LOSS_LIMIT');
    await new Promise((r) => setTimeout(r, 5));
  }
  return trip === undefined
    ? { tripToAlertMs: null, tripDetectedToAlertMs: null }
    : { tripToAlertMs: trip.raisedAt - moved, tripDetectedToAlertMs: trip.latencyMs };
}

const ms = (v: number) => Number(v.toFixed(3));

/** A temp directory, the exchange and a fresh gateway on one store, and what stops them. */
interface Rig {
  readonly gateway: RunningGateway;
  readonly exchangeUrl: string;
  readonly auth: Record<string, string>;
  readonly exchangeAuth: Record<string, string>;
  /** Process id of the simulated exchange. */
  readonly exchangePid: number | undefined;
  close(): Promise<void>;
}

async function startRig(databaseUrl: string | undefined): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-'));
  const cleanup: (() => Promise<unknown> | undefined)[] = [
    async () => rmSync(dir, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const step of cleanup) await step()?.catch(() => undefined);
  };
  try {
    const profilePath = join(dir, 'profile.yaml');
    writeFileSync(profilePath, PROFILE);
    const exchange = await forkPeer<ExchangeReady>('./gateway-exchange.ts');
    cleanup.unshift(async () => exchange.child.kill());
    const { url: exchangeUrl, keyId, secretKey } = exchange.ready;
    const gateway = await startGateway({
      config: resolveGatewayConfig({
        flags: {
          port: '0',
          dataDir: dir,
          profile: profilePath,
          broker: 'alpaca',
          alpacaMode: 'paper',
          alpacaUrl: exchangeUrl,
          markIntervalMs: String(MARK_INTERVAL_MS),
          reconcileIntervalMs: '600000',
          logLevel: 'warn',
          demoKeys: 'false',
          // The load generator is one key far past any per-key limit: the overhead is measured here.
          keyRateLimit: '0',
          ...(databaseUrl !== undefined ? { databaseUrl } : {}),
        },
        env: { ALPACA_API_KEY_ID: keyId, ALPACA_API_SECRET_KEY: secretKey },
      }),
      logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
      brokerOverrides: { requestsPerMinute: 1_000_000_000, maxConcurrent: 64, clientSharePercent: 100 },
    });
    cleanup.unshift(() => gateway.close());
    const key = await gateway.store.apiKeys.create({
      role: 'trader',
      label: 'bench',
      by: 'bench',
      at: Date.now(),
    });
    return {
      gateway,
      exchangeUrl,
      auth: { 'APCA-API-KEY-ID': key.key.keyId, 'APCA-API-SECRET-KEY': key.secret },
      exchangeAuth: { 'APCA-API-KEY-ID': keyId, 'APCA-API-SECRET-KEY': secretKey },
      exchangePid: exchange.child.pid,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Dry-run check against a bare route: throughput, latency and server CPU, flat out and at a fixed rate. */
async function measureCheck(rig: Rig, client: Client) {
  const { gateway, auth } = rig;
  const bare = await startBareRoute(gateway.services.ctx.config.http.bodyLimitBytes);
  try {
    const checkJob = { url: `${gateway.url}/v1/orders/check`, headers: auth, body: CHECK_BODY };
    const bareJob = { url: `${bare.url}/check`, headers: {}, body: CHECK_BODY };
    const flat = { seconds: SECONDS, connections: CONNECTIONS };
    const warm = quick ? 1 : 2;
    log(`check: warming up; then ${ROUNDS} rounds of ${SECONDS}s per route, ${CONNECTIONS} connections…`);
    await client.run({ ...bareJob, seconds: warm, connections: CONNECTIONS });
    await client.run({ ...checkJob, seconds: warm, connections: CONNECTIONS });
    const bareRuns: Measured[] = [];
    const checkRuns: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which route goes first, so neither always runs on a warmer or quieter machine.
      const check = () => profiled(profileFile('check', round), () => client.load({ ...checkJob, ...flat }));
      const bareRun = () => profiled(profileFile('bare', round), () => client.load({ ...bareJob, ...flat }));
      if (round % 2 === 0) {
        bareRuns.push(await bareRun());
        checkRuns.push(await check());
      } else {
        checkRuns.push(await check());
        bareRuns.push(await bareRun());
      }
      const [b, c] = [bareRuns.at(-1)!, checkRuns.at(-1)!];
      log(
        `round ${round + 1}: check ${c.reqPerSec} req/s p99 ${c.p99Ms} ms ${c.serverCpuUsPerRequest} µs CPU/req; ` +
          `bare ${b.reqPerSec} req/s p99 ${b.p99Ms} ms ${b.serverCpuUsPerRequest} µs CPU/req`,
      );
    }
    log(`check: latency at a fixed ${RATE} req/s…`);
    const bareAtRate = await client.load({ ...bareJob, ...flat, rate: RATE });
    const checkAtRate = await client.load({ ...checkJob, ...flat, rate: RATE });
    const checkReqPerSec = median(checkRuns.map((r) => r.reqPerSec));
    const bareReqPerSec = median(bareRuns.map((r) => r.reqPerSec));
    return {
      checkReqPerSec,
      bareReqPerSec,
      checkThroughputRatio: Number((checkReqPerSec / bareReqPerSec).toFixed(3)),
      checkP50Ms: median(checkRuns.map((r) => r.p50Ms)),
      checkP99Ms: median(checkRuns.map((r) => r.p99Ms)),
      bareP50Ms: median(bareRuns.map((r) => r.p50Ms)),
      bareP99Ms: median(bareRuns.map((r) => r.p99Ms)),
      checkErrors: checkRuns.reduce((n, r) => n + r.errors, 0),
      checkCpuUsPerRequest: median(checkRuns.map((r) => r.serverCpuUsPerRequest)),
      bareCpuUsPerRequest: median(bareRuns.map((r) => r.serverCpuUsPerRequest)),
      checkRounds: checkRuns.map((r) => [r.reqPerSec, r.p99Ms, r.serverCpuUsPerRequest]),
      bareRounds: bareRuns.map((r) => [r.reqPerSec, r.p99Ms, r.serverCpuUsPerRequest]),
      fixedRate: RATE,
      checkP99AtRateMs: checkAtRate.p99Ms,
      bareP99AtRateMs: bareAtRate.p99Ms,
      checkP50AtRateMs: checkAtRate.p50Ms,
      bareP50AtRateMs: bareAtRate.p50Ms,
      checkCpuUsPerRequestAtRate: checkAtRate.serverCpuUsPerRequest,
      bareCpuUsPerRequestAtRate: bareAtRate.serverCpuUsPerRequest,
    };
  } finally {
    await bare.close();
  }
}

/** Store counters at a moment. */
interface Reading {
  readonly at: number;
  readonly counters: StoreCounters;
}

const read = (rig: Rig): Reading => ({ at: performance.now(), counters: rig.gateway.store.counters });

/**
 * What the store runs when no order comes, per ms: timers that write or poll whatever the
 * orders (the leadership lease and the control-request poll on a server). Subtracted from the
 * work counted during a run, so that per-order figures do not depend on how long it took.
 */
interface Background {
  readonly transactionsPerMs: number;
  readonly statementsPerMs: number;
}

async function measureBackground(rig: Rig, windowMs = 3_000): Promise<Background> {
  await settled(rig, {
    transactionsPerMs: Number.POSITIVE_INFINITY,
    statementsPerMs: Number.POSITIVE_INFINITY,
  });
  const first = read(rig);
  await new Promise((r) => setTimeout(r, windowMs));
  const last = read(rig);
  const elapsed = last.at - first.at;
  return {
    transactionsPerMs: (last.counters.transactions - first.counters.transactions) / elapsed,
    statementsPerMs: (last.counters.statements - first.counters.statements) / elapsed,
  };
}

/**
 * Waits until the store runs no more than its background (the trade updates and batched audit
 * events that follow the last order have been written), at most `limitMs`.
 */
async function settled(rig: Rig, background: Background, limitMs = 30_000): Promise<Reading> {
  const windowMs = 500;
  await rig.gateway.store.flush();
  const deadline = performance.now() + limitMs;
  let last = read(rig);
  while (performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, windowMs));
    const now = read(rig);
    const span = now.at - last.at;
    // Twice the background's rate and a little slack: its timers do not tick evenly.
    const quiet =
      now.counters.transactions - last.counters.transactions <= 2 * background.transactionsPerMs * span + 1 &&
      now.counters.statements - last.counters.statements <= 2 * background.statementsPerMs * span + 2;
    last = now;
    if (quiet) break;
  }
  return last;
}

/** The store's work between two readings, less the background, per order. */
function perOrder(before: Reading, after: Reading, background: Background, orders: number) {
  const elapsed = after.at - before.at;
  const net = (from: number, to: number, perMs: number) => Math.max(0, to - from - perMs * elapsed) / orders;
  return {
    txPerOrder: Number(
      net(before.counters.transactions, after.counters.transactions, background.transactionsPerMs).toFixed(2),
    ),
    statementsPerOrder: Number(
      net(before.counters.statements, after.counters.statements, background.statementsPerMs).toFixed(2),
    ),
  };
}

/** Runs `work` while sampling this process's event-loop delay; the p99 and max in ms. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<[T, { p99Ms: number; maxMs: number }]> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    const result = await work();
    histogram.disable();
    return [result, { p99Ms: ms(histogram.percentile(99) / 1e6), maxMs: ms(histogram.max / 1e6) }];
  } finally {
    histogram.disable();
  }
}

/** Resting orders are cancelled at the exchange after each run, so buying power never runs out. */
async function cancelAll(rig: Rig, background: Background): Promise<void> {
  await fetch(`${rig.exchangeUrl}/v2/orders`, { method: 'DELETE', headers: rig.exchangeAuth }).then((r) =>
    r.text(),
  );
  await settled(rig, background);
}

/** Submissions, event-loop delay, store work per order, the fixed-rate sweep and trip-to-alert on one store. */
async function measureSubmissions(rig: Rig, client: Client, store: string) {
  const { gateway, exchangeUrl, auth, exchangeAuth } = rig;
  log(`${store}: timing ${SUBMITS} sequential submissions each way…`);
  const submits = (url: string, headers: Record<string, string>, prefix: string) =>
    client.run({ url, headers, count: SUBMITS, prefix }, 'submits').then((r) => r.times);
  const background = await measureBackground(rig);
  await submits(exchangeUrl, exchangeAuth, 'warm-direct');
  await cancelAll(rig, background);
  await submits(gateway.url, auth, 'warm-gw');
  await cancelAll(rig, background);
  const direct = await submits(exchangeUrl, exchangeAuth, 'direct');
  await cancelAll(rig, background);
  const before = await settled(rig, background);
  const [viaGateway, loop] = await withLoopDelay(() => submits(gateway.url, auth, 'gw'));
  const work = perOrder(before, await settled(rig, background), background, SUBMITS);
  await cancelAll(rig, background);
  let alloc: { submitAllocKbPerOrder: number } | undefined;
  if (allocation) {
    const bytes = await allocatedBytes(async () => {
      await submits(gateway.url, auth, 'alloc');
      await settled(rig, background);
    });
    alloc = { submitAllocKbPerOrder: Number((bytes / 1024 / SUBMITS).toFixed(1)) };
    await cancelAll(rig, background);
  }
  log(
    `${store}: direct p50 ${ms(percentile(direct, 50))} ms, via the gateway p50 ${ms(percentile(viaGateway, 50))} ms ` +
      `p99 ${ms(percentile(viaGateway, 99))} ms; loop delay p99 ${loop.p99Ms} ms; ` +
      `${work.txPerOrder} transactions and ${work.statementsPerOrder} statements an order`,
  );

  log(`${store}: fixed-rate sweep at ${SWEEP_RATES.join(', ')} orders/s, ${STEP_SECONDS}s a step…`);
  const sweep: Array<Record<string, number | string | null>> = [];
  let failures = 0;
  for (const rate of SWEEP_RATES) {
    const count = Math.max(100, Math.round(rate * STEP_SECONDS));
    // The exchange alone at the same rate first: the anchor of the step.
    const directCpu = [processCpuMs(rig.exchangePid), processCpuMs(client.pid)];
    const direct = await client.run(
      { url: exchangeUrl, headers: exchangeAuth, rate, count, prefix: `d${rate}`, timeoutMs: 60_000 },
      'open-loop',
    );
    const directCpuAfter = [processCpuMs(rig.exchangePid), processCpuMs(client.pid)];
    await cancelAll(rig, background);
    const stepBefore = await settled(rig, background);
    const cpuBefore = process.cpuUsage();
    const peersBefore = [processCpuMs(rig.exchangePid), processCpuMs(client.pid)];
    const [result, stepLoop] = await withLoopDelay(() =>
      client.run(
        { url: gateway.url, headers: auth, rate, count, prefix: `r${rate}`, timeoutMs: 60_000 },
        'open-loop',
      ),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const peersAfter = [processCpuMs(rig.exchangePid), processCpuMs(client.pid)];
    const stepWork = perOrder(stepBefore, await settled(rig, background), background, count);
    await cancelAll(rig, background);
    const p99Ms = result.times.length > 0 ? ms(percentile(result.times, 99)) : null;
    const met = result.errors === 0 && p99Ms !== null && p99Ms <= P99_GOAL_MS;
    sweep.push({
      rate,
      orders: count,
      p50Ms: result.times.length > 0 ? ms(percentile(result.times, 50)) : null,
      p99Ms,
      maxMs: result.times.length > 0 ? ms(result.times.at(-1)!) : null,
      errors: result.errors,
      directP50Ms: direct.times.length > 0 ? ms(percentile(direct.times, 50)) : null,
      directP99Ms: direct.times.length > 0 ? ms(percentile(direct.times, 99)) : null,
      directErrors: direct.errors,
      achievedPerSec: Math.round((count * 1000) / Math.max(1, result.elapsedMs)),
      eventLoopDelayP99Ms: stepLoop.p99Ms,
      gatewayCpuMsPerOrder: Number(((cpu.user + cpu.system) / 1000 / count).toFixed(2)),
      exchangeCpuMsPerOrder: cpuPerOrder(peersBefore[0], peersAfter[0], count),
      clientCpuMsPerOrder: cpuPerOrder(peersBefore[1], peersAfter[1], count),
      directExchangeCpuMsPerOrder: cpuPerOrder(directCpu[0], directCpuAfter[0], count),
      directClientCpuMsPerOrder: cpuPerOrder(directCpu[1], directCpuAfter[1], count),
      ...stepWork,
      clientSendLagMaxMs: result.maxSendLagMs,
      ...(result.firstError !== null ? { firstError: result.firstError } : {}),
    });
    log(
      `${store}: ${rate}/s → p50 ${sweep.at(-1)!.p50Ms} ms p99 ${p99Ms} ms, ${result.errors} errors, ` +
        `loop p99 ${stepLoop.p99Ms} ms${met ? '' : ' (over the goal)'}`,
    );
    // Two steps over the goal in a row, or one far over it, end the sweep: higher rates only queue more.
    failures = met ? 0 : failures + 1;
    if (failures >= 2 || p99Ms === null || p99Ms > 4 * P99_GOAL_MS) break;
  }
  const met = sweep.filter((s) => s.errors === 0 && s.p99Ms !== null && (s.p99Ms as number) <= P99_GOAL_MS);
  const maxRateP99Under50Ms = met.length === 0 ? 0 : Math.max(...met.map((s) => s.rate as number));

  await new Promise((r) => setTimeout(r, 500));
  const trip = await tripToAlert(gateway, exchangeUrl, auth);
  return {
    store,
    submitDirectP50Ms: ms(percentile(direct, 50)),
    submitDirectP99Ms: ms(percentile(direct, 99)),
    submitGatewayP50Ms: ms(percentile(viaGateway, 50)),
    submitGatewayP99Ms: ms(percentile(viaGateway, 99)),
    submitAddedP50Ms: ms(percentile(viaGateway, 50) - percentile(direct, 50)),
    submitAddedP99Ms: ms(percentile(viaGateway, 99) - percentile(direct, 99)),
    eventLoopDelayP99Ms: loop.p99Ms,
    eventLoopDelayMaxMs: loop.maxMs,
    ...work,
    ...alloc,
    backgroundTxPerSec: Number((background.transactionsPerMs * 1000).toFixed(1)),
    maxRateP99Under50Ms,
    ...trip,
    sweep,
  };
}

/** A database of its own on the server for one run, and how to drop it; null when unreachable. */
async function freshDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> } | string> {
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    return `cannot reach ${redacted(url)}: ${(error as Error).message}`;
  }
  const name = `riskgate_bench_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    return `cannot create a database on ${redacted(url)}: ${(error as Error).message}`;
  }
  await admin.end();
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  return {
    url: fresh.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A connection string without its password, to print. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function main(): Promise<void> {
  const clientPeer = await forkPeer<unknown>('./gateway-client.ts');
  const client = new Client(clientPeer.child);
  try {
    let check: Awaited<ReturnType<typeof measureCheck>> | undefined;
    let pglite: Awaited<ReturnType<typeof measureSubmissions>> | null = null;
    if (STORES.includes('pglite')) {
      log('pglite: starting a gateway on a fresh embedded store…');
      const rig = await startRig(undefined);
      try {
        check = await measureCheck(rig, client);
        pglite = await measureSubmissions(rig, client, 'pglite');
      } finally {
        await rig.close();
      }
    }

    let postgres: Awaited<ReturnType<typeof measureSubmissions>> | null = null;
    let postgresSkipped: string | undefined;
    if (!STORES.includes('postgres')) {
      postgresSkipped = 'not among --stores';
    } else if (DATABASE_URL === undefined) {
      postgresSkipped = 'no RISKGATE_BENCH_DATABASE_URL or DATABASE_URL set';
    } else {
      const database = await freshDatabase(DATABASE_URL);
      if (typeof database === 'string') postgresSkipped = database;
      else {
        try {
          log(`postgres: starting a gateway on a fresh database ${redacted(database.url)}…`);
          const rig = await startRig(database.url);
          try {
            postgres = await measureSubmissions(rig, client, 'postgres');
          } finally {
            await rig.close();
          }
        } finally {
          await database.drop().catch((error: unknown) => log(`could not drop the bench database: ${error}`));
        }
      }
    }
    if (postgresSkipped !== undefined) console.error(`postgres: skipped (${postgresSkipped})`);

    const result = {
      ...check,
      // The PGlite figures at the top, as before; each store's in full below.
      ...(pglite !== null
        ? {
            submitDirectP50Ms: pglite.submitDirectP50Ms,
            submitGatewayP50Ms: pglite.submitGatewayP50Ms,
            submitAddedP50Ms: pglite.submitAddedP50Ms,
            submitAddedP99Ms: pglite.submitAddedP99Ms,
            tripToAlertMs: pglite.tripToAlertMs,
            tripDetectedToAlertMs: pglite.tripDetectedToAlertMs,
          }
        : {}),
      pglite,
      postgres,
      ...(postgresSkipped !== undefined ? { postgresSkipped } : {}),
      markIntervalMs: MARK_INTERVAL_MS,
      seconds: SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      submits: SUBMITS,
      sweepRates: SWEEP_RATES,
      stepSeconds: STEP_SECONDS,
      quick,
      node: process.version,
      cores: cpus().length,
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    };
    if (json) console.log(JSON.stringify(result));
    else console.dir(result, { depth: 4 });
  } finally {
    clientPeer.child.kill();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
