import pg from 'pg';
import {
  type Database,
  type DedicatedConnection,
  type DedicatedConnectionOptions,
  EPOCH_SETTING,
  epochSettingValue,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  transactionCharacteristics,
} from './database.ts';
import { isConnectionFailure, StoreError, toStoreError } from './errors.ts';
import { runPgStatement, wrapPgClient } from './pg-client.ts';
import { PgDedicatedConnection } from './pg-dedicated-connection.ts';

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
  /**
   * Runs the store's statements as named (prepared once per connection); default true. False
   * behind a pooler that cannot keep prepared statements across transactions (PgBouncer in
   * transaction mode before 1.21, or without `max_prepared_statements`).
   */
  readonly namedStatements?: boolean;
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
    // A transaction left open by a frozen process would hold its locks (the lease's among them)
    // for ever; the server ends such a session instead.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  const database = new PgDatabase(pool, options);
  try {
    await database.query('SELECT 1');
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** How long the server lets a session sit idle inside a transaction before it ends it, in ms. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 2_000;

/** How long a lost `LISTEN` connection waits before it is reopened, in ms. */
const LISTEN_RETRY_MS = 500;

class PgDatabase implements Database {
  readonly driver = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #options: PgDatabaseOptions;
  readonly #named: boolean;
  #closed = false;
  readonly #lostListeners: Array<(error: unknown) => void> = [];
  /** The epoch setting wanted, and the one each pooled connection has. */
  #epoch = '';
  readonly #appliedEpoch = new WeakMap<pg.PoolClient, string>();
  readonly #listeners = new Set<() => Promise<void>>();
  readonly #dedicated = new Set<DedicatedConnection>();

  constructor(pool: pg.Pool, options: PgDatabaseOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#named = options.namedStatements !== false;
    // An idle connection that dies (server restart, pg_terminate_backend) is reported here;
    // without a listener Node would crash the process on the unhandled 'error' event.
    pool.on('error', (error) => this.#connectionLost(error));
  }

  setEpoch(epoch: number | null): void {
    this.#epoch = epochSettingValue(epoch);
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    this.#assertOpen();
    if (this.#epoch === '') {
      // No epoch was ever set: any connection will do, and pg picks one in a single call.
      try {
        return await runPgStatement<Row>(this.#pool, text, params, this.#named);
      } catch (error) {
        throw toStoreError(error, 'query failed');
      }
    }
    return this.#withClient('query failed', (client) =>
      runPgStatement<Row>(client, text, params, this.#named),
    );
  }

  /** Brings a connection's epoch setting up to the wanted one (one round trip when it changed). */
  async #applyEpoch(client: pg.PoolClient): Promise<void> {
    const wanted = this.#epoch;
    if ((this.#appliedEpoch.get(client) ?? '') === wanted) return;
    await client.query('SELECT set_config($1, $2, false)', [EPOCH_SETTING, wanted]);
    this.#appliedEpoch.set(client, wanted);
  }

  async listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    this.#assertOpen();
    let stopped = false;
    let client: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({
        connectionString: this.#options.connectionString,
        connectionTimeoutMillis: this.#options.connectTimeoutMs ?? 5_000,
        application_name: `${this.#options.applicationName ?? 'riskgate'}-listen`,
      });
      c.on('notification', (message) => {
        if (message.channel === channel) listener(message.payload ?? '');
      });
      c.on('error', () => reopen(c));
      c.on('end', () => reopen(c));
      await c.connect();
      await c.query(`LISTEN ${quoteIdentifier(channel)}`);
      client = c;
    };
    const reopen = (c: pg.Client) => {
      if (stopped || client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      const attempt = () => {
        retry = undefined;
        if (stopped) return;
        connect().catch(() => {
          retry = setTimeout(attempt, LISTEN_RETRY_MS);
          retry.unref();
        });
      };
      retry = setTimeout(attempt, LISTEN_RETRY_MS);
      retry.unref();
    };
    try {
      await connect();
    } catch (error) {
      throw toStoreError(error, `could not listen on ${channel}`);
    }
    const stop = async () => {
      stopped = true;
      this.#listeners.delete(stop);
      if (retry !== undefined) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    };
    this.#listeners.add(stop);
    return stop;
  }

  dedicatedConnection(options: DedicatedConnectionOptions): DedicatedConnection {
    this.#assertOpen();
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? 5_000;
    const connection = new PgDedicatedConnection({
      connectionString: this.#options.connectionString,
      applicationName: `${this.#options.applicationName ?? 'riskgate'}-${options.name}`,
      statementTimeoutMs: options.statementTimeoutMs,
      // Opening it is on the same clock as the statements it exists for.
      connectTimeoutMs: Math.min(connectTimeoutMs, Math.max(1_000, options.statementTimeoutMs * 2)),
      idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      types: typeParsers,
      onClose: () => this.#dedicated.delete(connection),
    });
    this.#dedicated.add(connection);
    return connection;
  }

  async exec(script: string): Promise<void> {
    this.#assertOpen();
    try {
      await this.#pool.query(script);
    } catch (error) {
      throw toStoreError(error, 'script failed');
    }
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.#withClient('transaction failed', async (client, markBroken) => {
      await client.query('BEGIN');
      try {
        const characteristics = transactionCharacteristics(options);
        if (characteristics !== null) await client.query(characteristics);
        const result = await fn(wrapPgClient(client, this.#named));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not handed to the next caller.
        if (!isConnectionFailure(error)) await client.query('ROLLBACK').catch(markBroken);
        throw error;
      }
    });
  }

  /** Runs `fn` on one pooled connection that carries the wanted epoch; failures become `StoreError`s. */
  async #withClient<T>(
    what: string,
    fn: (client: pg.PoolClient, markBroken: (error: unknown) => void) => Promise<T>,
  ): Promise<T> {
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
      await this.#applyEpoch(client);
      return await fn(client, (error) => {
        broken ??= error;
      });
    } catch (error) {
      if (isConnectionFailure(error)) broken ??= error;
      throw toStoreError(error, what);
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
    await Promise.all([...this.#listeners].map((stop) => stop()));
    await Promise.all([...this.#dedicated].map((connection) => connection.close()));
    await this.#pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the connection pool was closed');
  }

  #connectionLost(error: unknown): void {
    for (const listener of this.#lostListeners) listener(error);
  }
}

/** Quotes an identifier for a statement that takes no parameters (`LISTEN`). */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
