/**
 * The riskgate store: durable risk state, orders, fills, positions, the audit log and API
 * keys on Postgres — embedded PGlite by default, a PostgreSQL server via `DATABASE_URL`.
 */
export {
  API_KEY_ROLES,
  type ApiKeyRecord,
  ApiKeyRepository,
  type ApiKeyRole,
  type CreatedApiKey,
  parseApiToken,
} from './api-keys.ts';
export { changeAuditEvent, decisionAuditEvent } from './audit-events.ts';
export { AuditLog } from './audit-log.ts';
export {
  AUDIT_KINDS,
  type AuditAppendResult,
  type AuditEvent,
  type AuditEventInput,
  type AuditKind,
  type AuditQuery,
  type DecisionOutcome,
  type DenialCount,
} from './audit-types.ts';
export { BreakerHistory, type BreakerQuery, type StoredBreakerTrip } from './breaker-history.ts';
export { type ControlKind, type ControlRequest, ControlRequests } from './control-requests.ts';
export {
  DEFAULT_DATA_DIR,
  lockPathFor,
  type MarkedStore,
  markerPathFor,
  readMarker,
  type StoreMarker,
} from './data-dir.ts';
export type {
  Database,
  DatabaseDriver,
  DedicatedConnection,
  DedicatedConnectionOptions,
  Queryable,
  QueryResult,
  Transaction,
  TransactionOptions,
} from './database.ts';
export { EquityHistory, type EquityMark } from './equity-history.ts';
export {
  isStoreError,
  STORE_ERROR_CODES,
  StoreError,
  type StoreErrorCode,
} from './errors.ts';
export { FillRepository, type StoredFill } from './fill-repository.ts';
export {
  type GroupCommitOptions,
  type GroupCommitStats,
  GroupCommitWriter,
} from './group-commit.ts';
export { applyJsonDiff, type JsonChange, jsonDiff, jsonEqual } from './json-diff.ts';
export { LeaderLease, type LeaseConnection, type LeaseOutcome, type LeaseView } from './leader-lease.ts';
export {
  loadMigrations,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  migrate,
  SCHEMA_VERSION,
} from './migrations.ts';
export type { StoreCounters, StoreHealth } from './monitored-database.ts';
export { type OpenStoreOptions, openStore, resolveBackend } from './open-store.ts';
export { OrderRepository } from './order-repository.ts';
export {
  type BracketLegIds,
  CLOSE_REASONS,
  type CloseReason,
  isTerminalStatus,
  ORDER_STATUSES,
  type OrderAck,
  type OrderRecord,
  type OrderStatus,
  type OrderStatusChange,
  type OrderTransition,
  type OrderUpdateResult,
  type RecordIntentOptions,
  TERMINAL_ORDER_STATUSES,
} from './order-types.ts';
export { openPgDatabase, type PgDatabaseOptions } from './pg-database.ts';
export { openPgliteDatabase, type PgliteLocation, type PgliteThread } from './pglite-database.ts';
export { applyFill, type PositionFill, replayFills, type StoredPosition } from './position-math.ts';
export { PositionRepository, type PositionSnapshot, type RebuiltPositions } from './position-repository.ts';
export type { RecoveredState } from './recovery.ts';
export { PostgresRiskStateStore } from './risk-state-repository.ts';
export { DEFAULT_SCHEMA } from './sql.ts';
export { type CreateStoreOptions, createStore, Store, type StoreOptions } from './store.ts';
