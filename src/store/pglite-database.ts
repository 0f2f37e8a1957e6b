import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { unpackClusterArchive } from './cluster-archive.ts';
import {
  type Database,
  EPOCH_SETTING,
  epochSettingValue,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  transactionCharacteristics,
} from './database.ts';
import { StoreError, toStoreError } from './errors.ts';
import type { ThreadLocation } from './pglite-protocol.ts';
import { openPgliteWorkerDatabase } from './pglite-worker-database.ts';

/** OID of `int8`: parsed to a JS number, as the `pg` driver is told to do, so both drivers agree. */
const INT8_OID = 20;

/**
 * Where an embedded database lives: a directory on disk, or memory only (tests). `fresh` says
 * the directory holds no cluster yet: it is then unpacked from the cluster template when there
 * is one (`template`, by default {@link defaultClusterTemplate}), which takes a fraction of the
 * time PostgreSQL's initdb takes in WASM. A memory database is loaded from the template too.
 */
export type PgliteLocation =
  | { readonly dataDir: string; readonly fresh?: boolean; readonly template?: string | URL }
  | { readonly memory: true; readonly template?: string | URL };

/**
 * The cluster template new embedded databases start from: `RISKGATE_CLUSTER_TEMPLATE` when set,
 * else the one the build writes beside this module (`scripts/build.js`; absent when run from
 * sources, where a new cluster is initialised from scratch).
 */
export function defaultClusterTemplate(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.RISKGATE_CLUSTER_TEMPLATE;
  if (configured !== undefined && configured !== '') return configured;
  return fileURLToPath(new URL('./pglite-cluster.tar.gz', import.meta.url));
}

/**
 * Writes a freshly initialised cluster as a gzipped tarball for {@link PgliteLocation}
 * `template`, after `prepare` (run on the new cluster: e.g. applying the migrations).
 */
export async function writeClusterTemplate(
  path: string | URL,
  prepare?: (db: Database) => Promise<void>,
): Promise<void> {
  const pglite = await PGlite.create({ parsers: { [INT8_OID]: (value: string) => Number(value) } });
  try {
    if (prepare !== undefined) await prepare(new PgliteDatabase(pglite));
    await pglite.query('CHECKPOINT');
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(path, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pglite.close();
  }
}

/**
 * Which thread runs the embedded engine: a worker thread of its own (the default), so that its
 * synchronous work never stalls the event loop, or the calling thread (`main`).
 */
export type PgliteThread = 'worker' | 'main';

/**
 * Opens PGlite (Postgres compiled to WASM) in a data directory or in memory, by default in a
 * worker thread. A fresh directory is unpacked from the cluster template first (our own
 * unpacking writes the files directly, far faster than PGlite's `loadDataDir` through its
 * virtual file system). A failure to start is returned as-is for the caller to classify (a
 * damaged directory fails here).
 */
export async function openPgliteDatabase(
  location: PgliteLocation,
  options: { readonly thread?: PgliteThread } = {},
): Promise<Database> {
  const template = location.template ?? defaultClusterTemplate();
  const hasTemplate = existsSync(template);
  if ('dataDir' in location && location.fresh === true && hasTemplate) {
    await unpackClusterArchive(readFileSync(template), location.dataDir);
  }
  const where: ThreadLocation =
    'dataDir' in location
      ? { dataDir: location.dataDir }
      : { memory: true, ...(hasTemplate ? { template: pathOf(template) } : {}) };
  if (options.thread === 'main') return new PgliteDatabase(await startPglite(where));
  return openPgliteWorkerDatabase(where);
}

function pathOf(file: string | URL): string {
  return typeof file === 'string' ? file : fileURLToPath(file);
}

/** Starts the engine on this thread, with the INT8 parser and synchronous commits both drivers rely on. */
export function startPglite(location: ThreadLocation): Promise<PGlite> {
  return PGlite.create({
    ...('dataDir' in location ? { dataDir: location.dataDir } : {}),
    ...('template' in location && location.template !== undefined
      ? { loadDataDir: new Blob([readFileSync(location.template)]) }
      : {}),
    parsers: { [INT8_OID]: (value: string) => Number(value) },
    // Each commit waits for its writes to reach the file system before it resolves.
    relaxedDurability: false,
  });
}

class PgliteDatabase implements Database {
  readonly driver = 'pglite' as const;
  readonly #pglite: PGlite;
  #closed = false;
  readonly #lostListeners: Array<(error: unknown) => void> = [];
  /** The epoch setting wanted, and the one the single connection has. */
  #epoch = '';
  #appliedEpoch = '';

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  setEpoch(epoch: number | null): void {
    this.#epoch = epochSettingValue(epoch);
  }

  /** PGlite has one connection: the lease shares it (one process, which always leads). */
  dedicatedConnection(): null {
    return null;
  }

  async listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    return this.#pglite.listen(channel, listener);
  }

  async #applyEpoch(): Promise<void> {
    if (this.#appliedEpoch === this.#epoch) return;
    const wanted = this.#epoch;
    await this.#pglite.query('SELECT set_config($1, $2, false)', [EPOCH_SETTING, wanted]);
    this.#appliedEpoch = wanted;
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    this.#assertOpen();
    try {
      await this.#applyEpoch();
      return toResult<Row>(await this.#pglite.query<Row>(text, [...params]));
    } catch (error) {
      throw this.#translate(error, 'query failed');
    }
  }

  async exec(script: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.#pglite.exec(script);
    } catch (error) {
      throw this.#translate(error, 'script failed');
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.#assertOpen();
    const characteristics = transactionCharacteristics(options);
    try {
      await this.#applyEpoch();
      return await this.#pglite.transaction(async (tx) => {
        if (characteristics !== null) await tx.query(characteristics);
        return fn(wrapTransaction(tx));
      });
    } catch (error) {
      throw this.#translate(error, 'transaction failed');
    }
  }

  onConnectionLost(listener: (error: unknown) => void): void {
    this.#lostListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pglite.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the embedded database was closed');
  }

  #translate(error: unknown, what: string): StoreError {
    // A WASM abort kills the embedded engine for good: nothing more can be persisted.
    if ((error instanceof Error && error.name === 'RuntimeError') || this.#pglite.closed) {
      const lost = new StoreError('STORE_UNAVAILABLE', `embedded database stopped: ${String(error)}`, {
        cause: error,
      });
      for (const listener of this.#lostListeners) listener(lost);
      return lost;
    }
    return toStoreError(error, what);
  }
}

function wrapTransaction(tx: PgliteTransaction): Transaction {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      return toResult<Row>(await tx.query<Row>(text, [...params]));
    },
    async exec(script: string): Promise<void> {
      await tx.exec(script);
    },
  };
}

function toResult<Row>(result: { rows: Row[]; affectedRows?: number }): QueryResult<Row> {
  return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
}
