import pg from 'pg';
import type { DedicatedConnection, QueryResult, Transaction } from './database.ts';
import { isConnectionFailure, StoreError, toStoreError } from './errors.ts';
import { runPgStatement, wrapPgClient } from './pg-client.ts';

/** Settings of a {@link PgDedicatedConnection}. */
export interface PgDedicatedConnectionOptions {
  readonly connectionString: string;
  readonly applicationName: string;
  /** The server's `statement_timeout`, in ms. */
  readonly statementTimeoutMs: number;
  /** How long opening the connection may take, in ms. */
  readonly connectTimeoutMs: number;
  /** The server's `idle_in_transaction_session_timeout`, in ms. */
  readonly idleInTransactionTimeoutMs: number;
  readonly types: pg.CustomTypesConfig;
  /** Called once when the connection is closed. */
  readonly onClose?: () => void;
}

/**
 * How long past the server's statement timeout the client waits for an answer before it takes
 * the server (or the network) for gone and drops the connection, in ms.
 */
const SILENT_SERVER_MARGIN_MS = 1_000;

/**
 * One `pg.Client` of its own, outside any pool: opened on first use, dropped when it fails
 * (socket error, end, a server that does not answer within its timeout) and opened again by the
 * next call. Calls run one after another, so a statement never lands inside another caller's
 * transaction. The connection never sets the leadership epoch.
 */
export class PgDedicatedConnection implements DedicatedConnection {
  readonly #options: PgDedicatedConnectionOptions;
  #client: pg.Client | undefined;
  /** The last call queued: the next one starts when it has settled. */
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: PgDedicatedConnectionOptions) {
    this.#options = options;
  }

  query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    return this.#serially(async () => {
      const client = await this.#connected();
      try {
        // Lease statements are few: they run unnamed.
        return await runPgStatement<Row>(client, text, params, false);
      } catch (error) {
        this.#dropIfBroken(client, error);
        throw toStoreError(error, 'query failed');
      }
    });
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#serially(async () => {
      const client = await this.#connected();
      try {
        await client.query('BEGIN');
        try {
          // Lease statements are few: they run unnamed.
          const result = await fn(wrapPgClient(client, false));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (!isBroken(error)) await client.query('ROLLBACK').catch(() => this.#drop(client));
          throw error;
        }
      } catch (error) {
        this.#dropIfBroken(client, error);
        throw toStoreError(error, 'transaction failed');
      }
    });
  }

  async close(): Promise<void> {
    if (!this.#closed) this.#options.onClose?.();
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(run);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #connected(): Promise<pg.Client> {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the dedicated connection was closed');
    if (this.#client !== undefined) return this.#client;
    const o = this.#options;
    const client = new pg.Client({
      connectionString: o.connectionString,
      application_name: o.applicationName,
      connectionTimeoutMillis: o.connectTimeoutMs,
      statement_timeout: o.statementTimeoutMs,
      query_timeout: o.statementTimeoutMs + SILENT_SERVER_MARGIN_MS,
      idle_in_transaction_session_timeout: o.idleInTransactionTimeoutMs,
      types: o.types,
    });
    // Without listeners a connection lost while idle would crash the process.
    client.on('error', () => this.#drop(client));
    client.on('end', () => this.#drop(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw toStoreError(error, 'could not open the dedicated connection');
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new StoreError('STORE_CLOSED', 'the dedicated connection was closed');
    }
    this.#client = client;
    return client;
  }

  #dropIfBroken(client: pg.Client, error: unknown): void {
    if (isBroken(error)) this.#drop(client);
  }

  /** Forgets `client` (the next call opens another) and ends it. */
  #drop(client: pg.Client): void {
    if (this.#client === client) this.#client = undefined;
    client.end().catch(() => undefined);
  }
}

/**
 * Whether the connection cannot be trusted after `error`: it was lost, or the server did not
 * answer in time (the statement may still run there). An error the server sent back, a
 * statement timeout among them, leaves the session usable.
 */
function isBroken(error: unknown): boolean {
  return isConnectionFailure(error) || (error instanceof Error && error.message === 'Query read timeout');
}
