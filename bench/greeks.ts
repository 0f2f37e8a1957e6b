/**
 * Options benchmark: full revaluation (price + 5 Greeks) of 100,000 option positions on one
 * thread, implied-volatility solves per second, and the cost of an incremental portfolio update
 * when one underlying with 1,000 options ticks.
 *
 *   npm run bench:greeks            readable table
 *   npm run bench:greeks -- --json  one JSON line
 *
 * Every figure is the median of repeated runs after a warm-up. Because other processes on a
 * shared machine move wall-clock medians, the full revaluation is also reported as the median
 * CPU time of this process (process.cpuUsage), with the fastest wall-clock run and the load
 * average.
 *
 * Anchor: when a C compiler is on the PATH (`cc`), `bench/greeks-reference.c` (the same book,
 * generator and formulas in plain C with libm, `cc -O2`) is compiled into a temporary directory
 * and run right after the revaluation, and its figures and the ratios are reported beside ours.
 * Without a compiler the C figures are null.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGreeksBatch, type GreeksBatch, revalueBatch } from '../src/core/options/greeks-batch.ts';
import { impliedVolatility } from '../src/core/options/implied-volatility.ts';
import { optionInstrument } from '../src/core/options/option-instrument.ts';
import { PortfolioGreeks } from '../src/core/options/portfolio-greeks.ts';

const POSITIONS = 100_000;
const OPTIONS_PER_UNDERLYING = 1_000;
const json = process.argv.includes('--json');

/** Deterministic pseudo-random numbers in [0, 1) (Park–Miller), so every run values the same book. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Times `run` `repeats` times after `warmup` untimed calls. Milliseconds per call: wall-clock
 * median and fastest, and the median CPU time of this process.
 */
function time(
  run: () => void,
  warmup: number,
  repeats: number,
): { median: number; min: number; cpu: number } {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { median: median(samples), min: Math.min(...samples), cpu: median(cpu) };
}

/** A book like a real one: 100 underlyings, 1,000 options each over 10 expiries and ±40% strikes. */
function book(): GreeksBatch {
  const random = generator(20151224);
  const batch = createGreeksBatch(POSITIONS);
  const expiries = [7, 14, 30, 45, 60, 90, 180, 270, 365, 730].map((d) => d / 365);
  for (let i = 0; i < POSITIONS; i++) {
    const underlying = Math.floor(i / OPTIONS_PER_UNDERLYING);
    const spot = 20 + 5 * underlying;
    batch.isCall[i] = i % 2;
    batch.spot[i] = spot;
    batch.strike[i] = Math.round(spot * (0.6 + 0.8 * random()) * 2) / 2;
    batch.timeToExpiry[i] = expiries[i % expiries.length] as number;
    batch.rate[i] = 0.04;
    batch.dividendYield[i] = (0.03 * (underlying % 4)) / 3;
    batch.volatility[i] = 0.15 + 0.45 * random();
  }
  return batch;
}

const batch = book();
const revalue = time(() => revalueBatch(batch), 30, 51);

/** The C reference's median and fastest revaluation in ms, or null without a C compiler. */
function cReference(): {
  compiler: string;
  median: number;
  min: number;
  cpu: number;
  checksum: number;
} | null {
  let compiler: string;
  try {
    compiler = execFileSync('cc', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'cc';
  } catch {
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-greeks-'));
  try {
    const binary = join(dir, 'greeks-reference');
    const source = new URL('./greeks-reference.c', import.meta.url).pathname;
    execFileSync('cc', ['-O2', '-o', binary, source, '-lm']);
    const out = JSON.parse(execFileSync(binary, { encoding: 'utf8' })) as {
      revalueMs: number;
      fastestMs: number;
      cpuMs: number;
      checksum: number;
    };
    return { compiler, median: out.revalueMs, min: out.fastestMs, cpu: out.cpuMs, checksum: out.checksum };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const reference = cReference();
// The same book in both: the sums of all six outputs agree to the last printed digit.
let checksum = 0;
for (let i = 0; i < POSITIONS; i++) {
  checksum +=
    (batch.price[i] as number) +
    (batch.delta[i] as number) +
    (batch.gamma[i] as number) +
    (batch.vega[i] as number) +
    (batch.theta[i] as number) +
    (batch.rho[i] as number);
}
if (reference !== null && Math.abs(reference.checksum - checksum) > 1e-6 * Math.abs(checksum)) {
  throw new Error(`C reference valued a different book: checksum ${reference.checksum} vs ${checksum}`);
}

// Implied volatility: solve every option of the book from its own price (prices of deep options
// that carry no information about σ, i.e. within rounding of a bound, come back as coded failures).
const prices = Float64Array.from(batch.price);
let solved = 0;
const solveAll = () => {
  solved = 0;
  for (let i = 0; i < POSITIONS; i++) {
    const result = impliedVolatility({
      right: batch.isCall[i] === 1 ? 'call' : 'put',
      price: prices[i] as number,
      spot: batch.spot[i] as number,
      strike: batch.strike[i] as number,
      timeToExpiry: batch.timeToExpiry[i] as number,
      rate: batch.rate[i] as number,
      dividendYield: batch.dividendYield[i] as number,
    });
    if (result.ok) solved++;
  }
};
const iv = time(solveAll, 2, 7);
const ivSolvesPerSec = POSITIONS / (iv.median / 1000);

// Incremental update: a portfolio of 20 underlyings × 1,000 options; one underlying ticks.
const UNDERLYINGS = 20;
const portfolio = new PortfolioGreeks({ rate: 0.04, timeMs: Date.UTC(2024, 0, 2, 15) });
const random = generator(7);
const expiries = ['2024-01-19', '2024-02-16', '2024-03-15', '2024-06-21', '2024-12-20'];
for (let u = 0; u < UNDERLYINGS; u++) {
  const root = `U${String(u).padStart(2, '0')}`;
  portfolio.onUnderlyingPrice(root, 100);
  for (let k = 0; k < OPTIONS_PER_UNDERLYING; k++) {
    const strike = 50 + (k >> 1) * 0.2; // 500 strikes × call/put, spread over 5 expiries
    const terms = {
      underlying: root,
      expiry: expiries[k % expiries.length] as string,
      strike,
      right: k % 2 === 0 ? 'call' : 'put',
    } as const;
    const instrument = optionInstrument(terms);
    if (!instrument.ok) throw new Error(JSON.stringify(instrument.issues));
    portfolio.setPosition(instrument.value, random() < 0.5 ? -5 : 5, 0.2 + 0.3 * random());
  }
}
let tick = 0;
const tickMs = time(
  () => portfolio.onUnderlyingPrice('U07', 100 + (tick++ % 2 === 0 ? 0.25 : -0.25)),
  200,
  501,
).median;

const figures = {
  positions: POSITIONS,
  revalueMs: Number(revalue.median.toFixed(3)),
  nsPerOption: Number(((revalue.median * 1e6) / POSITIONS).toFixed(1)),
  revalueFastestMs: Number(revalue.min.toFixed(3)),
  revalueCpuMs: Number(revalue.cpu.toFixed(3)),
  cNsPerOption: reference === null ? null : Number(((reference.median * 1e6) / POSITIONS).toFixed(1)),
  cFastestMs: reference === null ? null : Number(reference.min.toFixed(3)),
  ratioToC: reference === null ? null : Number((revalue.median / reference.median).toFixed(2)),
  fastestRatioToC: reference === null ? null : Number((revalue.min / reference.min).toFixed(2)),
  cCpuMs: reference === null ? null : Number(reference.cpu.toFixed(3)),
  cpuRatioToC: reference === null ? null : Number((revalue.cpu / reference.cpu).toFixed(2)),
  cCompiler: reference?.compiler ?? null,
  ivSolvesPerSec: Math.round(ivSolvesPerSec),
  ivSolvesPerCpuSec: Math.round(POSITIONS / (iv.cpu / 1000)),
  ivSolved: solved,
  incrementalTickUs: Number((tickMs * 1000).toFixed(1)),
  optionsPerTick: OPTIONS_PER_UNDERLYING,
  portfolioPositions: UNDERLYINGS * OPTIONS_PER_UNDERLYING,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  loadAverage: Number((loadavg()[0] ?? 0).toFixed(2)),
};

if (json) {
  console.log(JSON.stringify(figures));
} else {
  console.log(
    `Options benchmark (${figures.node}, ${figures.cpu}, ${figures.cores} cores, load average ${figures.loadAverage}, one thread)\n`,
  );
  const rows: Array<[string, string]> = [
    [
      'full revaluation, price + 5 Greeks',
      `${figures.positions.toLocaleString('en-US')} options in ${figures.revalueMs} ms`,
    ],
    ['per option', `${figures.nsPerOption} ns`],
    [
      'fastest run; median CPU time',
      `${figures.revalueFastestMs} ms; ${figures.revalueCpuMs} ms (${((figures.revalueCpuMs * 1e6) / POSITIONS).toFixed(1)} ns per option)`,
    ],
    [
      'C reference (cc -O2, libm)',
      figures.cNsPerOption === null
        ? 'no C compiler found'
        : `${figures.cNsPerOption} ns per option (fastest ${figures.cFastestMs} ms, CPU ${figures.cCpuMs} ms); ours ${figures.ratioToC}× (fastest ${figures.fastestRatioToC}×, CPU ${figures.cpuRatioToC}×)`,
    ],
    [
      'implied volatility',
      `${figures.ivSolvesPerSec.toLocaleString('en-US')} solves/s wall clock, ${figures.ivSolvesPerCpuSec.toLocaleString('en-US')} per CPU second (${figures.ivSolved.toLocaleString('en-US')} of ${POSITIONS.toLocaleString('en-US')} solved)`,
    ],
    [
      'incremental tick',
      `${figures.incrementalTickUs} µs for ${OPTIONS_PER_UNDERLYING} options (portfolio of ${figures.portfolioPositions.toLocaleString('en-US')})`,
    ],
  ];
  for (const [name, value] of rows) console.log(`  ${name.padEnd(36)} ${value}`);
}
