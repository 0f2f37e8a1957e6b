/**
 * The catalogue of store failures. Codes are stable: callers match on them, and an operator
 * reads the description to learn what to do next.
 */
export const STORE_ERROR_CODES = {
  STORE_CORRUPT:
    'The data directory or schema is damaged or is not a riskgate store; refusing to start. ' +
    'Restore a backup, or start with reset to move it aside.',
  STORE_SCHEMA_TOO_NEW:
    'The store was written by a newer riskgate (a schema version this code does not know); ' +
    'refusing to start. Upgrade riskgate, or start with reset to move it aside.',
  STORE_UNEXPECTEDLY_EMPTY:
    'The store held state before (its marker file says so) but is now empty or missing; ' +
    'refusing to start with a blank risk state. Restore the data, or start with reset.',
  STORE_INSTANCE_MISMATCH:
    'The database belongs to a different store instance than the marker file records; ' +
    'refusing to start. Point riskgate at the right data, or start with reset.',
  STORE_LOCKED: 'Another live process has the embedded data directory open.',
  STORE_UNAVAILABLE: 'The database cannot be reached, so nothing can be persisted.',
  STORE_QUERY_FAILED: 'The database rejected a statement.',
  STORE_CLOSED: 'The store was closed.',
  STORE_FENCED:
    'Another instance took the lead of this account (a newer leadership epoch); this instance may ' +
    'no longer write its state. It steps down and follows the new leader.',
} as const;

/** SQLSTATE raised by the store's fencing trigger when a write carries a superseded epoch. */
export const FENCED_SQLSTATE = 'RGF01';

/** Literal code of a {@link StoreError}. */
export type StoreErrorCode = keyof typeof STORE_ERROR_CODES;

/** An I/O failure of the store, with a literal `code`, the underlying `cause` and, for SQL errors, the SQLSTATE. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** SQLSTATE reported by Postgres, when the failure came from a statement. */
  readonly sqlState: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(`${code}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.sqlState = options.sqlState;
  }
}

/** True when `error` is a {@link StoreError}, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/**
 * SQLSTATE classes and codes that mean the connection, not the statement, failed:
 * 08 connection exception, 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now),
 * 53300 too many connections.
 */
const CONNECTION_SQLSTATES = /^(08...|57P0[1-3]|53300)$/;

/** Node socket errors and driver messages that mean the connection is gone. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|terminating connection/i;

/** Reads a string property from an unknown error without trusting its shape. */
export function errorProperty(error: unknown, key: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** True when a driver error means the database is unreachable rather than that a statement failed. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StoreError) return error.code === 'STORE_UNAVAILABLE';
  const sqlState = errorProperty(error, 'code');
  if (sqlState !== undefined && (CONNECTION_SQLSTATES.test(sqlState) || CONNECTION_ERRNOS.has(sqlState))) {
    return true;
  }
  const message = error instanceof Error ? error.message : String(error);
  return CONNECTION_MESSAGES.test(message);
}

/**
 * Translates a driver error into a {@link StoreError}: connection failures become
 * `STORE_UNAVAILABLE`, anything else `STORE_QUERY_FAILED` carrying the SQLSTATE.
 */
export function toStoreError(error: unknown, what: string): StoreError {
  if (error instanceof StoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  if (isConnectionFailure(error)) {
    return new StoreError('STORE_UNAVAILABLE', `${what}: ${detail}`, { cause: error });
  }
  const sqlState = errorProperty(error, 'code');
  if (sqlState === FENCED_SQLSTATE) {
    return new StoreError('STORE_FENCED', `${what}: ${detail}`, { cause: error, sqlState });
  }
  const options: { cause: unknown; sqlState?: string } = { cause: error };
  if (sqlState !== undefined && /^[0-9A-Z]{5}$/.test(sqlState)) options.sqlState = sqlState;
  return new StoreError('STORE_QUERY_FAILED', `${what}: ${detail}`, options);
}
