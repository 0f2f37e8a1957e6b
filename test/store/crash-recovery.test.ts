import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type OpenStoreOptions, openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

const WRITER = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T0 = Date.UTC(2024, 2, 15, 14, 30);

interface WriterRun {
  readonly lines: readonly string[];
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs the writer process; kills it with SIGKILL as soon as `killWhen` holds for the lines so far. */
function runWriter(
  args: readonly string[],
  killWhen?: (lines: readonly string[]) => boolean,
): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (!killed && killWhen?.(lines) === true) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    // 'close' fires after the pipes drained: every line the writer got out is in `lines`.
    child.on('close', (code, signal) => resolve({ lines, code, signal, stderr }));
  });
}

/** What the writer acknowledged, by kind. */
function acknowledged(lines: readonly string[]) {
  const of = (kind: string) =>
    lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.split(' ')[1] ?? '');
  const numbers = (kind: string) => of(kind).map(Number);
  return {
    intents: of('intent'),
    acks: of('ack'),
    fills: of('fill'),
    audits: of('audit'),
    lastState: Math.max(-1, ...numbers('state')),
    peak: Math.max(0, ...numbers('peak')),
    counter: Math.max(-1, ...numbers('counter')),
  };
}

async function column(store: Store, sql: string): Promise<string[]> {
  const { rows } = await store.database.query<{ id: string }>(sql);
  return rows.map((r) => r.id);
}

/** Kills a writer mid-stream, then checks that everything it acknowledged survived, once. */
async function crashAndRecover(target: readonly string[], open: () => Promise<Store>): Promise<void> {
  const crashed = await runWriter(
    [...target, '--from', '0'],
    (lines) => lines.filter((l) => l.startsWith('fill ')).length >= 40,
  );
  expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
  expect(crashed.lines).not.toContain('done');
  const acked = acknowledged(crashed.lines);
  expect(acked.fills.length).toBeGreaterThanOrEqual(40);

  let store = await open();
  const t = store.tables;
  try {
    const orders = await column(store, `SELECT client_order_id AS id FROM ${t.orders}`);
    const acksStored = await column(
      store,
      `SELECT client_order_id AS id FROM ${t.orders} WHERE broker_order_id IS NOT NULL`,
    );
    const fills = await column(store, `SELECT execution_id AS id FROM ${t.fills}`);
    const audits = await column(store, `SELECT event_id AS id FROM ${t.audit_log} WHERE kind = 'order'`);
    expect(orders).toEqual(expect.arrayContaining(acked.intents));
    expect(acksStored).toEqual(expect.arrayContaining(acked.acks));
    expect(fills).toEqual(expect.arrayContaining(acked.fills));
    expect(audits).toEqual(expect.arrayContaining(acked.audits));
    // Nothing doubled: ids are unique and cover one contiguous run of iterations.
    for (const ids of [orders, fills, audits]) expect(new Set(ids).size).toBe(ids.length);
    expect(fills.length).toBeLessThanOrEqual(orders.length);

    const recovered = await store.recover();
    expect(recovered.risk.tradingState.at).toBeGreaterThanOrEqual(T0 + acked.lastState);
    expect(recovered.risk.peakEquity ?? 0).toBeGreaterThanOrEqual(acked.peak);
    expect(Number(recovered.risk.counters.iterations ?? -1)).toBeGreaterThanOrEqual(acked.counter);
    const held = recovered.positions.positions.reduce((sum, p) => sum + p.qty, 0);
    expect(held).toBe(fills.length);
    const working = recovered.workingOrders.map((o) => o.clientOrderId);
    expect(working.every((id) => orders.includes(id))).toBe(true);
    await store.close();

    // Re-running the same writes after the restart is idempotent.
    const upTo = orders.length + 3;
    const rerun = await runWriter([...target, '--from', '0', '--to', String(upTo)]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const again = acknowledged(rerun.lines);
    for (const id of acked.intents) expect(rerun.lines).toContain(`intent ${id} false`);
    expect(again.intents).toHaveLength(upTo);

    store = await open();
    expect(await column(store, `SELECT client_order_id AS id FROM ${t.orders}`)).toHaveLength(upTo);
    expect(await column(store, `SELECT execution_id AS id FROM ${t.fills}`)).toHaveLength(upTo);
    expect(
      await column(store, `SELECT event_id AS id FROM ${t.audit_log} WHERE kind = 'order'`),
    ).toHaveLength(upTo * 3);
    const positions = (await store.recover()).positions.positions;
    expect(positions.reduce((sum, p) => sum + p.qty, 0)).toBe(upTo);
    expect(await store.orders.listWorking()).toEqual([]);
  } finally {
    await store.close();
  }
}

describe('crash recovery: a writer killed with SIGKILL loses nothing it acknowledged', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('on a PGlite data directory', { timeout: 180_000 }, async () => {
    const dataDir = `${dir.path}/data`;
    const schema = freshSchemaName();
    await crashAndRecover(['--data-dir', dataDir, '--schema', schema], () => openStore({ dataDir, schema }));
  });

  const url = serverUrl();
  it.skipIf(url === undefined)('on the PostgreSQL server', { timeout: 180_000 }, async () => {
    const options: OpenStoreOptions = {
      databaseUrl: url ?? '',
      schema: freshSchemaName(),
      maxConnections: 2,
    };
    try {
      await crashAndRecover(['--database-url', url ?? '', '--schema', options.schema ?? ''], () =>
        openStore(options),
      );
    } finally {
      await dropSchema(url ?? '', options.schema ?? '');
    }
  });
});
