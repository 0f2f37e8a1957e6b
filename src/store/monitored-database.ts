import type {
  Database,
  DedicatedConnection,
  DedicatedConnectionOptions,
  QueryResult,
  Transaction,
  TransactionOptions,
} from './database.ts';
import { isConnectionFailure, StoreError, toStoreError } from './errors.ts';

/** Whether the store can persist right now, and why not when it cannot. */
export interface StoreHealth {
  /** False while the database is unreachable: callers must deny new entries (`STORE_UNAVAILABLE`). */
  readonly available: boolean;
  readonly driver: Database['driver'];
  /** Epoch ms when `available` last changed. */
  readonly since: number;
  /** The failure that made the store unavailable, or the last one seen. */
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null;
}

/**
 * How much work the store has sent to its database since it opened (monotonic; for benchmarks
 * and metrics). Statements and implicit transactions are counted when issued, a `transaction()`
 * when it ends.
 */
export interface StoreCounters {
  /**
   * Statements the store ran: every `query()` and `exec()`, inside a transaction or not (a
   * script given to `exec()` counts once). The driver's own `BEGIN`, `SET TRANSACTION`,
   * `COMMIT`, `ROLLBACK` and epoch settings are not counted.
   */
  readonly statements: number;
  /**
   * Transactions: every `transaction()` that ended (committed or rolled back), plus every
   * statement run outside one, which is a transaction of its own.
   */
  readonly transactions: number;
  /** Of {@link transactions}, the `transaction()` calls that were rolled back (their function or commit failed). */
  readonly rolledBack: number;
}

/**
 * Wraps a {@link Database} and keeps an availability flag: a lost connection (on a statement
 * or reported by the pool) flips it to unavailable, and any later success flips it back.
 * While unavailable it probes with `SELECT 1` every `probeIntervalMs` so it recovers on its
 * own once the server is back.
 */
export class MonitoredDatabase implements Database {
  readonly #inner: Database;
  readonly #probeIntervalMs: number;
  #available = true;
  #since = Date.now();
  #lastError: StoreHealth['lastError'] = null;
  #probe: NodeJS.Timeout | undefined;
  #closed = false;
  #statements = 0;
  #transactions = 0;
  #rolledBack = 0;

  constructor(inner: Database, options: { probeIntervalMs?: number } = {}) {
    this.#inner = inner;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1_000;
    inner.onConnectionLost((error) => this.#markUnavailable(toStoreError(error, 'connection lost')));
  }

  get driver(): Database['driver'] {
    return this.#inner.driver;
  }

  /** Synchronous view of availability for the hot path. */
  get isAvailable(): boolean {
    return this.#available;
  }

  /** The current health without touching the database. */
  snapshot(): StoreHealth {
    return {
      available: this.#available,
      driver: this.driver,
      since: this.#since,
      lastError: this.#lastError,
    };
  }

  /** What the store has sent to the database so far (see {@link StoreCounters}). */
  counters(): StoreCounters {
    return { statements: this.#statements, transactions: this.#transactions, rolledBack: this.#rolledBack };
  }

  /** Pings the database, updates the flag and returns the resulting health. Never throws. */
  async check(): Promise<StoreHealth> {
    if (this.#closed) return this.snapshot();
    try {
      await this.query('SELECT 1');
    } catch {
      // Recorded by query(); health is reported, not thrown.
    }
    return this.snapshot();
  }

  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    return this.#watch(() => {
      this.#statements++;
      this.#transactions++;
      return this.#inner.query<Row>(text, params);
    });
  }

  exec(script: string): Promise<void> {
    return this.#watch(() => {
      this.#statements++;
      this.#transactions++;
      return this.#inner.exec(script);
    });
  }

  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.#watch(async () => {
      let committed = false;
      try {
        const result = await this.#inner.transaction((tx) => fn(this.#counted(tx)), options);
        committed = true;
        return result;
      } finally {
        this.#transactions++;
        if (!committed) this.#rolledBack++;
      }
    });
  }

  /** `tx` with its statements counted. */
  #counted(tx: Transaction): Transaction {
    return {
      query: (text, params) => {
        this.#statements++;
        return tx.query(text, params);
      },
      exec: (script) => {
        this.#statements++;
        return tx.exec(script);
      },
    };
  }

  setEpoch(epoch: number | null): void {
    this.#inner.setEpoch(epoch);
  }

  /** Passed through unwatched: the lease's own failures are the leadership's to handle, not the store's availability. */
  dedicatedConnection(options: DedicatedConnectionOptions): DedicatedConnection | null {
    return this.#inner.dedicatedConnection(options);
  }

  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    return this.#watch(() => this.#inner.listen(channel, listener));
  }

  onConnectionLost(listener: (error: unknown) => void): void {
    this.#inner.onConnectionLost(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopProbe();
    await this.#inner.close();
  }

  /** Stops probing without closing the inner database (when the caller owns it). */
  detach(): void {
    this.#closed = true;
    this.#stopProbe();
  }

  async #watch<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the store was closed');
    try {
      const result = await run();
      this.#markAvailable();
      return result;
    } catch (error) {
      if (isConnectionFailure(error)) this.#markUnavailable(toStoreError(error, 'connection lost'));
      else this.#markAvailable(); // the server answered, even if with an error
      throw error;
    }
  }

  #markAvailable(): void {
    if (this.#available) return;
    this.#available = true;
    this.#since = Date.now();
    this.#stopProbe();
  }

  #markUnavailable(error: StoreError): void {
    this.#lastError = { code: error.code, message: error.message, at: Date.now() };
    if (this.#closed) return;
    if (this.#available) {
      this.#available = false;
      this.#since = Date.now();
    }
    if (this.#probe === undefined) {
      this.#probe = setInterval(() => {
        void this.check();
      }, this.#probeIntervalMs);
      // A probe alone must not keep the process alive.
      this.#probe.unref();
    }
  }

  #stopProbe(): void {
    if (this.#probe !== undefined) clearInterval(this.#probe);
    this.#probe = undefined;
  }
}
