/** Rows returned by a statement, with the number of rows it affected. */
export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** Something that runs one parameterised statement: a database or an open transaction. */
export interface Queryable {
  /**
   * Runs one statement with `$1…$n` parameters. Numbers, strings, booleans, null and arrays
   * of strings may be passed; send JSON as a string and cast it with `$n::jsonb`.
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** An open transaction: statements, plus scripts of several statements (migrations). */
export interface Transaction extends Queryable {
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>;
}

/** How a transaction isolates itself from concurrent ones. */
export interface TransactionOptions {
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readonly readOnly?: boolean;
}

/**
 * A connection of its own, outside the pool, for the little work that must never wait for a
 * pooled connection (the leadership lease). It carries no leadership epoch, so a write to the
 * account's state through it is refused; its statements time out quickly; it is opened on first
 * use and reopened on the next use after it dropped or timed out.
 */
export interface DedicatedConnection extends Queryable {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Closes the connection; later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

/** Options of {@link Database.dedicatedConnection}. */
export interface DedicatedConnectionOptions {
  /** Added to the `application_name` seen in `pg_stat_activity` (`riskgate-lease`). */
  readonly name: string;
  /** The server's `statement_timeout` for the connection, in ms. */
  readonly statementTimeoutMs: number;
}

/** Which engine a {@link Database} talks to. */
export type DatabaseDriver = 'pglite' | 'postgres';

/**
 * The one database abstraction the store uses, with two drivers: embedded PGlite and a
 * PostgreSQL server through a `pg` pool. Both run the same SQL with the same results, and
 * both throw only `StoreError`s.
 */
export interface Database extends Queryable {
  readonly driver: DatabaseDriver;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Marks every later statement with a leadership epoch (the session setting `riskgate.epoch`),
   * or with none (`null`). The store's fencing trigger refuses writes to the account's state
   * whose epoch is not the lease's (`STORE_FENCED`).
   */
  setEpoch(epoch: number | null): void;
  /**
   * Listens for `NOTIFY` on `channel` on a connection of its own, and resolves once listening;
   * the returned function stops. A lost listening connection is reopened.
   */
  listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>>;
  /** Registers a listener called when a connection is lost while idle (the pool's `error` event). */
  onConnectionLost(listener: (error: unknown) => void): void;
  /**
   * Opens (lazily) a {@link DedicatedConnection} outside the pool, or returns null when the
   * driver has a single connection that cannot be shared out (PGlite).
   */
  dedicatedConnection(options: DedicatedConnectionOptions): DedicatedConnection | null;
  /** Closes the connection(s); later calls fail with `STORE_CLOSED`. */
  close(): Promise<void>;
}

/** Statement that begins a transaction's characteristics, or null for the defaults. */
export function transactionCharacteristics(options: TransactionOptions | undefined): string | null {
  if (options === undefined) return null;
  const parts: string[] = [];
  if (options.isolation !== undefined) parts.push(`ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
  if (options.readOnly === true) parts.push('READ ONLY');
  return parts.length === 0 ? null : `SET TRANSACTION ${parts.join(', ')}`;
}

/** Name of the session setting that carries the leadership epoch of a connection's writes. */
export const EPOCH_SETTING = 'riskgate.epoch';

/** The value of {@link EPOCH_SETTING} for an epoch (empty: none). */
export function epochSettingValue(epoch: number | null): string {
  return epoch === null ? '' : String(epoch);
}
