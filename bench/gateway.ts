/**
 * Gateway benchmark (loopback only, bounded in time):
 *  - throughput and p99 of the dry-run check endpoint against a bare Fastify route in the same run;
 *  - the latency the gateway adds to an order submission compared with sending it straight to
 *    the simulated exchange;
 *  - the time from a price move that breaches the daily-loss limit to the alert.
 * `npm run bench:gateway -- --json` prints one JSON object.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import type { Alert } from '../src/gateway/alerts/alert-bus.ts';
import { resolveGatewayConfig } from '../src/gateway/config/load-gateway-config.ts';
import { startGateway } from '../src/gateway/gateway.ts';

const json = process.argv.includes('--json');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 200);
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

async function cannon(url: string, headers: Record<string, string>) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: CHECK_BODY,
    connections: 10,
    duration: SECONDS,
  });
  return {
    reqPerSec: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    errors: result.non2xx + result.errors,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timeSubmits(url: string, headers: Record<string, string>, prefix: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < SUBMITS; i++) {
    const body = JSON.stringify({
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '60',
      time_in_force: 'day',
      order_class: 'bracket',
      take_profit: { limit_price: '70' },
      stop_loss: { stop_price: '55' },
      client_order_id: `${prefix}-${i}`,
    });
    const start = performance.now();
    const response = await fetch(`${url}/v2/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await response.text();
    times.push(performance.now() - start);
    if (response.status !== 200)
      throw new Error(`${prefix} submit ${i}: HTTP ${response.status} ${await response.text()}`);
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-'));
  const profilePath = join(dir, 'profile.yaml');
  writeFileSync(profilePath, PROFILE);
  const sim = await SimExchange.start({ clock: { mode: 'real' }, rateLimit: { limit: 1_000_000_000 } });
  sim.setQuote('AAPL', 100, 100.02);
  const gateway = await startGateway({
    config: resolveGatewayConfig({
      flags: {
        port: '0',
        dataDir: dir,
        profile: profilePath,
        broker: 'alpaca',
        alpacaMode: 'paper',
        alpacaUrl: sim.url,
        markIntervalMs: '250',
        reconcileIntervalMs: '600000',
        logLevel: 'warn',
        demoKeys: 'false',
      },
      env: { ALPACA_API_KEY_ID: sim.keyId, ALPACA_API_SECRET_KEY: sim.secretKey },
    }),
    logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
    brokerOverrides: { requestsPerMinute: 1_000_000_000, maxConcurrent: 64 },
  });
  const key = await gateway.store.apiKeys.create({
    role: 'trader',
    label: 'bench',
    by: 'bench',
    at: Date.now(),
  });
  const auth = { 'APCA-API-KEY-ID': key.key.keyId, 'APCA-API-SECRET-KEY': key.secret };

  const bare = Fastify();
  bare.post('/check', async (request) => {
    const b = request.body as Record<string, unknown>;
    return { outcome: 'accept', symbol: b.symbol, violations: [] };
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareAddress = bare.server.address();
  const bareUrl = `http://127.0.0.1:${typeof bareAddress === 'object' && bareAddress !== null ? bareAddress.port : 0}`;

  log(`warming up (${SECONDS}s runs, 10 connections)…`);
  await cannon(`${gateway.url}/v1/orders/check`, auth);
  const bareRun = await cannon(`${bareUrl}/check`, {});
  const checkRun = await cannon(`${gateway.url}/v1/orders/check`, auth);
  log(
    `check: ${checkRun.reqPerSec.toFixed(0)} req/s p99 ${checkRun.p99Ms} ms; bare: ${bareRun.reqPerSec.toFixed(0)} req/s`,
  );

  log(`timing ${SUBMITS} sequential submissions each way…`);
  const simAuth = { 'APCA-API-KEY-ID': sim.keyId, 'APCA-API-SECRET-KEY': sim.secretKey };
  // Resting orders are cancelled after each run so buying power never runs out at the exchange.
  const cancelAll = () =>
    fetch(`${sim.url}/v2/orders`, { method: 'DELETE', headers: simAuth }).then((r) => r.text());
  await timeSubmits(sim.url, simAuth, 'warm-direct');
  await cancelAll();
  await timeSubmits(gateway.url, auth, 'warm-gw');
  await cancelAll();
  const direct = await timeSubmits(sim.url, simAuth, 'direct');
  await cancelAll();
  const viaGateway = await timeSubmits(gateway.url, auth, 'gw');
  await cancelAll();
  await new Promise((r) => setTimeout(r, 500));

  // Trip-to-alert: a position, then a price move through the daily-loss limit.
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
  sim.setQuote('AAPL', 100, 100.02);
  const deadline = Date.now() + 20_000;
  while (gateway.services.ctx.risk.engine.snapshot().positions.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  const moved = Date.now();
  sim.setQuote('AAPL', 85, 85.02);
  let trip: Alert | undefined;
  while (trip === undefined && Date.now() < deadline) {
    trip = alerts.find((a) => a.code === 'DAILY_LOSS_LIMIT');
    await new Promise((r) => setTimeout(r, 5));
  }

  const result = {
    checkReqPerSec: Math.round(checkRun.reqPerSec),
    bareReqPerSec: Math.round(bareRun.reqPerSec),
    checkThroughputRatio: Number((checkRun.reqPerSec / bareRun.reqPerSec).toFixed(3)),
    checkP50Ms: checkRun.p50Ms,
    checkP99Ms: checkRun.p99Ms,
    bareP99Ms: bareRun.p99Ms,
    checkErrors: checkRun.errors,
    submitDirectP50Ms: Number(percentile(direct, 50).toFixed(3)),
    submitGatewayP50Ms: Number(percentile(viaGateway, 50).toFixed(3)),
    submitAddedP50Ms: Number((percentile(viaGateway, 50) - percentile(direct, 50)).toFixed(3)),
    submitAddedP99Ms: Number((percentile(viaGateway, 99) - percentile(direct, 99)).toFixed(3)),
    tripToAlertMs: trip === undefined ? null : trip.raisedAt - moved,
    tripDetectedToAlertMs: trip === undefined ? null : trip.latencyMs,
    markIntervalMs: 250,
    seconds: SECONDS,
    submits: SUBMITS,
    node: process.version,
  };
  await bare.close();
  await gateway.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  if (json) console.log(JSON.stringify(result));
  else console.log(result);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
