/**
 * Pre-trade check and market-event throughput of the RiskEngine.
 *
 *   npm run bench:core            # readable table
 *   npm run bench:core -- --json  # one JSON line
 *
 * Setup: 20 pre-trade rules, open positions across 10 sectors (a sweep of 10, 500, 5,000 and
 * 50,000; equity grows with the book beyond 500 so the percent limits decide the same way),
 * 5 exit rules and 5 breakers. Checks are dry runs (nothing is reserved) on a fixed mix of about
 * 80% accepted and 20% denied orders. Latency percentiles are per single check, with the timer's
 * own cost (median of empty timings, reported as timerNs) subtracted. Allocation on the accept
 * path is measured twice: bytes of heap a check leaves behind (heap used before and after
 * batches of accepted checks, with no collection in between) and young-generation collections
 * over millions of accepted checks. The largest book is measured once more with the orders on 500
 * of its symbols, spread evenly over it (`activeSet`, `largestActiveToBaseP50`): the check's cost
 * when the book is large but the symbols traded are as many as in the base book, which separates
 * the data structures' own growth from the cache and TLB misses of touching thousands of symbols.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Mark } from '../src/core/market.ts';
import type { OrderIntent } from '../src/core/order.ts';
import { BASE_POSITIONS, build, orders, RULES, rng, SECTORS } from './core-setup.ts';

const json = process.argv.includes('--json');
const SWEEP = [10, 500, 5_000, 50_000];

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const dry = { dryRun: true } as const;
const gc = (globalThis as { gc?: () => void }).gc;
type Engine = ReturnType<typeof build>['engine'];

/** Median of empty timings: the timer's own cost, subtracted from every single-check sample. */
function timerCost(): number {
  const overheads = new Float64Array(100_000);
  for (let s = 0; s < overheads.length; s++) {
    const start = process.hrtime.bigint();
    overheads[s] = Number(process.hrtime.bigint() - start);
  }
  overheads.sort();
  return percentile(overheads, 0.5);
}

/**
 * Heap bytes an accepted check leaves behind: heap used before and after batches of accepted
 * checks, minus the same measurement around an empty batch. A batch whose heap shrank had a
 * collection inside it and is dropped; the figure is the median over the batches.
 */
function allocatedBytesPerCheck(engine: Engine, accepts: OrderIntent[]): number {
  const BATCH = 20_000;
  const perBatch: number[] = [];
  const empty: number[] = [];
  for (let round = 0; round < 15; round++) {
    gc?.();
    let before = getHeapStatistics().used_heap_size;
    empty.push(getHeapStatistics().used_heap_size - before);
    gc?.();
    before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < BATCH; i++) engine.validateOrder(accepts[i % accepts.length]!, dry);
    const grown = getHeapStatistics().used_heap_size - before;
    if (grown >= 0) perBatch.push(grown);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return Math.max(0, median(perBatch) - median(empty)) / BATCH;
}

/** Young-generation collections while running only accepted checks. */
async function acceptPathScavenges(engine: Engine, accepts: OrderIntent[], checks: number): Promise<number> {
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
        scavenges++;
    }
  });
  gc?.();
  await new Promise((r) => setTimeout(r, 50));
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < checks; i++) engine.validateOrder(accepts[i % accepts.length]!, dry);
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  return scavenges;
}

const timerNs = timerCost();

/**
 * Checks at one book size: throughput, single-check latency, and accept-path allocation. With
 * `active`, the orders fall on that many of the book's symbols only, spread evenly over it.
 */
async function measureChecks(positions: number, active?: number) {
  const built = build(positions);
  const { engine } = built;
  const stride = active === undefined ? 1 : Math.max(1, Math.floor(positions / active));
  const picked = built.symbols.map((_, i) => i).filter((i) => i % stride === 0);
  const { orders: mix } = orders(
    picked.map((i) => built.symbols[i]!),
    picked.map((i) => built.prices[i]!),
  );
  // Warm up the JIT, then check the decision mix.
  for (let i = 0; i < 200_000; i++) engine.validateOrder(mix[i & 4095]!, dry);
  let denied = 0;
  for (const o of mix) if (engine.validateOrder(o, dry).kind === 'deny') denied++;

  const CHECKS = 2_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CHECKS; i++) engine.validateOrder(mix[i & 4095]!, dry);
  const checkSec = Number(process.hrtime.bigint() - t0) / 1e9;

  // Each check timed on its own, minus the timer's own cost, so p50/p99 are of single checks.
  const SAMPLES = 400_000;
  const samples = new Float64Array(SAMPLES);
  for (let s = 0; s < SAMPLES; s++) {
    const o = mix[s & 4095]!;
    const start = process.hrtime.bigint();
    engine.validateOrder(o, dry);
    samples[s] = Math.max(0, Number(process.hrtime.bigint() - start) - timerNs);
  }
  samples.sort();

  const accepts = mix.filter((o) => engine.validateOrder(o, dry).kind === 'accept');
  const allocBytes = allocatedBytesPerCheck(engine, accepts);
  const acceptChecks = positions === BASE_POSITIONS ? 5_000_000 : 1_000_000;
  const scavenges = await acceptPathScavenges(engine, accepts, acceptChecks);
  const p50Ns = Math.round(percentile(samples, 0.5));
  return {
    positions,
    activeSymbols: picked.length,
    deniedShare: Number((denied / mix.length).toFixed(3)),
    checksPerSec: Math.round(CHECKS / checkSec),
    p50Ns,
    p99Ns: Math.round(percentile(samples, 0.99)),
    p999Ns: Math.round(percentile(samples, 0.999)),
    nsPerRule: Number((p50Ns / RULES).toFixed(1)),
    acceptAllocBytesPerCheck: Number(allocBytes.toFixed(2)),
    acceptChecks,
    acceptPathScavenges: scavenges,
    built,
  };
}

const sweep: Awaited<ReturnType<typeof measureChecks>>[] = [];
for (const positions of SWEEP) sweep.push(await measureChecks(positions));
const base = sweep.find((s) => s.positions === BASE_POSITIONS)!;
const largest = sweep[sweep.length - 1]!;
// The largest book again, with the orders on as many of its symbols as the base book holds: what
// a check costs when the book is large but the symbols traded are not (the data structures'
// growth alone, without the memory a wider spread of symbols touches).
const { built: _activeBuilt, ...activeSet } = await measureChecks(largest.positions, BASE_POSITIONS);

// Market events over the 500 positions (each mark runs 5 exit rules and 5 breakers).
const { engine, symbols, prices } = base.built;
const random = rng(7);
const marks: Mark[] = [];
for (let i = 0; i < 50_000; i++) {
  const k = i % BASE_POSITIONS;
  marks.push({
    kind: 'mark',
    symbol: symbols[k]!,
    time: 0,
    price: prices[k]! * (1 + (random() - 0.5) * 0.01),
  });
}
const EVENTS = 1_000_000;
for (let i = 0; i < 100_000; i++) engine.onMarket(marks[i % marks.length]!);
const t0 = process.hrtime.bigint();
for (let i = 0; i < EVENTS; i++) engine.onMarket(marks[i % marks.length]!);
const marketSec = Number(process.hrtime.bigint() - t0) / 1e9;

const result = {
  rules: RULES,
  positions: BASE_POSITIONS,
  sectors: SECTORS,
  deniedShare: base.deniedShare,
  checksPerSec: base.checksPerSec,
  p50Ns: base.p50Ns,
  p99Ns: base.p99Ns,
  p999Ns: base.p999Ns,
  nsPerRule: base.nsPerRule,
  timerNs: Math.round(timerNs),
  marketEventsPerSec: Math.round(EVENTS / marketSec),
  acceptChecks: base.acceptChecks,
  acceptPathScavenges: base.acceptPathScavenges,
  acceptAllocBytesPerCheck: base.acceptAllocBytesPerCheck,
  largestToBaseP50: Number((largest.p50Ns / base.p50Ns).toFixed(2)),
  largestActiveToBaseP50: Number((activeSet.p50Ns / base.p50Ns).toFixed(2)),
  activeSet,
  sweep: sweep.map(({ built: _built, ...figures }) => figures),
  node: process.version,
};

if (json) console.log(JSON.stringify(result));
else {
  console.log('riskgate core benchmark (RiskEngine.validateOrder / onMarket)');
  console.log(`  rules ${result.rules}, ${result.sectors} sectors, timer ${result.timerNs} ns subtracted`);
  console.log('  positions  denied  checks/s     p50 ns  p99 ns  p99.9 ns  ns/rule  bytes/accept  young GCs');
  for (const s of result.sweep) {
    console.log(
      `  ${String(s.positions).padStart(9)}  ${s.deniedShare.toFixed(3)}  ${String(s.checksPerSec).padStart(10)}  ${String(s.p50Ns).padStart(7)}  ${String(s.p99Ns).padStart(6)}  ${String(s.p999Ns).padStart(8)}  ${String(s.nsPerRule).padStart(7)}  ${String(s.acceptAllocBytesPerCheck).padStart(12)}  ${s.acceptPathScavenges} in ${s.acceptChecks.toLocaleString('en-US')}`,
    );
  }
  console.log(
    `  p50 at ${largest.positions.toLocaleString('en-US')} / p50 at ${BASE_POSITIONS}: ${result.largestToBaseP50}×`,
  );
  console.log(
    `  p50 at ${largest.positions.toLocaleString('en-US')} with orders on ${activeSet.activeSymbols} of its symbols: ${activeSet.p50Ns} ns, ${result.largestActiveToBaseP50}× the p50 at ${BASE_POSITIONS}`,
  );
  console.log(
    `  market events/s (${BASE_POSITIONS} positions)  ${result.marketEventsPerSec.toLocaleString('en-US')}`,
  );
}
