/**
 * Pre-trade check and market-event throughput of the RiskEngine.
 *
 *   npm run bench:core            # readable table
 *   npm run bench:core -- --json  # one JSON line
 *
 * Setup: 20 pre-trade rules, 500 open positions across 10 sectors, 5 exit rules and 5
 * breakers. Checks are dry runs (nothing is reserved) on a fixed mix of about 80% accepted
 * and 20% denied orders. Latency percentiles are per single check, with the timer's own cost
 * (median of empty timings, reported as timerNs) subtracted.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { ManualClock } from '../src/core/clock.ts';
import { parseProfile } from '../src/core/config/load-profile.ts';
import { RiskEngine } from '../src/core/engine.ts';
import { stock } from '../src/core/instrument.ts';
import type { Mark } from '../src/core/market.ts';
import type { OrderIntent } from '../src/core/order.ts';

const json = process.argv.includes('--json');
const POSITIONS = 500;
const SECTORS = 10;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build() {
  const parsed = parseProfile({
    startingEquity: 10_000_000,
    marketData: { maxQuoteAgeMs: 60_000 },
    orders: {
      maxQuantity: 5_000,
      maxNotional: { usd: 200_000 },
      priceCollarPercent: 10,
      rateLimit: { perSecond: 1e9, perMinute: 1e12 },
    },
    positions: { maxQuantity: 50_000, maxNotional: { usd: 400_000 }, maxOpen: 1_000 },
    exposure: {
      symbol: { percent: 3 },
      sector: { percent: 40 },
      unknownSector: { percent: 1 },
      gross: { percent: 300 },
      net: { percent: 200 },
    },
    restrictedSymbols: ['XXX'],
    protectiveStop: { required: true, policy: 'deny' },
    repeatedExecution: { maxFills: 1_000_000, windowSeconds: 60 },
    breakers: {
      dailyLoss: { percent: 50 },
      equityFloor: { usd: 1 },
      maxDrawdown: { percent: 90 },
      lossStreak: { losses: 1_000_000 },
      vix: { above: 1_000, resumeBelow: 900 },
    },
    exits: {
      fixedStop: { percent: 30 },
      takeProfit: { percent: 80 },
      trailingStop: { percent: 40 },
      breakeven: { afterR: 50 },
      timeExit: { maxBars: 1_000_000, timeframe: '1m' },
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 0));
  const symbols = Array.from({ length: POSITIONS }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const instruments = symbols.map((s, i) => stock(s, `Sector${i % SECTORS}`));
  const engine = new RiskEngine({ profile: parsed.value, clock, instruments });
  const prices = symbols.map((_, i) => 20 + (i % 50) * 4);
  symbols.forEach((symbol, i) => {
    engine.onMarket({ kind: 'mark', symbol, time: clock.now(), price: prices[i]! });
    engine.onFill({
      executionId: `e${i}`,
      symbol,
      side: i % 7 === 0 ? 'sell' : 'buy',
      qty: 100,
      price: prices[i]!,
      time: clock.now(),
    });
  });
  return { engine, clock, symbols, prices };
}

function orders(symbols: string[], prices: number[]): { orders: OrderIntent[]; expectDeny: number } {
  const random = rng(42);
  const list: OrderIntent[] = [];
  let expectDeny = 0;
  for (let i = 0; i < 4096; i++) {
    const k = Math.floor(random() * symbols.length);
    const price = prices[k]!;
    const deny = random() < 0.2;
    if (deny) expectDeny++;
    const qty = deny ? 4_000 + Math.floor(random() * 2_000) : 1 + Math.floor(random() * 20);
    const stop = Math.round(price * 0.95 * 100) / 100;
    list.push({
      clientOrderId: `c${i}`,
      symbol: symbols[k]!,
      side: 'buy',
      qty,
      type: 'limit',
      limitPrice: price,
      timeInForce: 'day',
      protection: { stopLoss: stop },
      strategy: 'bench',
    });
  }
  return { orders: list, expectDeny };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const { engine, clock, symbols, prices } = build();
const { orders: mix } = orders(symbols, prices);

// Warm up the JIT, then check the decision mix.
let denied = 0;
for (let i = 0; i < 200_000; i++) engine.validateOrder(mix[i & 4095]!, { dryRun: true });
for (const o of mix) if (engine.validateOrder(o, { dryRun: true }).kind === 'deny') denied++;

// Throughput.
const dry = { dryRun: true } as const;
const CHECKS = 2_000_000;
let t0 = process.hrtime.bigint();
for (let i = 0; i < CHECKS; i++) engine.validateOrder(mix[i & 4095]!, dry);
const checkSec = Number(process.hrtime.bigint() - t0) / 1e9;

// Latency distribution per check: each check timed on its own, minus the timer's own cost
// (the median of empty timings), so p50/p99 are of single checks in the 80/20 mix.
const SAMPLES = 400_000;
const overheads = new Float64Array(100_000);
for (let s = 0; s < overheads.length; s++) {
  const start = process.hrtime.bigint();
  overheads[s] = Number(process.hrtime.bigint() - start);
}
overheads.sort();
const timerNs = percentile(overheads, 0.5);
const samples = new Float64Array(SAMPLES);
for (let s = 0; s < SAMPLES; s++) {
  const o = mix[s & 4095]!;
  const start = process.hrtime.bigint();
  engine.validateOrder(o, dry);
  samples[s] = Math.max(0, Number(process.hrtime.bigint() - start) - timerNs);
}
samples.sort();

// Allocation on the accept path: count young-generation collections (scavenges) while
// running only accepted checks. Any per-check allocation would fill the nursery many times
// over in this many checks, so zero scavenges means the accept path allocates nothing.
const accepts = mix.filter((o) => engine.validateOrder(o, dry).kind === 'accept');
const ACCEPT_CHECKS = 5_000_000;
let scavenges = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      scavenges++;
  }
});
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await new Promise((r) => setTimeout(r, 50));
observer.observe({ entryTypes: ['gc'] });
for (let i = 0; i < ACCEPT_CHECKS; i++) engine.validateOrder(accepts[i % accepts.length]!, dry);
await new Promise((r) => setTimeout(r, 50));
observer.disconnect();

// Market events over the 500 positions (each mark runs 5 exit rules and 5 breakers).
const random = rng(7);
const marks: Mark[] = [];
for (let i = 0; i < 50_000; i++) {
  const k = i % POSITIONS;
  marks.push({
    kind: 'mark',
    symbol: symbols[k]!,
    time: 0,
    price: prices[k]! * (1 + (random() - 0.5) * 0.01),
  });
}
const EVENTS = 1_000_000;
for (let i = 0; i < 100_000; i++) engine.onMarket(marks[i % marks.length]!);
t0 = process.hrtime.bigint();
for (let i = 0; i < EVENTS; i++) {
  const m = marks[i % marks.length]!;
  engine.onMarket(m);
}
const marketSec = Number(process.hrtime.bigint() - t0) / 1e9;
void clock;

const result = {
  rules: 20,
  positions: POSITIONS,
  sectors: SECTORS,
  deniedShare: Number((denied / mix.length).toFixed(3)),
  checksPerSec: Math.round(CHECKS / checkSec),
  p50Ns: Math.round(percentile(samples, 0.5)),
  p99Ns: Math.round(percentile(samples, 0.99)),
  p999Ns: Math.round(percentile(samples, 0.999)),
  timerNs: Math.round(timerNs),
  marketEventsPerSec: Math.round(EVENTS / marketSec),
  acceptChecks: ACCEPT_CHECKS,
  acceptPathScavenges: scavenges,
  node: process.version,
};

if (json) console.log(JSON.stringify(result));
else {
  console.log('riskgate core benchmark (RiskEngine.validateOrder / onMarket)');
  console.log(
    `  rules ${result.rules}, positions ${result.positions} across ${result.sectors} sectors, denied share ${result.deniedShare}`,
  );
  console.log(`  checks/s            ${result.checksPerSec.toLocaleString('en-US')}`);
  console.log(`  check p50 / p99     ${result.p50Ns} ns / ${result.p99Ns} ns  (p99.9 ${result.p999Ns} ns)`);
  console.log(`  market events/s     ${result.marketEventsPerSec.toLocaleString('en-US')}`);
  console.log(
    `  accept-path GCs     ${result.acceptPathScavenges} young-generation collections in ${result.acceptChecks.toLocaleString('en-US')} accepted checks`,
  );
}
