import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { isStoreError, StoreError } from '../../src/store/errors.ts';
import { openPgliteDatabase, type PgliteThread } from '../../src/store/pglite-database.ts';
import { workerThreadOf } from '../../src/store/pglite-worker-database.ts';
import { tempDir, useGenerousTimeouts } from './harness.ts';

useGenerousTimeouts();

const VALUES_SQL = `SELECT
  9007199254740991::int8 AS big, -42::int8 AS negative, 7::int4 AS small, 1.5::float8 AS real,
  12345.6789::numeric AS exact, true AS yes, NULL::text AS nothing, 'é"''x'::text AS text,
  '2026-03-04'::date AS day, '2026-03-04T05:06:07.123Z'::timestamptz AS at,
  '{"a":[1,2,{"b":null}],"c":"d"}'::jsonb AS doc, '\\x00ff10'::bytea AS bytes,
  ARRAY['x','y']::text[] AS strings, ARRAY[1,2]::int8[] AS bigs, $1::jsonb AS param,
  $2::int8 AS bigparam, $3::text[] AS arrayparam`;
const VALUES_PARAMS = [JSON.stringify({ k: [1, 'two'] }), 1234567890123, ['p', 'q']];

/** A small table and a function that raises the fencing SQLSTATE, on a fresh database. */
async function prepare(db: Database): Promise<void> {
  await db.exec(`
    CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL);
    CREATE FUNCTION fenced() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'superseded epoch' USING ERRCODE = 'RGF01'; END $$;
  `);
}

async function failure(run: () => Promise<unknown>): Promise<StoreError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw new Error(`expected a StoreError, got ${String(error)}`);
  }
  throw new Error('expected a failure');
}

describe('embedded PGlite in a worker thread and on the calling thread', () => {
  const dbs = new Map<PgliteThread, Database>();
  beforeAll(async () => {
    for (const thread of ['worker', 'main'] as const) {
      const db = await openPgliteDatabase({ memory: true }, { thread });
      await prepare(db);
      dbs.set(thread, db);
    }
  });
  afterAll(async () => {
    for (const db of dbs.values()) await db.close();
  });
  const both = (): Array<[PgliteThread, Database]> => [...dbs.entries()];

  it('runs the engine in a worker thread by default, and on this thread when asked', () => {
    expect(workerThreadOf(dbs.get('worker')!)).toBeDefined();
    expect(workerThreadOf(dbs.get('main')!)).toBeUndefined();
  });

  it('returns identical values from both threads (INT8 as numbers, dates, jsonb, bytea, nulls, arrays)', async () => {
    const worker = await dbs.get('worker')!.query(VALUES_SQL, VALUES_PARAMS);
    const main = await dbs.get('main')!.query(VALUES_SQL, VALUES_PARAMS);
    expect(worker).toEqual(main);
    const row = worker.rows[0]!;
    expect(row.big).toBe(9007199254740991);
    expect(row.bigparam).toBe(1234567890123);
    expect(row.nothing).toBeNull();
    expect(row.at).toBeInstanceOf(Date);
    expect((row.at as Date).toISOString()).toBe('2026-03-04T05:06:07.123Z');
    expect(row.doc).toEqual({ a: [1, 2, { b: null }], c: 'd' });
    expect(row.bytes).toBeInstanceOf(Uint8Array);
    expect([...(row.bytes as Uint8Array)]).toEqual([0, 255, 16]);
    expect(row.exact).toBe('12345.6789');
  });

  it('reports row counts and constraint violations with their SQLSTATE, in and out of transactions', async () => {
    for (const [thread, db] of both()) {
      const inserted = await db.query('INSERT INTO items VALUES (1, $1), (2, $1)', [thread]);
      expect(inserted.rowCount).toBe(2);
      const duplicate = await failure(() => db.query('INSERT INTO items VALUES (1, $1)', ['again']));
      expect(duplicate.code).toBe('STORE_QUERY_FAILED');
      expect(duplicate.sqlState).toBe('23505');
      const notNull = await failure(() => db.query('INSERT INTO items VALUES (3, NULL)'));
      expect(notNull.sqlState).toBe('23502');
      // Inside a transaction the callback sees the engine's error, with its SQLSTATE and constraint.
      let seen: Record<string, unknown> | undefined;
      const inTransaction = await failure(() =>
        db.transaction(async (tx) => {
          try {
            await tx.query('INSERT INTO items VALUES (2, $1)', ['again']);
          } catch (error) {
            seen = error as Record<string, unknown>;
            throw error;
          }
        }),
      );
      expect(inTransaction.sqlState).toBe('23505');
      expect(seen?.code).toBe('23505');
      expect(seen?.constraint).toBe('items_pkey');
      const fenced = await failure(() => db.query('SELECT fenced()'));
      expect(fenced.code).toBe('STORE_FENCED');
      expect(fenced.sqlState).toBe('RGF01');
      const syntax = await failure(() => db.exec('SELEC 1'));
      expect(syntax.sqlState).toBe('42601');
      if (thread === 'worker') {
        // A parameter that cannot be sent to the worker fails its statement, and the database goes on.
        const unsendable = await failure(() => db.query('SELECT $1::text AS x', [Symbol('no')]));
        expect(unsendable.code).toBe('STORE_QUERY_FAILED');
        expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      }
      await db.query('DELETE FROM items');
    }
  });

  it('marks statements and transactions with the epoch', async () => {
    for (const [, db] of both()) {
      const read = "SELECT current_setting('riskgate.epoch', true) AS epoch";
      db.setEpoch(7);
      expect((await db.query<{ epoch: string }>(read)).rows[0]?.epoch).toBe('7');
      db.setEpoch(8);
      const inTx = await db.transaction(
        async (tx) => (await tx.query<{ epoch: string }>(read)).rows[0]?.epoch,
      );
      expect(inTx).toBe('8');
      db.setEpoch(null);
      expect((await db.query<{ epoch: string }>(read)).rows[0]?.epoch).toBe('');
    }
  });

  it('makes statements outside an open transaction wait until it ends, as on one connection', async () => {
    for (const [, db] of both()) {
      let outside: Promise<number> | undefined;
      let outsideDone = false;
      const inside = await db.transaction(
        async (tx) => {
          await tx.query('INSERT INTO items VALUES (10, $1)', ['in tx']);
          outside = db
            .query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = 10')
            .then((r) => {
              outsideDone = true;
              return r.rows[0]!.n;
            });
          for (let i = 0; i < 20; i++) await tx.query('SELECT 1');
          const n = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE id = 10'))
            .rows[0]!.n;
          return { n, outsideDoneBeforeCommit: outsideDone };
        },
        { isolation: 'serializable' },
      );
      expect(inside).toEqual({ n: 1, outsideDoneBeforeCommit: false });
      // It ran after the commit, so it sees the row.
      expect(await outside).toBe(1);

      // A callback that throws rolls back, and its failure is what the caller gets.
      const rolledBack = await failure(() =>
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES (11, $1)', ['rolled back']);
          throw new Error('changed my mind');
        }),
      );
      expect(rolledBack.message).toContain('changed my mind');
      const rows = await db.query('SELECT id FROM items WHERE id = 11');
      expect(rows.rows).toEqual([]);
      // A read-only transaction refuses writes.
      const readOnly = await failure(() =>
        db.transaction((tx) => tx.query('INSERT INTO items VALUES (12, $1)', ['x']), { readOnly: true }),
      );
      expect(readOnly.sqlState).toBe('25006');
      await db.query('DELETE FROM items');
    }
  });

  it('delivers NOTIFY to listeners until they stop', async () => {
    for (const [, db] of both()) {
      const heard: string[] = [];
      const stop = await db.listen('rg_channel', (payload) => heard.push(payload));
      await db.query("SELECT pg_notify('rg_channel', 'one')");
      // Sent inside a transaction: delivered once it commits.
      await db.transaction(async (tx) => {
        await tx.query("SELECT pg_notify('rg_channel', 'two')");
      });
      await db.query("SELECT pg_notify('rg_channel', 'three')");
      expect(heard).toEqual(['one', 'two', 'three']);
      await stop();
      await db.query("SELECT pg_notify('rg_channel', 'unheard')");
      await db.query('SELECT 1');
      expect(heard).toEqual(['one', 'two', 'three']);
    }
  });
});

describe('the worker thread of the embedded database', () => {
  it('closes: the worker is terminated, later calls fail with STORE_CLOSED, a second close is harmless', async () => {
    const db = await openPgliteDatabase({ memory: true });
    const worker = workerThreadOf(db)!;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await db.query('SELECT 1');
    await db.close();
    await exited;
    expect((await failure(() => db.query('SELECT 1'))).code).toBe('STORE_CLOSED');
    expect((await failure(() => db.transaction(async () => 1))).code).toBe('STORE_CLOSED');
    await db.close();
  });

  it('reports a worker that dies as a lost connection: pending and later calls fail with STORE_UNAVAILABLE', async () => {
    const db = await openPgliteDatabase({ memory: true });
    const lost: unknown[] = [];
    db.onConnectionLost((error) => lost.push(error));
    // A long statement is in flight when the thread dies.
    const pending = failure(() => db.query('SELECT count(*) FROM generate_series(1, 200000000)'));
    await workerThreadOf(db)!.terminate();
    expect((await pending).code).toBe('STORE_UNAVAILABLE');
    expect(lost).toHaveLength(1);
    expect(isStoreError(lost[0], 'STORE_UNAVAILABLE')).toBe(true);
    expect((await failure(() => db.query('SELECT 1'))).code).toBe('STORE_UNAVAILABLE');
    expect((await failure(() => db.transaction(async () => 1))).code).toBe('STORE_UNAVAILABLE');
    expect((await failure(() => db.listen('c', () => undefined))).code).toBe('STORE_UNAVAILABLE');
    expect(lost).toHaveLength(1);
    await db.close();
  });

  it('fails an open transaction whose worker dies, instead of hanging', async () => {
    const db = await openPgliteDatabase({ memory: true });
    const outcome = await failure(() =>
      db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await workerThreadOf(db)!.terminate();
        await tx.query('SELECT 2');
      }),
    );
    expect(outcome.code).toBe('STORE_UNAVAILABLE');
    await db.close();
  });

  it('lets a process exit on its own after close, and while idle without it (no handle kept)', async () => {
    const dir = tempDir();
    try {
      const module = new URL('../../src/store/pglite-database.ts', import.meta.url).href;
      const script = (close: boolean) => `
        import { openPgliteDatabase } from ${JSON.stringify(module)};
        const db = await openPgliteDatabase({ dataDir: ${JSON.stringify(join(dir.path, String(close)))}, fresh: true });
        await db.query('CREATE TABLE t (x int)');
        await db.query('INSERT INTO t VALUES (1)');
        console.log(JSON.stringify((await db.query('SELECT x FROM t')).rows));
        ${close ? 'await db.close();' : ''}
      `;
      for (const close of [true, false]) {
        const file = join(dir.path, `script-${close}.mts`);
        writeFileSync(file, script(close));
        const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
          timeout: 120_000,
        });
        expect(stdout.trim()).toBe('[{"x":1}]');
      }
    } finally {
      dir.cleanup();
    }
  });
});
