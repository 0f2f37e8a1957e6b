import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, vi } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { openPgliteDatabase } from '../../src/store/pglite-database.ts';
import { createStore, type Store, type StoreOptions } from '../../src/store/store.ts';

/**
 * The PostgreSQL server to test against, from `DATABASE_URL`. In CI a server is required:
 * without one the test file fails at once instead of silently testing PGlite only.
 */
export function serverUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    if (process.env.CI === 'true') {
      throw new Error(
        'CI=true but DATABASE_URL is not set: the store must be tested against a real PostgreSQL server',
      );
    }
    return undefined;
  }
  return url;
}

/**
 * Raises this file's timeouts: starting PGlite runs initdb (several seconds), and on a busy
 * two-core machine with other test files in parallel that can take far longer. Nothing here
 * asserts on time; the limits only stop a hung test.
 */
export function useGenerousTimeouts(): void {
  vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });
}

/** A schema name no other test run uses. */
export function freshSchemaName(prefix = 'rg_test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'riskgate-store-'): { readonly path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** One database to run tests on, shared by a test file, with a fresh schema per store. */
export interface TestBackend {
  readonly name: 'pglite' | 'postgres';
  /** The shared database (opened by `setUp`). */
  readonly database: Database;
  /** Opens the shared database. */
  setUp(): Promise<void>;
  /** A new, empty store in a schema of its own; close it at the end of the test. */
  freshStore(options?: StoreOptions): Promise<Store>;
  /** Drops the schemas it created (on a server) and closes the database. */
  tearDown(): Promise<void>;
}

function makeBackend(name: 'pglite' | 'postgres', open: () => Promise<Database>): TestBackend {
  let database: Database | undefined;
  const schemas: string[] = [];
  return {
    name,
    get database(): Database {
      if (database === undefined) throw new Error('backend not set up');
      return database;
    },
    async setUp() {
      database = await open();
    },
    async freshStore(options: StoreOptions = {}) {
      const schema = options.schema ?? freshSchemaName();
      schemas.push(schema);
      return createStore(this.database, { ...options, schema });
    },
    async tearDown() {
      if (database === undefined) return;
      try {
        if (name === 'postgres') {
          for (const schema of schemas) await database.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        }
      } finally {
        await database.close();
        database = undefined;
      }
    },
  };
}

/** PGlite in memory: durability is tested separately, with data directories. */
export function pgliteBackend(): TestBackend {
  return makeBackend('pglite', () => openPgliteDatabase({ memory: true }));
}

/** The server in `DATABASE_URL`, with a small pool so parallel test files fit in its connections. */
export function postgresBackend(url: string): TestBackend {
  return makeBackend('postgres', () => openPgDatabase({ connectionString: url, maxConnections: 4 }));
}

/**
 * Registers `suite` once per backend: PGlite always, the server whenever `DATABASE_URL` is set
 * (and always in CI, where a missing server fails the run).
 */
export function forEachBackend(suite: (backend: TestBackend) => void): void {
  useGenerousTimeouts();
  const url = serverUrl();
  describe('on PGlite', () => suite(pgliteBackend()));
  if (url !== undefined) describe('on the PostgreSQL server', () => suite(postgresBackend(url)));
}

/** Drops a schema on a server with a short-lived connection (for tests that open their own stores). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const db = await openPgDatabase({ connectionString: url, maxConnections: 1 });
  try {
    await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await db.close();
  }
}
