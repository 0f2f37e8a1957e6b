import { ApiKeyRepository } from './api-keys.ts';
import { AuditLog } from './audit-log.ts';
import { BreakerHistory } from './breaker-history.ts';
import { ControlRequests } from './control-requests.ts';
import type { Database, DedicatedConnection } from './database.ts';
import { EquityHistory } from './equity-history.ts';
import { FillRepository } from './fill-repository.ts';
import type { GroupCommitOptions } from './group-commit.ts';
import { LeaderLease } from './leader-lease.ts';
import { type MigrateResult, migrate } from './migrations.ts';
import { MonitoredDatabase, type StoreCounters, type StoreHealth } from './monitored-database.ts';
import { OrderRepository } from './order-repository.ts';
import { PositionRepository } from './position-repository.ts';
import { type RecoveredState, recoverState } from './recovery.ts';
import { PostgresRiskStateStore } from './risk-state-repository.ts';
import { DEFAULT_SCHEMA, type Tables, tablesIn } from './sql.ts';

/** Options shared by every way of building a {@link Store}. */
export interface StoreOptions {
  /** Schema holding the tables; default `riskgate`. Tests use a fresh one per run. */
  readonly schema?: string;
  /** Batching of audit events, equity marks, fills and order acknowledgements and status changes. */
  readonly groupCommit?: GroupCommitOptions;
  /** How often to probe an unreachable database, in ms; default 1000. */
  readonly probeIntervalMs?: number;
  /**
   * Statement timeout of the lease's own connection on a server, in ms; default 1000. Keep it
   * well under the lease TTL, so that a renewal that hangs fails in time for another try.
   */
  readonly leaseStatementTimeoutMs?: number;
}

/** Default of {@link StoreOptions.leaseStatementTimeoutMs}. */
const LEASE_STATEMENT_TIMEOUT_MS = 1_000;

/** Options of {@link createStore}. */
export interface CreateStoreOptions extends StoreOptions {
  /** Close the database when the store closes; default false (the caller owns it). */
  readonly ownsDatabase?: boolean;
  /** Rename an existing schema aside and start empty. */
  readonly reset?: boolean;
  /** Instance the caller expects (from a marker file); an empty schema is then refused. */
  readonly expectInstanceId?: string;
  /** Called after the store closed, e.g. to release a data-directory lock. */
  readonly onClose?: () => void;
}

/**
 * The riskgate store: one database, its repositories, recovery and health. Build it with
 * `openStore` (which adds the fail-closed checks of an embedded data directory) or
 * {@link createStore} on a database you opened yourself.
 */
export class Store {
  readonly driver: Database['driver'];
  readonly schema: string;
  /** Random id of this store, created with its schema; the marker file records it. */
  readonly instanceId: string;
  readonly schemaVersion: number;
  /** What migrating found and did at open. */
  readonly migration: MigrateResult;
  /** The database, wrapped to keep the availability flag. For queries the repositories lack. */
  readonly database: Database;
  readonly tables: Tables;
  /** The core's `RiskStateStore` port: latch, peak and day-start equity, counters, breaker trips. */
  readonly riskState: PostgresRiskStateStore;
  readonly orders: OrderRepository;
  readonly fills: FillRepository;
  readonly positions: PositionRepository;
  readonly audit: AuditLog;
  readonly breakers: BreakerHistory;
  readonly equity: EquityHistory;
  readonly apiKeys: ApiKeyRepository;
  /**
   * The account's leadership lease (one leader per account, fenced by epoch). On a server its
   * statements run on a connection of their own, outside the pool.
   */
  readonly lease: LeaderLease;
  /** Kills, resets and profile changes received by any instance, for the leader. */
  readonly control: ControlRequests;
  readonly #monitor: MonitoredDatabase;
  readonly #leaseConnection: DedicatedConnection | null;
  readonly #ownsDatabase: boolean;
  readonly #onClose: (() => void) | undefined;
  #closing: Promise<void> | undefined;

  /** Use {@link createStore}: the schema must be migrated first. */
  constructor(
    monitor: MonitoredDatabase,
    migration: MigrateResult,
    schema: string,
    options: CreateStoreOptions,
  ) {
    this.#monitor = monitor;
    this.#ownsDatabase = options.ownsDatabase === true;
    this.#onClose = options.onClose;
    this.database = monitor;
    this.driver = monitor.driver;
    this.schema = schema;
    this.migration = migration;
    this.instanceId = migration.instanceId;
    this.schemaVersion = migration.schemaVersion;
    this.tables = tablesIn(schema);
    this.riskState = new PostgresRiskStateStore(monitor, this.tables);
    this.orders = new OrderRepository(monitor, this.tables, options.groupCommit);
    this.fills = new FillRepository(monitor, this.tables, options.groupCommit);
    this.positions = new PositionRepository(monitor, this.tables);
    this.audit = new AuditLog(monitor, this.tables, options.groupCommit);
    this.breakers = new BreakerHistory(monitor, this.tables);
    this.equity = new EquityHistory(monitor, this.tables, options.groupCommit);
    this.apiKeys = new ApiKeyRepository(monitor, this.tables);
    this.#leaseConnection = monitor.dedicatedConnection({
      name: 'lease',
      statementTimeoutMs: options.leaseStatementTimeoutMs ?? LEASE_STATEMENT_TIMEOUT_MS,
    });
    this.lease = new LeaderLease(this.#leaseConnection ?? monitor, this.tables);
    this.control = new ControlRequests(monitor, this.tables, schema);
  }

  /**
   * False while the database is unreachable. Read it on the hot path: while false, deny new
   * entries with `STORE_UNAVAILABLE`, because nothing they cause could be persisted.
   */
  get isAvailable(): boolean {
    return this.#monitor.isAvailable;
  }

  /** Availability as last observed, without touching the database. */
  get currentHealth(): StoreHealth {
    return this.#monitor.snapshot();
  }

  /**
   * Statements and transactions this store has sent to its database since it opened (see
   * {@link StoreCounters} for what counts); read-only, for benchmarks and metrics.
   */
  get counters(): StoreCounters {
    return this.#monitor.counters();
  }

  /** Pings the database and reports availability (never throws). */
  health(): Promise<StoreHealth> {
    return this.#monitor.check();
  }

  /** Reads everything needed to rebuild the engine after a restart, in one consistent snapshot. */
  async recover(): Promise<RecoveredState> {
    await this.flush();
    return recoverState(this.#monitor, this.tables);
  }

  /** Commits every queued audit event, equity mark, fill and order status change now. */
  async flush(): Promise<void> {
    await Promise.all([this.orders.flush(), this.fills.flush(), this.audit.flush(), this.equity.flush()]);
  }

  /** Commits what is queued, then closes the database (if owned) and releases the data directory. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await Promise.all([this.orders.close(), this.fills.close(), this.audit.close(), this.equity.close()]);
      } finally {
        try {
          await this.#leaseConnection?.close();
          if (this.#ownsDatabase) await this.#monitor.close();
          else this.#monitor.detach();
        } finally {
          this.#onClose?.();
        }
      }
    })();
    return this.#closing;
  }
}

/**
 * Migrates `schema` on an open database and builds a {@link Store} on it. Fails with a typed
 * `StoreError` when the schema is from a newer version, damaged, or unexpectedly empty.
 */
export async function createStore(database: Database, options: CreateStoreOptions = {}): Promise<Store> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const monitor = new MonitoredDatabase(
    database,
    options.probeIntervalMs !== undefined ? { probeIntervalMs: options.probeIntervalMs } : {},
  );
  try {
    const migration = await migrate(monitor, {
      schema,
      ...(options.reset !== undefined ? { reset: options.reset } : {}),
      ...(options.expectInstanceId !== undefined ? { expect: { instanceId: options.expectInstanceId } } : {}),
    });
    return new Store(monitor, migration, schema, options);
  } catch (error) {
    monitor.detach();
    throw error;
  }
}
