import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { intent, T0 } from './fixtures/samples.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

const PEAK_WRITER = fileURLToPath(new URL('./fixtures/peak-writer.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runPeakWriter(
  args: readonly string[],
): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PEAK_WRITER, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ lines: out.split('\n').filter(Boolean), code, stderr }));
  });
}

/** Shuffled distinct values with a known maximum. */
function values(count: number, offset: number): number[] {
  return Array.from({ length: count }, (_, i) => 50_000 + offset + ((i * 7919) % count) * 2);
}

const url = serverUrl();

describe.skipIf(url === undefined)('concurrent writers on one server schema', () => {
  const databaseUrl = url ?? '';
  const schema = freshSchemaName();
  const handles: Store[] = [];
  const open = async () => {
    const store = await openStore({ databaseUrl, schema, maxConnections: 3 });
    handles.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of handles) await store.close();
    await dropSchema(databaseUrl, schema);
  });

  it('migrate once when several processes start together', async () => {
    const stores = await Promise.all([open(), open(), open()]);
    expect(stores.filter((s) => s.migration.created)).toHaveLength(1);
    expect(stores.flatMap((s) => s.migration.applied)).toEqual(
      stores.find((s) => s.migration.created)?.migration.applied,
    );
    expect(new Set(stores.map((s) => s.instanceId)).size).toBe(1);
  });

  it('never lower the peak, raised from two handles at once', async () => {
    const [a, b] = [handles[0]!, handles[1]!];
    const left = values(60, 0);
    const right = values(60, 1);
    await Promise.all([
      ...left.map((v, i) => a.riskState.raisePeakEquity(v, T0 + i)),
      ...right.map((v, i) => b.riskState.raisePeakEquity(v, T0 + i)),
    ]);
    const expected = Math.max(...left, ...right);
    expect((await a.riskState.load()).peakEquity).toBe(expected);
    expect(await b.riskState.raisePeakEquity(1, T0)).toBe(expected);
  });

  it('keep the first day-start equity when two handles race for it', async () => {
    const [a, b] = [handles[0]!, handles[1]!];
    const results = await Promise.all([
      a.riskState.saveDayStart({ sessionDate: '2024-04-01', equity: 70_000 }, T0),
      b.riskState.saveDayStart({ sessionDate: '2024-04-01', equity: 71_000 }, T0),
      a.riskState.saveDayStart({ sessionDate: '2024-04-01', equity: 72_000 }, T0),
      b.riskState.saveDayStart({ sessionDate: '2024-04-01', equity: 73_000 }, T0),
    ]);
    expect(new Set(results.map((r) => r.equity)).size).toBe(1);
    expect((await a.equity.dayStarts(1))[0]).toEqual(results[0]);
  });

  it('let one of two handles win a conflicting order update, and record one intent per id', async () => {
    const [a, b] = [handles[0]!, handles[1]!];
    const recorded = await Promise.all([
      a.orders.recordIntent(intent('cc-1'), { at: T0 }),
      b.orders.recordIntent(intent('cc-1'), { at: T0 }),
    ]);
    expect(recorded.filter((r) => r.created)).toHaveLength(1);
    await a.orders.recordAck('cc-1', { brokerOrderId: 'b-cc-1', at: T0 });
    const current = await b.orders.get('cc-1');
    const updates = await Promise.all([
      a.orders.transition('cc-1', { to: 'canceled', expectedVersion: current?.version ?? 0, at: T0 + 1 }),
      b.orders.transition('cc-1', {
        to: 'filled',
        expectedVersion: current?.version ?? 0,
        filledQty: 10,
        at: T0 + 1,
      }),
    ]);
    expect(updates.filter((u) => u.applied)).toHaveLength(1);
    expect(updates.find((u) => !u.applied)).toMatchObject({ applied: false });
    expect(await a.orders.history('cc-1')).toHaveLength(3);
  });

  it('never lower the peak, raised from two processes at once', { timeout: 120_000 }, async () => {
    const processSchema = freshSchemaName();
    try {
      const left = values(40, 10_000);
      const right = values(40, 10_001);
      const target = ['--database-url', databaseUrl, '--schema', processSchema];
      const runs = await Promise.all([
        runPeakWriter([...target, '--values', left.join(',')]),
        runPeakWriter([...target, '--values', right.join(',')]),
      ]);
      for (const run of runs) expect(run.lines.at(-1), run.stderr).toBe('done');
      const store = await openStore({ databaseUrl, schema: processSchema, maxConnections: 1 });
      expect((await store.riskState.load()).peakEquity).toBe(Math.max(...left, ...right));
      await store.close();
    } finally {
      await dropSchema(databaseUrl, processSchema);
    }
  });
});

describe('a PGlite data directory shared between processes', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('is refused to a second process while the first has it open', { timeout: 120_000 }, async () => {
    const dataDir = `${dir.path}/data`;
    const store = await openStore({ dataDir });
    try {
      const second = await runPeakWriter(['--data-dir', dataDir, '--values', '1']);
      expect(second.lines, second.stderr).toEqual(['error STORE_LOCKED']);
      expect(second.code).toBe(3);
    } finally {
      await store.close();
    }
    const after = await runPeakWriter(['--data-dir', dataDir, '--values', '5,7,6']);
    expect(after.lines.at(-1), after.stderr).toBe('done');
  });
});
