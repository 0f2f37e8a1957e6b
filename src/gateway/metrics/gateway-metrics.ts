import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Decision } from '../../core/decision.ts';
import type { StoreCounters } from '../../store/monitored-database.ts';
import type { LeadershipView } from '../leadership/leadership.ts';
import { AccountGauges } from './account-gauges.ts';
import { HotHistogram } from './hot-histogram.ts';
import { registerProcessMetrics } from './process-metrics.ts';

const FAST_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
const BROKER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The gateway's Prometheus metrics, on a registry of its own (several gateways can share a process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  /** Equity, P&L, drawdown, exposures, headroom, breaker values and quote ages (set by the account monitor). */
  readonly account = new AccountGauges(this.registry);

  constructor() {
    registerProcessMetrics(this.registry);
  }

  /** Time of one risk check (`validateOrder`), in seconds (observed on every check: see {@link HotHistogram}). */
  readonly checkLatency = new HotHistogram({
    name: 'riskgate_check_duration_seconds',
    help: 'Time of one pre-trade risk check, in seconds',
    labelName: 'endpoint',
    buckets: FAST_BUCKETS,
    registers: [this.registry],
  });
  readonly decisions = new Counter({
    name: 'riskgate_decisions_total',
    help: 'Risk decisions by outcome and code (accepts count under code "none")',
    labelNames: ['outcome', 'code'] as const,
    registers: [this.registry],
  });
  /**
   * Dry runs by outcome, in the order first counted. A plain count per dry run: the counter
   * below reads them at each scrape, so a request does not pay for prom-client's label handling.
   */
  readonly #dryRunCounts = new Map<Decision['kind'], number>();
  /** Dry runs (`POST /v1/orders/check`): counted here, not audited one by one. */
  readonly dryRuns = GatewayMetrics.#countedBy(this.#dryRunCounts, this.registry);
  /** Observers of the hot-path series, resolved once. */
  readonly #hot = {
    checkLatency: this.checkLatency.labels('check'),
    orderLatency: this.checkLatency.labels('order'),
  };
  readonly tradingState = new Gauge({
    name: 'riskgate_trading_state',
    help: '1 for the current trading state (active, reducing, halted), 0 for the others',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly breakerTripped = new Gauge({
    name: 'riskgate_breaker_tripped',
    help: '1 while a breaker is tripped (latched), 0 otherwise',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly brokerLatency = new Histogram({
    name: 'riskgate_broker_request_duration_seconds',
    help: 'Time of broker calls made by the gateway, in seconds',
    labelNames: ['operation', 'outcome'] as const,
    buckets: BROKER_BUCKETS,
    registers: [this.registry],
  });
  readonly brokerCircuit = new Gauge({
    name: 'riskgate_broker_circuit_state',
    help: '1 for the broker circuit state (closed, open, half-open), 0 for the others',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly positionsByProtection = new Gauge({
    name: 'riskgate_positions_by_protection',
    help: 'Open positions by protection status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly unprotectedPositions = new Gauge({
    name: 'riskgate_unprotected_positions',
    help: 'Open positions with neither a live stop at the broker nor the fallback monitor',
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'riskgate_alerts_total',
    help: 'Alerts raised, by code and severity',
    labelNames: ['code', 'severity'] as const,
    registers: [this.registry],
  });
  readonly alertLatency = new Histogram({
    name: 'riskgate_alert_latency_seconds',
    help: 'Time from a detected condition (e.g. a breaker trip) to its alert, in seconds',
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly killSwitchAck = new Histogram({
    name: 'riskgate_kill_switch_ack_seconds',
    help: 'Time from a kill switch to the broker acknowledging every cancel, in seconds',
    buckets: BROKER_BUCKETS,
    registers: [this.registry],
  });

  readonly instanceRole = new Gauge({
    name: 'riskgate_instance_role',
    help: "1 for this instance's role in the account's leadership (leader, standby), 0 for the other",
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  readonly instanceActing = new Gauge({
    name: 'riskgate_instance_acting',
    help: '1 while this instance leads with a lease it trusts (it decides orders), 0 otherwise',
    registers: [this.registry],
  });
  readonly leaderEpoch = new Gauge({
    name: 'riskgate_leader_epoch',
    help: 'Epoch of the leadership lease as last seen (incremented by every takeover)',
    labelNames: ['leader'] as const,
    registers: [this.registry],
  });
  readonly leaseAge = new Gauge({
    name: 'riskgate_lease_age_seconds',
    help: 'Time since the leadership lease was last renewed, as last seen, in seconds',
    registers: [this.registry],
  });

  readonly leaseTtl = new Gauge({
    name: 'riskgate_lease_ttl_seconds',
    help: 'Time to live of the leadership lease (a standby takes over once the lease is this old), in seconds',
    registers: [this.registry],
  });
  readonly storeAvailable = new Gauge({
    name: 'riskgate_store_available',
    help: '1 while the store takes writes (entries are accepted), 0 while it is unavailable or risk-state writes wait for it',
    registers: [this.registry],
  });

  /** Read at each scrape by {@link storeStatements} and {@link storeTransactions}. */
  #storeCounters: () => StoreCounters = () => ({ statements: 0, transactions: 0, rolledBack: 0 });
  readonly storeStatements = GatewayMetrics.#counterFrom(this, {
    name: 'riskgate_store_statements_total',
    help: 'Statements the gateway sent to its store, inside transactions or not',
    read: (c) => c.statements,
  });
  readonly storeTransactions = GatewayMetrics.#counterFrom(this, {
    name: 'riskgate_store_transactions_total',
    help: 'Store transactions: each explicit one that ended (committed or rolled back) and each statement run outside one',
    read: (c) => c.transactions,
  });

  /** Makes the store counters report the counts of `read` (the gateway's store) at each scrape. */
  observeStore(read: () => StoreCounters): void {
    this.#storeCounters = read;
  }

  /** A counter whose value is read from the store's counters when scraped, not incremented. */
  static #counterFrom(
    metrics: GatewayMetrics,
    spec: { name: string; help: string; read: (c: StoreCounters) => number },
  ): Counter {
    return new Counter({
      name: spec.name,
      help: spec.help,
      registers: [metrics.registry],
      collect() {
        this.reset();
        this.inc(spec.read(metrics.#storeCounters()));
      },
    });
  }

  /** Writes the leadership gauges from the instance's view. */
  recordLeadership(view: LeadershipView): void {
    GatewayMetrics.oneHot(this.instanceRole, 'role', ['leader', 'standby'], view.role);
    this.instanceActing.set(view.acting ? 1 : 0);
    this.leaderEpoch.reset();
    if (view.epoch !== null) this.leaderEpoch.set({ leader: view.leaderId ?? '' }, view.epoch);
    if (view.leaseAgeMs !== null) this.leaseAge.set(view.leaseAgeMs / 1000);
    this.leaseTtl.set(view.leaseTtlMs / 1000);
  }

  /** Sets a one-hot gauge: 1 for `current`, 0 for every other state. */
  static oneHot<L extends string>(
    gauge: Gauge<L>,
    label: L,
    states: readonly string[],
    current: string,
  ): void {
    for (const state of states) gauge.set({ [label]: state } as Record<L, string>, state === current ? 1 : 0);
  }

  /** Records one check: its duration in seconds, and for a dry run its outcome. */
  observeCheck(endpoint: 'check' | 'order', seconds: number, dryRunOutcome?: Decision['kind']): void {
    (endpoint === 'check' ? this.#hot.checkLatency : this.#hot.orderLatency).observe(seconds);
    if (dryRunOutcome !== undefined)
      this.#dryRunCounts.set(dryRunOutcome, (this.#dryRunCounts.get(dryRunOutcome) ?? 0) + 1);
  }

  /** The dry-run counter, whose series are set from `counts` at each scrape. */
  static #countedBy(counts: ReadonlyMap<Decision['kind'], number>, registry: Registry): Counter<'outcome'> {
    return new Counter({
      name: 'riskgate_dry_run_checks_total',
      help: 'Dry-run checks (POST /v1/orders/check) by outcome; they reserve nothing and are not audited',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [outcome, n] of counts) this.inc({ outcome }, n);
      },
    });
  }

  /** Times a broker call into {@link brokerLatency}. */
  async timeBroker<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const end = this.brokerLatency.startTimer({ operation });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
