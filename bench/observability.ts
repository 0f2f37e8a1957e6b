/**
 * Cost of the gateway's observability: one refresh of the account gauges (run on every account
 * poll and at each scrape), one whole `/metrics` scrape body, and one order-decision log line.
 *
 *   npm run bench:observability            # readable table
 *   npm run bench:observability -- --json  # one JSON line
 *
 * Setup: 500 open positions across 10 sectors, all on the watch list, every limit and breaker
 * of the profile set; the log line goes through the gateway's logger to /dev/null.
 */
import { cpus, loadavg } from 'node:os';
import pino from 'pino';
import { ManualClock } from '../src/core/clock.ts';
import { parseProfile } from '../src/core/config/load-profile.ts';
import type { Decision } from '../src/core/decision.ts';
import { RiskEngine } from '../src/core/engine.ts';
import { stock } from '../src/core/instrument.ts';
import type { OrderIntent } from '../src/core/order.ts';
import { gatewayLogger } from '../src/gateway/gateway.ts';
import { GatewayMetrics } from '../src/gateway/metrics/gateway-metrics.ts';
import { logDecision } from '../src/gateway/orders/decision-log.ts';

const json = process.argv.includes('--json');
const POSITIONS = 500;
const SECTORS = 10;

function build() {
  const parsed = parseProfile({
    startingEquity: 10_000_000,
    marketData: { maxQuoteAgeMs: 60_000 },
    orders: { maxQuantity: 5_000, maxNotional: { usd: 200_000 } },
    positions: { maxOpen: 1_000 },
    exposure: {
      symbol: { percent: 3 },
      sector: { percent: 40 },
      gross: { percent: 300 },
      net: { percent: 200 },
    },
    breakers: {
      dailyLoss: { percent: 50 },
      equityFloor: { usd: 1 },
      maxDrawdown: { percent: 90 },
      lossStreak: { losses: 1_000_000 },
      vix: { above: 1_000, resumeBelow: 900 },
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 0));
  const symbols = Array.from({ length: POSITIONS }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const engine = new RiskEngine({
    profile: parsed.value,
    clock,
    instruments: symbols.map((s, i) => stock(s, `Sector${i % SECTORS}`)),
  });
  symbols.forEach((symbol, i) => {
    const price = 20 + (i % 50) * 4;
    engine.onMarket({ kind: 'mark', symbol, time: clock.now(), price });
    engine.onFill({ executionId: `e${i}`, symbol, side: 'buy', qty: 100, price, time: clock.now() });
  });
  return { engine, symbols, clock };
}

/** Mean time of `fn` in microseconds over enough runs to take about `ms` milliseconds. */
function time(fn: () => void, ms: number): { meanUs: number; runs: number } {
  for (let i = 0; i < 50; i++) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    fn();
    runs++;
  }
  return { meanUs: ((performance.now() - start) * 1000) / runs, runs };
}

const { engine, symbols, clock } = build();
const metrics = new GatewayMetrics();
const refresh = time(
  () =>
    metrics.account.update({
      snapshot: engine.snapshot(),
      profile: engine.profile,
      indexLevel: (name) => engine.indexLevel(name),
      watched: symbols,
      priceTime: (symbol) => engine.book.symbols.get(symbol)?.priceTime,
      now: clock.now(),
    }),
  1_000,
);
let body = '';
const scrapeStart = performance.now();
let scrapes = 0;
while (performance.now() - scrapeStart < 1_000) {
  body = await metrics.registry.metrics();
  scrapes++;
}
const scrapeUs = ((performance.now() - scrapeStart) * 1000) / scrapes;

const log = gatewayLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
const intent: OrderIntent = {
  clientOrderId: 'bench-1',
  symbol: 'S001',
  side: 'buy',
  qty: 10,
  type: 'market',
  timeInForce: 'day',
  strategy: 'bench',
};
const decision: Decision = { kind: 'accept', effect: 'increase' };
const principal = { keyId: 'rk_0123456789abcdef', role: 'trader' as const, label: 'bench trader' };
const logLine = time(() => logDecision(log, decision, intent, principal), 1_000);
log.flush();

const result = {
  benchmark: 'observability',
  positions: POSITIONS,
  sectors: SECTORS,
  gaugeRefreshUs: Number(refresh.meanUs.toFixed(1)),
  scrapeUs: Number(scrapeUs.toFixed(0)),
  scrapeBytes: body.length,
  scrapeSeries: body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
  decisionLogUs: Number(logLine.meanUs.toFixed(2)),
  machine: {
    cpus: cpus().length,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
  },
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(`observability cost (${POSITIONS} positions in ${SECTORS} sectors, all watched)`);
  console.log(`  account gauge refresh (snapshot included)  ${result.gaugeRefreshUs} µs`);
  console.log(
    `  /metrics body                              ${result.scrapeUs} µs, ${result.scrapeBytes} bytes, ${result.scrapeSeries} series`,
  );
  console.log(`  one order-decision log line                ${result.decisionLogUs} µs`);
}
