/**
 * Store benchmark: audit-event appends through the group-commit writer, with many concurrent
 * appenders, on embedded PGlite (a real data directory) and, when DATABASE_URL is set, on the
 * PostgreSQL server. Reports throughput and the commit latency a caller sees (from append()
 * to its promise resolving, which happens only after the batch's COMMIT).
 *
 *   npm run bench:store              a table
 *   npm run bench:store -- --json    one JSON line per backend
 *   options: --duration <ms per backend, default 4000> --appenders <default 64>
 *            --thread main|worker (which thread runs embedded PGlite; default worker)
 *   npm run bench:store -- --event-loop    event-loop delay of a gateway under order load,
 *                                          PGlite on the main thread vs in its worker
 *                                          (bench/store-event-loop.ts)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decisionAuditEvent } from '../src/store/audit-events.ts';
import { openStore } from '../src/store/open-store.ts';
import { openPgDatabase } from '../src/store/pg-database.ts';
import type { Store } from '../src/store/store.ts';

interface Result {
  readonly backend: 'pglite' | 'postgres';
  readonly auditEventsPerSec: number;
  readonly p50CommitMs: number;
  readonly p99CommitMs: number;
  readonly maxCommitMs: number;
  readonly events: number;
  readonly appenders: number;
  readonly durationMs: number;
  readonly batches: number;
  readonly meanBatch: number;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

const json = process.argv.includes('--json');
const durationMs = option('duration', 4_000);
const appenders = option('appenders', 64);
const groupCommit = { maxDelayMs: 2, maxItems: 256 };
const pgliteThread = process.argv[process.argv.indexOf('--thread') + 1] === 'main' ? 'main' : 'worker';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** Runs `appenders` loops that append decision events back to back for `ms`; returns latencies. */
async function load(
  store: Store,
  ms: number,
  tag: string,
): Promise<{ latencies: number[]; elapsed: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + ms;
  let next = 0;
  const decision = (id: string) =>
    decisionAuditEvent(
      {
        kind: 'deny',
        order: {
          clientOrderId: id,
          symbol: 'AAPL',
          side: 'buy',
          qty: 10,
          type: 'market',
          timeInForce: 'day',
        },
        effect: 'open',
        violations: [
          {
            code: 'SYMBOL_EXPOSURE_EXCEEDED',
            ruleId: 'exposure',
            message: 'symbol=AAPL exposure=6120.00 limit=5500.00',
          },
        ],
      },
      { at: Date.now(), actor: 'bench', eventId: `${tag}-${id}` },
    );
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      while (performance.now() < deadline) {
        const id = String(next++);
        const t = performance.now();
        await store.audit.append(decision(id));
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, elapsed: performance.now() - start };
}

async function measure(backend: Result['backend'], store: Store): Promise<Result> {
  await load(store, Math.min(500, durationMs / 4), 'warm'); // JIT, connections, caches
  const before = store.audit.writerStats;
  const { latencies, elapsed } = await load(store, durationMs, 'run');
  const after = store.audit.writerStats;
  const sorted = [...latencies].sort((a, b) => a - b);
  const batches = after.batches - before.batches;
  return {
    backend,
    auditEventsPerSec: Math.round(latencies.length / (elapsed / 1000)),
    p50CommitMs: round(percentile(sorted, 50)),
    p99CommitMs: round(percentile(sorted, 99)),
    maxCommitMs: round(sorted.at(-1) ?? Number.NaN),
    events: latencies.length,
    appenders,
    durationMs: Math.round(elapsed),
    batches,
    meanBatch: round((after.items - before.items) / Math.max(1, batches), 1),
  };
}

async function benchPglite(): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-bench-'));
  const store = await openStore({ dataDir: join(dir, 'data'), groupCommit, pgliteThread });
  try {
    return await measure('pglite', store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchServer(url: string): Promise<Result> {
  const schema = `rg_bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ databaseUrl: url, schema, groupCommit, maxConnections: 4 });
  try {
    return await measure('postgres', store);
  } finally {
    await store.close();
    const admin = await openPgDatabase({ connectionString: url, maxConnections: 1 });
    await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  }
}

function print(result: Result): void {
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  console.log(
    `${result.backend.padEnd(9)} ${String(result.auditEventsPerSec).padStart(8)} events/s  ` +
      `p50 ${result.p50CommitMs.toFixed(2).padStart(7)} ms  p99 ${result.p99CommitMs.toFixed(2).padStart(7)} ms  ` +
      `(${result.events} events, ${result.appenders} appenders, mean batch ${result.meanBatch})`,
  );
}

if (process.argv.includes('--event-loop')) {
  await import('./store-event-loop.ts');
} else {
  if (!json) {
    console.log(
      `store bench: audit appends via group commit, ${appenders} appenders, ${durationMs} ms per backend, ` +
        `PGlite on the ${pgliteThread} thread`,
    );
  }
  print(await benchPglite());
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') print(await benchServer(url));
  else if (!json) console.log('postgres  skipped: set DATABASE_URL to benchmark a server');
}
