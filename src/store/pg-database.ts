import pg from 'pg';
import {
  type Database,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  transactionCharacteristics,
} from './database.ts';
import { isConnectionFailure, StoreError, toStoreError } from './errors.ts';

/** OID of `int8`: parsed to a JS number (ids and counts stay far below 2^53). */
const INT8_OID = 20;

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connection settings for a PostgreSQL server. */
export interface PgDatabaseOptions {
  /** `postgres://user@host:port/db` connection string. */
  readonly connectionString: string;
  /** Most connections the pool opens; default 10. */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing with `STORE_UNAVAILABLE`, in ms; default 5000. */
  readonly connectTimeoutMs?: number;
  /** `application_name` shown in `pg_stat_activity`; default `riskgate`. */
  readonly applicationName?: string;
}

/**
 * Opens a `pg` pool on a PostgreSQL server and checks that it answers. An unreachable server
 * fails with `STORE_UNAVAILABLE`.
 */
export async function openPgDatabase(options: PgDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'riskgate',
    types: typeParsers,
  });
  const database = new PgDatabase(pool);
  try {
    await database.query('SELECT 1');
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

class PgDatabase implements Database {
  readonly driver = 'postgres' as const;
  readonly #pool: pg.Pool;
  #closed = false;
  readonly #lostListeners: Array<(error: unknown) => void> = [];

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    // An idle connection that dies (server restart, pg_terminate_backend) is reported here;
    // without a listener Node would crash the process on the unhandled 'error' event.
    pool.on('error', (error) => this.#connectionLost(error));
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    this.#assertOpen();
    try {
      const result = await this.#pool.query(text, [...params]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      throw toStoreError(error, 'query failed');
    }
  }

  async exec(script: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.#pool.query(script);
    } catch (error) {
      throw toStoreError(error, 'script failed');
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toStoreError(error, 'could not get a connection');
    }
    // While checked out, the pool does not listen for the client's errors; a connection lost
    // between two statements must not crash the process.
    let broken: unknown;
    const onError = (error: unknown) => {
      broken = error;
      this.#connectionLost(error);
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const characteristics = transactionCharacteristics(options);
      if (characteristics !== null) await client.query(characteristics);
      const result = await fn(wrapClient(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (broken === undefined && !isConnectionFailure(error)) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError;
        });
      } else broken ??= error;
      throw toStoreError(error, 'transaction failed');
    } finally {
      client.removeListener('error', onError);
      // A broken connection is destroyed rather than handed to the next caller.
      client.release(broken === undefined ? undefined : broken instanceof Error ? broken : true);
    }
  }

  onConnectionLost(listener: (error: unknown) => void): void {
    this.#lostListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the connection pool was closed');
  }

  #connectionLost(error: unknown): void {
    for (const listener of this.#lostListeners) listener(error);
  }
}

function wrapClient(client: pg.PoolClient): Transaction {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      const result = await client.query(text, [...params]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(script: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(script);
    },
  };
}
