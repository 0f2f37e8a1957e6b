/**
 * Backtest benchmark: the parity workload (../shared/bench/PARITY.md) on its two data sets,
 * with the risk engine on (examples/profiles/parity.yaml: pre-trade rules, ATR stop, time exit).
 *
 *   npm run bench:backtest            a table
 *   npm run bench:backtest -- --json  one JSON line per workload
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
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import strategy from '../examples/strategies/sma-cross.ts';
import { loadMarketData } from '../src/backtest/data/load-market-data.ts';
import { runBacktest } from '../src/backtest/run-backtest.ts';
import { parseRiskProfileFile } from '../src/core/config/load-profile.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const GENERATOR = join(ROOT, '..', 'shared', 'bench', 'gen-parity-data.js');
const WORKLOADS = { 'parity-1x10000': 'single_10000.csv', 'parity-100x2500': 'multi' } as const;
type Workload = keyof typeof WORKLOADS;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    runs: { type: 'string', default: '7' },
    workload: { type: 'string' },
    dir: { type: 'string' },
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
    const rows: Record<string, unknown>[] = [];
    for (const workload of Object.keys(WORKLOADS)) {
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
  const { data } = await loadMarketData([join(dir, WORKLOADS[workload])]);
  const loadSec = (performance.now() - t0) / 1000;
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
    runs: count,
    warmupRuns: warmups,
    loadSec: Number(loadSec.toFixed(3)),
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
    'loadSec',
    'wallSec',
    'peakRssMb',
    'loadAvg1',
  ];
  const cells = [cols, ...rows.map((r) => cols.map((c) => String(r[c])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i]!)).join('  '));
}
