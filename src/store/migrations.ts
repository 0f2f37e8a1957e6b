import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database, Transaction } from './database.ts';
import { StoreError } from './errors.ts';
import { assertSchemaName } from './sql.ts';

/** One versioned SQL migration from `src/store/migrations/NNN_name.sql`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SHA-256 of the file's text: an applied migration whose file changed is refused. */
  readonly checksum: string;
  readonly sql: string;
}

const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Loads the migrations shipped with this code, in version order; versions must run 1, 2, 3… */
export function loadMigrations(): readonly Migration[] {
  const migrations = readdirSync(MIGRATIONS_DIR)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry) => entry.match !== null)
    .map(({ file, match }) => {
      const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
      return {
        version: Number(match![1]),
        name: match![2]!,
        checksum: createHash('sha256').update(sql).digest('hex'),
        sql,
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 001, 002, …; found ${m.version}`);
  });
  return migrations;
}

/** The schema version this code writes: the highest migration it ships. */
export const SCHEMA_VERSION: number = loadMigrations().length;

/** What {@link migrate} expects to find, from the marker file kept beside an embedded data directory. */
export interface ExpectedStore {
  readonly instanceId: string;
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  readonly schema: string;
  /** Set when a marker says this store held state before: an empty schema is then refused. */
  readonly expect?: ExpectedStore | undefined;
  /** Renames an existing schema to `<schema>_reset_<time>` first and starts empty. */
  readonly reset?: boolean;
  /** Migrations to apply; defaults to the shipped ones (tests pass their own). */
  readonly migrations?: readonly Migration[];
}

/** What {@link migrate} found and did. */
export interface MigrateResult {
  readonly schemaVersion: number;
  readonly instanceId: string;
  /** True when the schema did not exist and was created now. */
  readonly created: boolean;
  readonly applied: readonly number[];
  /** The name the old schema was renamed to by a reset, if any. */
  readonly movedAsideTo: string | null;
}

/**
 * Brings `schema` up to the shipped version, idempotently, in one transaction holding an
 * advisory lock so two processes starting together never race. Refuses (with a typed
 * {@link StoreError}) a schema from a newer version, a migration whose text changed after it
 * was applied, an empty schema when state was expected, and a different store instance.
 */
export async function migrate(db: Database, options: MigrateOptions): Promise<MigrateResult> {
  assertSchemaName(options.schema);
  const migrations = options.migrations ?? loadMigrations();
  const schema = options.schema;
  const quoted = `"${schema}"`;
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`riskgate.migrate:${schema}`]);
    let movedAsideTo: string | null = null;
    if (options.reset === true && (await schemaExists(tx, schema))) {
      movedAsideTo = `${schema}_reset_${timestampSuffix()}`.slice(0, 63);
      await tx.exec(`ALTER SCHEMA ${quoted} RENAME TO "${movedAsideTo}"`);
    }
    const existed = await tableExists(tx, schema, 'schema_migrations');
    if (!existed && options.expect !== undefined && options.reset !== true) {
      throw new StoreError(
        'STORE_UNEXPECTEDLY_EMPTY',
        `schema ${schema} has no riskgate tables, but the marker says store ${options.expect.instanceId} held state here`,
      );
    }
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS ${quoted};
       CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         checksum   text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       );`,
    );
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${quoted}.schema_migrations ORDER BY version`,
    );
    const latest = migrations.length;
    const newest = rows.reduce((max, r) => Math.max(max, r.version), 0);
    if (newest > latest) {
      throw new StoreError(
        'STORE_SCHEMA_TOO_NEW',
        `schema ${schema} is at version ${newest}, but this riskgate knows only up to ${latest}`,
      );
    }
    for (const row of rows) {
      const known = migrations[row.version - 1];
      if (known === undefined || known.checksum !== row.checksum) {
        throw new StoreError(
          'STORE_CORRUPT',
          `migration ${row.version} (${row.name}) was applied with a different text than this code ships`,
        );
      }
    }
    const applied: number[] = [];
    for (const migration of migrations.slice(newest)) {
      await tx.exec(migration.sql.replaceAll('{{schema}}', quoted));
      await tx.query(
        `INSERT INTO ${quoted}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, migration.checksum],
      );
      applied.push(migration.version);
    }
    const instanceId = await ensureInstanceId(tx, quoted);
    if (options.expect !== undefined && options.reset !== true && options.expect.instanceId !== instanceId) {
      throw new StoreError(
        'STORE_INSTANCE_MISMATCH',
        `the database holds store ${instanceId}, but the marker records store ${options.expect.instanceId}`,
      );
    }
    return { schemaVersion: latest, instanceId, created: !existed, applied, movedAsideTo };
  });
}

async function ensureInstanceId(tx: Transaction, quoted: string): Promise<string> {
  const existing = await tx.query<{ instance_id: string }>(`SELECT instance_id FROM ${quoted}.store_meta`);
  const found = existing.rows[0];
  if (found !== undefined) return found.instance_id;
  const instanceId = randomUUID();
  await tx.query(`INSERT INTO ${quoted}.store_meta (instance_id) VALUES ($1)`, [instanceId]);
  return instanceId;
}

async function schemaExists(tx: Transaction, schema: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return rows.length > 0;
}

async function tableExists(tx: Transaction, schema: string, table: string): Promise<boolean> {
  const { rows } = await tx.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `"${schema}"."${table}"`,
  ]);
  return rows[0]?.found === true;
}

/** `YYYYMMDDhhmmssSSS` in UTC, for names of data moved aside. */
export function timestampSuffix(at: number = Date.now()): string {
  return new Date(at).toISOString().replace(/[-:T.Z]/g, '');
}
