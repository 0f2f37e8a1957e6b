import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { isStoreError } from '../../src/store/errors.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { openPgliteDatabase } from '../../src/store/pglite-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName, serverUrl, useGenerousTimeouts } from './harness.ts';

// The connection the leadership lease runs on, outside the pool. Needs the server (required in
// CI); elsewhere only the PGlite case runs.
const url = serverUrl();
if (url === undefined)
  console.warn('skipping the dedicated connection tests on a server: DATABASE_URL is not set');
useGenerousTimeouts();

describe('a dedicated connection on PGlite', () => {
  it('is not offered: the single connection is the store’s', async () => {
    const db = await openPgliteDatabase({ memory: true });
    try {
      expect(db.dedicatedConnection({ name: 'lease', statementTimeoutMs: 500 })).toBeNull();
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(url === undefined)('a dedicated connection on the PostgreSQL server', () => {
  const schema = freshSchemaName('rg_dedicated');
  let db: Database;
  let store: Store;
  beforeAll(async () => {
    db = await openPgDatabase({ connectionString: url!, maxConnections: 1, applicationName: schema });
    store = await createStore(db, { schema });
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
    await dropSchema(url!, schema);
  });

  it('has its own statement timeout and name, and stays usable after a statement timed out', async () => {
    const connection = db.dedicatedConnection({ name: 'probe', statementTimeoutMs: 300 })!;
    try {
      expect((await connection.query('SHOW statement_timeout')).rows).toEqual([
        { statement_timeout: '300ms' },
      ]);
      expect((await connection.query(`SELECT current_setting('application_name') AS name`)).rows).toEqual([
        { name: `${schema}-probe` },
      ]);
      await expect(connection.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      expect((await connection.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await connection.close();
    }
    await expect(connection.query('SELECT 1')).rejects.toSatisfy((e) => isStoreError(e, 'STORE_CLOSED'));
  });

  it('runs while the pool is held, is reopened after the server ends it, and carries no epoch', async () => {
    const connection = db.dedicatedConnection({ name: 'probe2', statementTimeoutMs: 2_000 })!;
    try {
      const pid = async () =>
        (await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const first = await pid();
      // The pool's one connection is busy inside a transaction meanwhile.
      await db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        expect(await pid()).toBe(first);
        await tx.query('SELECT pg_terminate_backend($1)', [first]);
      });
      // The first call after the cut may learn of it; the next opens a new session.
      await connection.query('SELECT 1').catch(() => undefined);
      const second = await pid();
      expect(second).not.toBe(first);

      // The store's connections write for an epoch; the dedicated one never does.
      const lease = await store.lease.acquire('holder', 60_000);
      expect(lease.held).toBe(true);
      db.setEpoch(lease.lease!.epoch);
      await store.riskState.saveCounter('pooled', 1, Date.now());
      await expect(
        connection.query(
          `INSERT INTO ${store.tables.counters} (name, value, updated_at) VALUES ('dedicated', '1', now())`,
        ),
      ).rejects.toSatisfy((e) => isStoreError(e, 'STORE_FENCED'));
    } finally {
      db.setEpoch(null);
      await connection.close();
    }
  });
});
