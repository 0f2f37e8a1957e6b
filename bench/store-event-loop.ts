/**
 * Event-loop delay of the gateway's process while orders are submitted through it, with the
 * embedded PGlite store run on the event loop's thread (`main`) and in its worker thread
 * (`worker`, the default), in alternating rounds of one run. As in `bench/gateway.ts`, the
 * simulated exchange and the load generator run in processes of their own; this process runs
 * only the gateway, so `perf_hooks.monitorEventLoopDelay` sees the delays its own work causes
 * (HTTP, risk checks, store commits, monitors) and nothing of the client's.
 *
 *   npm run bench:store -- --event-loop [--json]
 *   env: BENCH_ROUNDS (per thread, default 2), BENCH_STREAMS (concurrent submitters, default 8),
 *        BENCH_ORDERS (orders per submitter and round, default 50)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { resolveGatewayConfig } from '../src/gateway/config/load-gateway-config.ts';
import { startGateway } from '../src/gateway/gateway.ts';
import type { PgliteThread } from '../src/store/pglite-database.ts';
import { forkPeer } from './fork-peer.ts';
import { type ClientAnswer, percentile, type SubmitJob, type SubmitResult } from './gateway-client.ts';
import type { ExchangeReady } from './gateway-exchange.ts';

const json = process.argv.includes('--json');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 8);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 50);
const log = (line: string) => {
  if (!json) console.error(line);
};

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000000
    marketData: { maxQuoteAgeMs: 3600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, priceCollarPercent: 80 }
    exposure: { symbol: { usd: 1000000000 }, gross: { usd: 10000000000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
`;

/** One round: a fresh gateway and store, `STREAMS` submitters of `ORDERS` sequential orders each. */
async function round(
  thread: PgliteThread,
  index: number,
  exchange: ExchangeReady,
  send: (job: SubmitJob) => Promise<SubmitResult>,
) {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-loop-'));
  const profilePath = join(dir, 'profile.yaml');
  writeFileSync(profilePath, PROFILE);
  const gateway = await startGateway({
    config: resolveGatewayConfig({
      flags: {
        port: '0',
        dataDir: dir,
        profile: profilePath,
        broker: 'alpaca',
        alpacaMode: 'paper',
        alpacaUrl: exchange.url,
        markIntervalMs: '250',
        reconcileIntervalMs: '600000',
        logLevel: 'warn',
        demoKeys: 'false',
        keyRateLimit: '0',
      },
      env: { ALPACA_API_KEY_ID: exchange.keyId, ALPACA_API_SECRET_KEY: exchange.secretKey },
    }),
    logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
    brokerOverrides: { requestsPerMinute: 1_000_000_000, maxConcurrent: 64, clientSharePercent: 100 },
    pgliteThread: thread,
  });
  try {
    const key = await gateway.store.apiKeys.create({
      role: 'trader',
      label: 'bench',
      by: 'bench',
      at: Date.now(),
    });
    const headers = { 'APCA-API-KEY-ID': key.key.keyId, 'APCA-API-SECRET-KEY': key.secret };
    const submitAll = (prefix: string, count: number) =>
      Promise.all(
        Array.from({ length: STREAMS }, (_, s) =>
          send({ type: 'submits', url: gateway.url, headers, count, prefix: `${prefix}-${s}` }),
        ),
      );
    await submitAll(`warm-${thread}-${index}`, 5);
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    histogram.enable();
    const results = await submitAll(`run-${thread}-${index}`, ORDERS);
    histogram.disable();
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const times = results.flatMap((r) => r.times).sort((a, b) => a - b);
    const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
    return {
      thread,
      eventLoopDelayP50Ms: ms(histogram.percentile(50)),
      eventLoopDelayP99Ms: ms(histogram.percentile(99)),
      eventLoopDelayMaxMs: ms(histogram.max),
      ordersPerSec: Math.round(times.length / (elapsed / 1000)),
      submitP50Ms: Number(percentile(times, 50).toFixed(2)),
      submitP99Ms: Number(percentile(times, 99).toFixed(2)),
      mainThreadCpuMsPerOrder: Number(((cpu.user + cpu.system) / 1000 / times.length).toFixed(2)),
      orders: times.length,
    };
  } finally {
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
    // Resting orders are cancelled after each round so buying power never runs out at the exchange.
    // A kept-alive connection the exchange closed meanwhile fails once: retried.
    const cancelAll = () =>
      fetch(`${exchange.url}/v2/orders`, {
        method: 'DELETE',
        headers: { 'APCA-API-KEY-ID': exchange.keyId, 'APCA-API-SECRET-KEY': exchange.secretKey },
      }).then((r) => r.text());
    await cancelAll().catch(cancelAll);
  }
}

const exchange = await forkPeer<ExchangeReady>('./gateway-exchange.ts');
const client = await forkPeer<unknown>('./gateway-client.ts');
const waiting = new Map<number, (answer: ClientAnswer) => void>();
client.child.on('message', (answer: ClientAnswer) => waiting.get(answer.id)?.(answer));
let nextId = 1;
const send = (job: SubmitJob) =>
  new Promise<SubmitResult>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, (answer) => {
      waiting.delete(id);
      if (answer.ok) resolve(answer.result as SubmitResult);
      else reject(new Error(answer.error));
    });
    client.child.send({ ...job, id });
  });
try {
  const rounds: Awaited<ReturnType<typeof round>>[] = [];
  log(`event-loop delay: ${ROUNDS} rounds per thread, ${STREAMS} submitters × ${ORDERS} orders…`);
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which thread goes first, so neither always runs on a quieter machine.
    for (const thread of (i % 2 === 0 ? ['main', 'worker'] : ['worker', 'main']) as PgliteThread[]) {
      const result = await round(thread, i, exchange.ready, send);
      console.error(JSON.stringify(result));
      rounds.push(result);
    }
  }
  const median = (thread: PgliteThread, key: keyof (typeof rounds)[number]) => {
    const values = rounds
      .filter((r) => r.thread === thread)
      .map((r) => r[key] as number)
      .sort((a, b) => a - b);
    return percentile(values, 50);
  };
  const keys = [
    'eventLoopDelayP99Ms',
    'eventLoopDelayMaxMs',
    'ordersPerSec',
    'submitP50Ms',
    'submitP99Ms',
  ] as const;
  const summary = {
    main: Object.fromEntries(keys.map((k) => [k, median('main', k)])),
    worker: Object.fromEntries(keys.map((k) => [k, median('worker', k)])),
    rounds,
    streams: STREAMS,
    ordersPerStream: ORDERS,
    node: process.version,
    cores: cpus().length,
    loadAverage: Number(loadavg()[0]!.toFixed(2)),
  };
  console.log(json ? JSON.stringify(summary) : summary);
} finally {
  exchange.child.kill();
  client.child.kill();
}
process.exit(0);
