/**
 * CLI start-up benchmark: wall time of `riskgate help` (process start to exit) and of
 * `riskgate serve` on a fresh embedded store (process start to the "gateway ready" line), each
 * run as a new process of the installed entry point `bin/riskgate.js`, which runs the compiled
 * JavaScript in dist/ (build it first: `npm run build`). Reports the median and the range.
 *
 *   npm run bench:cli              a table
 *   npm run bench:cli -- --json    one JSON line per command
 *   options: --runs <n, default 7> --bin <path to an entry point, default bin/riskgate.js>
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname;

interface Row {
  readonly command: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** Runs `riskgate help` once; resolves with the time until the process exited. */
function timeHelp(bin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'help'], { cwd: ROOT, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`riskgate help exited with ${code}`));
    });
  });
}

/** Runs `riskgate serve` on a new data directory; resolves with the time until it printed that it is ready. */
function timeServe(bin: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-bench-cli-'));
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [bin, 'serve', '--port', '0', '--data-dir', join(dataDir, 'data')],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    let ready = false;
    // A start that never gets ready, or a stop that hangs, ends the run instead of the benchmark.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
    // The banner may come on either stream.
    const onOutput = (chunk: Buffer) => {
      output += String(chunk);
      if (!ready && output.includes('riskgate gateway ready at')) {
        ready = true;
        const elapsed = performance.now() - started;
        child.once('exit', () => {
          clearTimeout(deadline);
          resolve(elapsed);
        });
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) clearTimeout(deadline);
      if (!ready) reject(new Error(`riskgate serve exited with ${code} before it was ready:\n${output}`));
    });
  }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
}

async function measure(command: string, runs: number, once: () => Promise<number>): Promise<Row> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  const round = (ms: number) => Math.round(ms);
  return { command, medianMs: round(median), minMs: round(times[0]!), maxMs: round(times.at(-1)!), runs };
}

const { values } = parseArgs({
  options: { json: { type: 'boolean' }, runs: { type: 'string' }, bin: { type: 'string' } },
});
const runs = Number(values.runs ?? 7);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number ≥ 1, got ${values.runs}`);
const bin = values.bin ?? join(ROOT, 'bin/riskgate.js');
if (!existsSync(join(ROOT, 'dist/cli/main.js')) && values.bin === undefined) {
  throw new Error('dist/ is missing: run `npm run build` first');
}

await timeHelp(bin); // warm the file system cache once
const rows = [await measure('riskgate help', runs, () => timeHelp(bin))];
rows.push(await measure('riskgate serve (ready, fresh embedded store)', runs, () => timeServe(bin)));

if (values.json) {
  for (const row of rows) console.log(JSON.stringify({ node: process.version, ...row }));
} else {
  console.log(`node ${process.version}, ${runs} runs each, median (min–max)`);
  for (const row of rows) {
    console.log(`  ${row.command.padEnd(48)} ${row.medianMs} ms (${row.minMs}–${row.maxMs})`);
  }
}
