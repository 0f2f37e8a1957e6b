import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  acquireDataDirLock,
  type DataDirLock,
  DEFAULT_DATA_DIR,
  inspectDataDir,
  type MarkedStore,
  markerPathFor,
  markStore,
  moveAside,
  readMarker,
} from './data-dir.ts';
import type { Database } from './database.ts';
import { StoreError } from './errors.ts';
import { SCHEMA_VERSION, timestampSuffix } from './migrations.ts';
import { openPgDatabase } from './pg-database.ts';
import { openPgliteDatabase, type PgliteThread } from './pglite-database.ts';
import { DEFAULT_SCHEMA } from './sql.ts';
import { createStore, type Store, type StoreOptions } from './store.ts';

/** How to open the store. With nothing set, PGlite in `./.riskgate/data` (or the server in `DATABASE_URL`). */
export interface OpenStoreOptions extends StoreOptions {
  /** A PostgreSQL server, `postgres://…`. Wins over `dataDir`; defaults to `env.DATABASE_URL` when no `dataDir` is given. */
  readonly databaseUrl?: string;
  /** Embedded PGlite data directory; default `.riskgate/data` under the working directory. */
  readonly dataDir?: string;
  /**
   * Cluster template a new embedded data directory is unpacked from (and a memory store loaded
   * from); default `RISKGATE_CLUSTER_TEMPLATE` or the one the build ships (an initialised
   * cluster with the migrations applied). Without one, PGlite initialises the cluster itself
   * and every migration is applied at open.
   */
  readonly clusterTemplate?: string;
  /** Embedded PGlite in memory only: nothing survives `close()` (backtests, tests, benchmarks). */
  readonly memory?: boolean;
  /**
   * Which thread runs embedded PGlite: `worker` (default), a worker thread of its own so the
   * engine's synchronous work never stalls the event loop, or `main`, the calling thread.
   */
  readonly pgliteThread?: PgliteThread;
  /**
   * Start over: move the old data aside (the data directory and its marker are renamed
   * `<name>.reset-<time>`, a server schema is renamed `<schema>_reset_<time>`) and open an
   * empty store. Nothing is deleted. Required to get past a fail-closed refusal.
   */
  readonly reset?: boolean;
  /**
   * Marker file recording which store instance this deployment uses. Default: beside the data
   * directory for PGlite; none for a server unless set (set it to catch a `DATABASE_URL` that
   * suddenly points at an empty database).
   */
  readonly markerPath?: string;
  /** Most pool connections for a server; default 10. */
  readonly maxConnections?: number;
  /** `application_name` of server connections (shown in `pg_stat_activity`); default `riskgate`. */
  readonly applicationName?: string;
  /**
   * Named (prepared) statements on a PostgreSQL server; default from
   * `RISKGATE_PG_NAMED_STATEMENTS` (`on` or `off`), else on. See `PgDatabaseOptions`.
   */
  readonly namedStatements?: boolean;
  /** Environment to read `DATABASE_URL` and `RISKGATE_PG_NAMED_STATEMENTS` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Whether a PostgreSQL store names its statements: the option, else the environment, else on. */
export function namedStatementsFrom(options: OpenStoreOptions): boolean {
  if (options.namedStatements !== undefined) return options.namedStatements;
  const raw = (options.env ?? process.env).RISKGATE_PG_NAMED_STATEMENTS;
  if (raw === undefined || raw === '' || raw === 'on') return true;
  if (raw === 'off') return false;
  throw new RangeError(`RISKGATE_PG_NAMED_STATEMENTS: got ${JSON.stringify(raw)}, expected "on" or "off"`);
}

/** Which backend {@link openStore} will use for these options. */
export function resolveBackend(
  options: OpenStoreOptions,
): { kind: 'server'; url: string } | { kind: 'memory' } | { kind: 'dir'; dataDir: string } {
  if (options.databaseUrl !== undefined) return { kind: 'server', url: options.databaseUrl };
  if (options.memory === true) return { kind: 'memory' };
  if (options.dataDir !== undefined) return { kind: 'dir', dataDir: resolve(options.dataDir) };
  const url = (options.env ?? process.env).DATABASE_URL;
  if (url !== undefined && url !== '') return { kind: 'server', url };
  return { kind: 'dir', dataDir: resolve(DEFAULT_DATA_DIR) };
}

/**
 * Opens the store: PGlite in a data directory by default, a PostgreSQL server when a URL is
 * given. Migrates the schema and refuses to start — with a `StoreError` — when the data is
 * corrupt (`STORE_CORRUPT`), from a newer version (`STORE_SCHEMA_TOO_NEW`), empty although
 * the marker says state existed (`STORE_UNEXPECTEDLY_EMPTY`), of another instance
 * (`STORE_INSTANCE_MISMATCH`), held by another process (`STORE_LOCKED`) or unreachable
 * (`STORE_UNAVAILABLE`), unless `reset` is set.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const backend = resolveBackend(options);
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (backend.kind === 'memory') {
    const db = await openPgliteDatabase(
      {
        memory: true,
        ...(options.clusterTemplate !== undefined ? { template: options.clusterTemplate } : {}),
      },
      threadOption(options),
    );
    return finish(db, options, schema, null, undefined, []);
  }
  if (backend.kind === 'server') {
    const namedStatements = namedStatementsFrom(options);
    const markerPath = options.markerPath;
    const moved: string[] = [];
    if (options.reset === true && markerPath !== undefined) {
      const aside = moveAside(markerPath, timestampSuffix());
      if (aside !== null) moved.push(aside);
    }
    const marker = markerPath === undefined ? null : checkedMarker(markerPath, schema).entry;
    const db = await openPgDatabase({
      connectionString: backend.url,
      namedStatements,
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
      ...(options.applicationName !== undefined ? { applicationName: options.applicationName } : {}),
    });
    return finish(db, options, schema, marker, markerPath, moved);
  }
  return openEmbedded(backend.dataDir, options, schema);
}

async function openEmbedded(dataDir: string, options: OpenStoreOptions, schema: string): Promise<Store> {
  const markerPath = options.markerPath ?? markerPathFor(dataDir);
  const lock = acquireDataDirLock(dataDir);
  try {
    const moved: string[] = [];
    if (options.reset === true) {
      const suffix = timestampSuffix();
      for (const path of [dataDir, markerPath]) {
        const aside = moveAside(path, suffix);
        if (aside !== null) moved.push(aside);
      }
    }
    const { entry: marker, schemas } = checkedMarker(markerPath, schema);
    const state = inspectDataDir(dataDir);
    if ((state === 'missing' || state === 'empty') && schemas.length > 0) {
      throw new StoreError(
        'STORE_UNEXPECTEDLY_EMPTY',
        `data directory ${dataDir} is ${state}, but ${markerPath} records stores there (schemas ${schemas.join(', ')})`,
      );
    }
    if (state === 'foreign') {
      throw new StoreError(
        'STORE_CORRUPT',
        `${dataDir} is not empty and is not a PostgreSQL data directory (no PG_VERSION); refusing to initialise over it`,
      );
    }
    mkdirSync(dataDir, { recursive: true });
    let db: Database;
    try {
      db = await openPgliteDatabase(
        {
          dataDir,
          fresh: state === 'missing' || state === 'empty',
          ...(options.clusterTemplate !== undefined ? { template: options.clusterTemplate } : {}),
        },
        threadOption(options),
      );
    } catch (error) {
      throw new StoreError(
        'STORE_CORRUPT',
        `the embedded database in ${dataDir} failed to start: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return await finish(db, options, schema, marker, markerPath, moved, lock, dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function threadOption(options: OpenStoreOptions): { readonly thread?: PgliteThread } {
  return options.pgliteThread !== undefined ? { thread: options.pgliteThread } : {};
}

/** Reads the marker's entry for `schema` (refusing one from a newer version) and the schemas it lists. */
function checkedMarker(
  markerPath: string,
  schema: string,
): { readonly entry: MarkedStore | null; readonly schemas: readonly string[] } {
  const marker = readMarker(markerPath);
  const entry = marker?.stores[schema] ?? null;
  if (entry !== null && entry.schemaVersion > SCHEMA_VERSION) {
    throw new StoreError(
      'STORE_SCHEMA_TOO_NEW',
      `${markerPath} records schema ${schema} at version ${entry.schemaVersion}; this riskgate knows up to ${SCHEMA_VERSION}`,
    );
  }
  return { entry, schemas: Object.keys(marker?.stores ?? {}) };
}

async function finish(
  db: Database,
  options: OpenStoreOptions,
  schema: string,
  marker: MarkedStore | null,
  markerPath: string | undefined,
  moved: readonly string[],
  lock?: DataDirLock,
  dataDir?: string,
): Promise<Store> {
  let store: Store;
  try {
    store = await createStore(db, {
      schema,
      ownsDatabase: true,
      ...(options.groupCommit !== undefined ? { groupCommit: options.groupCommit } : {}),
      ...(options.probeIntervalMs !== undefined ? { probeIntervalMs: options.probeIntervalMs } : {}),
      ...(options.leaseStatementTimeoutMs !== undefined
        ? { leaseStatementTimeoutMs: options.leaseStatementTimeoutMs }
        : {}),
      ...(options.reset !== undefined ? { reset: options.reset } : {}),
      ...(marker !== null ? { expectInstanceId: marker.instanceId } : {}),
      ...(lock !== undefined ? { onClose: () => lock.release() } : {}),
    });
  } catch (error) {
    await db.close().catch(() => undefined);
    // On an embedded directory a statement that fails while opening means damaged data.
    if (dataDir !== undefined && error instanceof StoreError && /QUERY_FAILED|UNAVAILABLE/.test(error.code)) {
      throw new StoreError(
        'STORE_CORRUPT',
        `the embedded database in ${dataDir} is damaged: ${error.message}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  try {
    if (markerPath !== undefined) {
      markStore(markerPath, schema, {
        instanceId: store.instanceId,
        schemaVersion: store.schemaVersion,
        writtenAt: new Date().toISOString(),
      });
    }
    const movedSchema = store.migration.movedAsideTo;
    const allMoved = movedSchema === null ? moved : [...moved, `schema ${movedSchema}`];
    if (allMoved.length > 0) {
      await store.audit.append({
        at: Date.now(),
        kind: 'store',
        actor: 'operator',
        codes: ['STORE_RESET'],
        message: `store reset; old data moved aside to ${allMoved.join(', ')}`,
        data: { movedAside: allMoved },
      });
    }
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
