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
  /** Registers a listener called when a connection is lost while idle (the pool's `error` event). */
  onConnectionLost(listener: (error: unknown) => void): void;
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
