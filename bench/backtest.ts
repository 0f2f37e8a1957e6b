/**
 * Backtest benchmark: the parity workload (../shared/bench/PARITY.md) on its two data sets, and
 * the same generator scaled to 1,000 symbols × 2,500 bars, with the risk engine on
 * (examples/profiles/parity.yaml: pre-trade rules, ATR stop, time exit).
 *
 *   npm run bench:backtest                              a table
 *   npm run bench:backtest -- --json                    one JSON line per workload
 *   npm run bench:backtest -- --only parity-1000x2500   one workload (repeatable, comma list)
 *
 * The 1,000-symbol set (2.5 M rows, ~150 MB) is generated deterministically (same seeds and
 * calendar as the parity generator) into `$TMPDIR/riskgate-bench-parity-1000x2500` when that
 * folder does not hold it yet, and kept there for later runs.
 * `runSec` / `runCpuSec` are the median run's wall / CPU seconds, `loadSec` / `loadCpuSec` the
 * loading's; `nsPerBar` / `cpuNsPerBar` are the median run's wall / CPU time per bar: flat across the
 * 100- and 1,000-symbol workloads when a run's cost does not grow with the symbol count.
 *
 * Each workload runs in its own child process (so peak RSS is its own): the data is generated
 * into a temp dir and loaded; the backtest runs once cold, then warms up for 1.5 s, then runs
 * `--runs` times (default 7) for the figures. `engineBarsPerSec`
 * is bars ÷ the median run's wall time, measured around the whole `runBacktest` call (time line,
 * engine, event loop, metrics; loading excluded); `engineCpuBarsPerSec` uses the process's CPU
 * time instead (steadier on a shared machine; it includes the GC threads); `coldBarsPerSec` is
 * the first run's. `wallSec` is loading plus the first run: what one backtest of the data costs
 * in a fresh process. `loadAvg1` is the machine's one-minute load average at the end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import strategy from '../examples/strategies/sma-cross.ts';
import { loadMarketData } from '../src/backtest/data/load-market-data.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import { parseRiskProfileFile } from '../src/core/config/load-profile.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const GENERATOR = join(ROOT, '..', 'shared', 'bench', 'gen-parity-data.js');
const LARGE_DIR = join(tmpdir(), 'riskgate-bench-parity-1000x2500');
const WORKLOADS = {
  'parity-1x10000': 'single_10000.csv',
  'parity-100x2500': 'multi',
  'parity-1000x2500': LARGE_DIR,
} as const;
type Workload = keyof typeof WORKLOADS;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    runs: { type: 'string', default: '7' },
    workload: { type: 'string' },
    dir: { type: 'string' },
    only: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs: expected a positive integer, got ${values.runs}`);

if (values.workload !== undefined) {
  // Child: one workload, one JSON line on stdout.
  console.log(JSON.stringify(await measure(values.workload as Workload, values.dir!, runs)));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backtest-'));
  try {
    execFileSync(process.execPath, [GENERATOR, dir]);
    const selected =
      values.only === undefined ? Object.keys(WORKLOADS) : values.only.split(',').map((w) => w.trim());
    for (const w of selected)
      if (!(w in WORKLOADS))
        throw new Error(`--only: unknown workload ${w}; expected ${Object.keys(WORKLOADS).join(', ')}`);
    if (selected.includes('parity-1000x2500')) ensureLargeData(LARGE_DIR);
    const rows: Record<string, unknown>[] = [];
    for (const workload of selected) {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          new URL(import.meta.url).pathname,
          '--workload',
          workload,
          '--dir',
          dir,
          '--runs',
          String(runs),
        ],
        { encoding: 'utf8', cwd: ROOT },
      );
      if (child.status !== 0) throw new Error(`workload ${workload} failed:\n${child.stderr}`);
      const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
      rows.push(row);
      if (values.json) console.log(JSON.stringify(row));
    }
    if (!values.json) printTable(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(workload: Workload, dir: string, count: number) {
  const parsed = parseRiskProfileFile(readFileSync(join(ROOT, 'examples/profiles/parity.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const profile = parsed.value;
  const t0 = performance.now();
  const loadCpu = process.cpuUsage();
  const { data } = await loadMarketData([resolve(dir, WORKLOADS[workload])]);
  const loadSec = (performance.now() - t0) / 1000;
  const loadCpuUsed = process.cpuUsage(loadCpu);
  const loadCpuSec = (loadCpuUsed.user + loadCpuUsed.system) / 1e6;
  const rowsLoaded = data.bars.reduce((n, s) => n + s.length, 0);
  const run = () => runBacktest({ data, strategy, profile, execution: { roundToTick: false } });
  // Warm-up: the first run is the cold figure; more runs until the JIT has had a second or two.
  const coldStart = performance.now();
  run();
  const cold = (performance.now() - coldStart) / 1000;
  const warmStart = performance.now();
  let warmups = 1;
  while (performance.now() - warmStart < 1500 || warmups < 3) {
    run();
    warmups++;
  }
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let result: ReturnType<typeof runBacktest> | undefined;
  for (let i = 0; i < count; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    result = run();
    times.push((performance.now() - start) / 1000);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1e6);
  }
  const r = result!;
  const bars = r.stats.bars;
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const cpuMedian = [...cpuTimes].sort((a, b) => a - b)[Math.floor(cpuTimes.length / 2)]!;
  return {
    workload,
    symbols: data.bars.length,
    bars,
    trades: r.trades.length,
    pnl: Number(r.trades.reduce((s, t) => s + t.pnl, 0).toFixed(2)),
    engineBarsPerSec: Math.round(bars / median),
    engineCpuBarsPerSec: Math.round(bars / cpuMedian),
    coldBarsPerSec: Math.round(bars / cold),
    bestBarsPerSec: Math.round(bars / sorted[0]!),
    rows: rowsLoaded,
    runs: count,
    warmupRuns: warmups,
    runSec: Number(median.toFixed(3)),
    runCpuSec: Number(cpuMedian.toFixed(3)),
    nsPerBar: Math.round((median / bars) * 1e9),
    cpuNsPerBar: Math.round((cpuMedian / bars) * 1e9),
    loadSec: Number(loadSec.toFixed(3)),
    loadCpuSec: Number(loadCpuSec.toFixed(3)),
    loadUsPerRow: Number(((loadSec / rowsLoaded) * 1e6).toFixed(3)),
    wallSec: Number((loadSec + cold).toFixed(3)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    loadAvg1: Number(loadavg()[0]!.toFixed(2)),
    cpus: cpus().length,
    node: process.version,
  };
}

function printTable(rows: Record<string, unknown>[]): void {
  const cols = [
    'workload',
    'bars',
    'trades',
    'pnl',
    'engineBarsPerSec',
    'engineCpuBarsPerSec',
    'coldBarsPerSec',
    'nsPerBar',
    'cpuNsPerBar',
    'loadSec',
    'loadUsPerRow',
    'wallSec',
    'peakRssMb',
    'loadAvg1',
  ];
  const cells = [cols, ...rows.map((r) => cols.map((c) => String(r[c])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i]!)).join('  '));
}

/**
 * Writes the 1,000 × 2,500 data set into `dir` unless it is already complete: the parity
 * generator's series (mulberry32 seeds 1000 + s, weekdays from 2010-01-01) for S0000..S0999.
 */
function ensureLargeData(dir: string): void {
  const done = join(dir, '.complete');
  if (existsSync(done)) return;
  const work = `${dir}.tmp-${process.pid}`;
  mkdirSync(work, { recursive: true });
  const dates = weekdays('2010-01-01', 2500);
  for (let s = 0; s < 1000; s++)
    writeFileSync(join(work, `S${String(s).padStart(4, '0')}.csv`), parityCsv(1000 + s, dates));
  writeFileSync(join(work, '.complete'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rnd: () => number): number {
  let u = 0;
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

function parityCsv(seed: number, dates: readonly string[]): string {
  const rnd = mulberry32(seed);
  let close = 50 + 100 * rnd();
  const drift = 0.0002;
  const vol = 0.015 + 0.01 * rnd();
  const lines = ['Date,Open,High,Low,Close,Volume'];
  for (const date of dates) {
    const open = close * Math.exp(0.3 * vol * gauss(rnd));
    const c = open * Math.exp(drift + vol * gauss(rnd));
    const hi = Math.max(open, c) * (1 + Math.abs(0.5 * vol * gauss(rnd)));
    const lo = Math.min(open, c) * (1 - Math.abs(0.5 * vol * gauss(rnd)));
    const v = Math.round(100000 + 900000 * rnd());
    lines.push(`${date},${open.toFixed(4)},${hi.toFixed(4)},${lo.toFixed(4)},${c.toFixed(4)},${v}`);
    close = c;
  }
  return `${lines.join('\n')}\n`;
}
