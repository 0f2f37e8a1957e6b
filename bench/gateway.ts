/**
 * Gateway benchmark (loopback only, bounded in time). Three processes: this one serves the
 * gateway (with its embedded PGlite store) and a bare Fastify route side by side; the simulated
 * exchange runs in a second one (`gateway-exchange.ts`), as a broker would; the load generator
 * runs in a third (`gateway-client.ts`), so it never competes with the servers' event loop.
 * Measured from the client process:
 *  - throughput and latency of `POST /v1/orders/check` and of the bare route, the same way, in
 *    alternating rounds of the same run; then both again at a fixed request rate;
 *  - the latency the gateway adds to an order submission, against sending it straight to the
 *    exchange;
 *  - the time from a price move that breaches the daily-loss limit to the alert.
 * `npm run bench:gateway -- --json` prints one JSON object; `--cpu-prof <file>` also writes
 * CPU profiles of this (server) process during the first round of each route (`<file>` for the
 * check, `<file>.bare.cpuprofile` for the bare route).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import type { Alert } from '../src/gateway/alerts/alert-bus.ts';
import { resolveGatewayConfig } from '../src/gateway/config/load-gateway-config.ts';
import { type RunningGateway, startGateway } from '../src/gateway/gateway.ts';
import {
  type ClientAnswer,
  type ClientJob,
  type LoadJob,
  type LoadResult,
  percentile,
  type SubmitJob,
  type SubmitResult,
} from './gateway-client.ts';
import type { ExchangeReady } from './gateway-exchange.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const cpuProfIndex = args.indexOf('--cpu-prof');
const cpuProfPath = cpuProfIndex >= 0 ? (args[cpuProfIndex + 1] ?? 'gateway-check.cpuprofile') : undefined;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const MARK_INTERVAL_MS = 250;
const log = (line: string) => {
  if (!json) console.error(line);
};

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
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

/** A forked helper process and the message it sent once ready. */
interface Peer<Ready> {
  readonly child: ChildProcess;
  readonly ready: Ready;
}

function forkPeer<Ready>(file: string): Promise<Peer<Ready>> {
  // execArgv is explicit so that a --cpu-prof given to this process is not inherited.
  const child = fork(new URL(file, import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.once('message', (ready) => resolve({ child, ready: ready as Ready }));
  });
}

/** A load run and the CPU time this (server) process spent during it, per request. */
interface Measured extends LoadResult {
  readonly serverCpuUsPerRequest: number;
}

/** Sends jobs to the client process and resolves with its answers. */
class Client {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (answer: ClientAnswer) => void>();
  #next = 1;

  constructor(child: ChildProcess) {
    this.#child = child;
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
  run(job: Omit<LoadJob, 'type'> | Omit<SubmitJob, 'type'>, kind: 'load' | 'submits' = 'load') {
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-'));
  const cleanup: (() => Promise<unknown> | undefined)[] = [
    async () => rmSync(dir, { recursive: true, force: true }),
  ];
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
    const auth = { 'APCA-API-KEY-ID': key.key.keyId, 'APCA-API-SECRET-KEY': key.secret };
    const bare = await startBareRoute(gateway.services.ctx.config.http.bodyLimitBytes);
    cleanup.unshift(() => bare.close());
    const clientPeer = await forkPeer<unknown>('./gateway-client.ts');
    cleanup.unshift(async () => clientPeer.child.kill());
    const client = new Client(clientPeer.child);

    const checkJob = { url: `${gateway.url}/v1/orders/check`, headers: auth, body: CHECK_BODY };
    const bareJob = { url: `${bare.url}/check`, headers: {}, body: CHECK_BODY };
    const flat = { seconds: SECONDS, connections: CONNECTIONS };
    log(`warming up; then ${ROUNDS} rounds of ${SECONDS}s per route, ${CONNECTIONS} connections…`);
    await client.run({ ...bareJob, seconds: 2, connections: CONNECTIONS });
    await client.run({ ...checkJob, seconds: 2, connections: CONNECTIONS });
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
    log(`latency at a fixed ${RATE} req/s…`);
    const bareAtRate = await client.load({ ...bareJob, ...flat, rate: RATE });
    const checkAtRate = await client.load({ ...checkJob, ...flat, rate: RATE });

    log(`timing ${SUBMITS} sequential submissions each way…`);
    const exchangeAuth = { 'APCA-API-KEY-ID': keyId, 'APCA-API-SECRET-KEY': secretKey };
    // Resting orders are cancelled after each run so buying power never runs out at the exchange.
    const cancelAll = () =>
      fetch(`${exchangeUrl}/v2/orders`, { method: 'DELETE', headers: exchangeAuth }).then((r) => r.text());
    const submits = async (url: string, headers: Record<string, string>, prefix: string) => {
      const { times } = await client.run({ url, headers, count: SUBMITS, prefix }, 'submits');
      await cancelAll();
      return times;
    };
    await submits(exchangeUrl, exchangeAuth, 'warm-direct');
    await submits(gateway.url, auth, 'warm-gw');
    const direct = await submits(exchangeUrl, exchangeAuth, 'direct');
    const viaGateway = await submits(gateway.url, auth, 'gw');
    await new Promise((r) => setTimeout(r, 500));
    const trip = await tripToAlert(gateway, exchangeUrl, auth);

    const checkReqPerSec = median(checkRuns.map((r) => r.reqPerSec));
    const bareReqPerSec = median(bareRuns.map((r) => r.reqPerSec));
    const ms = (v: number) => Number(v.toFixed(3));
    const result = {
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
      submitDirectP50Ms: ms(percentile(direct, 50)),
      submitGatewayP50Ms: ms(percentile(viaGateway, 50)),
      submitAddedP50Ms: ms(percentile(viaGateway, 50) - percentile(direct, 50)),
      submitAddedP99Ms: ms(percentile(viaGateway, 99) - percentile(direct, 99)),
      ...trip,
      markIntervalMs: MARK_INTERVAL_MS,
      seconds: SECONDS,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      submits: SUBMITS,
      node: process.version,
      cores: cpus().length,
      loadAverage: Number(loadavg()[0]!.toFixed(2)),
    };
    if (json) console.log(JSON.stringify(result));
    else console.log(result);
  } finally {
    for (const step of cleanup) await step()?.catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
