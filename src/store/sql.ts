/**
 * Small SQL helpers shared by the repositories: schema-qualified table names, epoch-ms
 * conversions and parsing of `numeric` columns back to JS numbers at the repository edge.
 */

/** Schema names riskgate accepts: a plain lower-case identifier, so it never needs escaping tricks. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The default schema that holds riskgate's tables. */
export const DEFAULT_SCHEMA = 'riskgate';

/** Throws when `schema` is not a plain lower-case identifier. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${SCHEMA_NAME}, got ${JSON.stringify(schema)}`);
  }
}

const TABLES = [
  'schema_migrations',
  'store_meta',
  'risk_state',
  'risk_state_history',
  'breaker_events',
  'peak_equity',
  'day_start_equity',
  'equity_marks',
  'counters',
  'orders',
  'order_status_history',
  'fills',
  'position_snapshots',
  'position_snapshot_entries',
  'audit_log',
  'api_keys',
  'leader_lease',
  'control_requests',
] as const;

/** Name of one of riskgate's tables. */
export type TableName = (typeof TABLES)[number];

/** Schema-qualified, quoted table names, so statements never depend on `search_path`. */
export type Tables = Readonly<Record<TableName, string>>;

/** Builds the qualified names of every table in `schema`. */
export function tablesIn(schema: string): Tables {
  assertSchemaName(schema);
  return Object.fromEntries(TABLES.map((t) => [t, `"${schema}"."${t}"`])) as Record<TableName, string>;
}

/** SQL that reads a `timestamptz` expression as epoch milliseconds (a float8, so a JS number). */
export function epochMs(expression: string): string {
  return `round(extract(epoch from ${expression}) * 1000)::float8`;
}

/** SQL that turns an epoch-milliseconds parameter into a `timestamptz`. */
export function fromEpochMs(parameter: string): string {
  return `to_timestamp(${parameter}::float8 / 1000)`;
}

/** Parses a `numeric` column (a decimal string from both drivers) to a number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  throw new TypeError(`expected a numeric column, got ${JSON.stringify(value)}`);
}

/** Like {@link toNumber} but keeps SQL NULL as `null`. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

/** Throws a RangeError unless `value` is a finite number: NaN or Infinity must never reach a money column. */
export function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`);
  return value;
}

/** Throws a RangeError unless `value` is a finite epoch-ms time. */
export function epochTime(value: number, what: string): number {
  return finite(value, `${what} (epoch ms)`);
}

/** Serialises a JSON value for a `$n::jsonb` parameter; `undefined` is refused. */
export function json(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${what} must be a JSON value, got undefined`);
  return text;
}
