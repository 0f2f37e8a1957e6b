/** Which broker the gateway fronts. */
export type BrokerConfig =
  | {
      /** The built-in simulated exchange, in process on its own loopback port. */
      readonly kind: 'sim';
      /** Seed of the replayed market. */
      readonly seed: number;
      /** Simulated seconds per real second. */
      readonly speed: number;
    }
  | {
      /** Alpaca (or anything that speaks its API, such as `riskgate sim-exchange`). */
      readonly kind: 'alpaca';
      readonly mode: 'paper' | 'live';
      /** Trading API base URL; defaults to Alpaca's paper or live host. */
      readonly baseUrl: string;
      /** Market-data base URL; undefined lets the adapter choose. */
      readonly dataUrl: string | undefined;
      readonly keyId: string;
      /** Never logged and never returned by any endpoint. */
      readonly secretKey: string;
    };

/** Everything `riskgate serve` runs with, after defaults, config file, environment and flags. */
export interface GatewayConfig {
  readonly host: string;
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Directory of the embedded store (PGlite in `<dataDir>/data`). */
  readonly dataDir: string;
  /** A PostgreSQL server instead of the embedded store. */
  readonly databaseUrl: string | undefined;
  /** Prepare the store's statements once per server connection (`--pg-named-statements off`: not). */
  readonly namedStatements: boolean;
  /** Risk profile file (YAML or JSON). */
  readonly profilePath: string;
  readonly broker: BrokerConfig;
  /** True only when live trading was switched on deliberately (`--live` or `RISKGATE_LIVE=I_UNDERSTAND`). */
  readonly liveSwitch: boolean;
  readonly monitor: {
    /** How often marks and the account are polled, in milliseconds. */
    readonly markIntervalMs: number;
    /** Length of the bars built from marks for ATR and bar-counting exits, in milliseconds. */
    readonly barIntervalMs: number;
    /** How often orders and positions are reconciled with the broker, in milliseconds. */
    readonly reconcileIntervalMs: number;
    /**
     * How long a position may go without a live stop at the broker, in milliseconds, counted
     * from the moment it lost (or never had) one.
     */
    readonly stopGraceMs: number;
    /**
     * The last resort when a position stays without a broker stop beyond the grace period (even
     * with the fallback monitor watching it): the trading state the account latches to.
     */
    readonly unprotectedAction: 'reducing' | 'halted';
    /** Stop distance used when a position has no stop level of its own, in percent of its entry price. */
    readonly fallbackStopPercent: number;
    /** Symbols of recent real orders kept on the watch list once their orders are done. */
    readonly watchOrderSymbols: number;
    /** Symbols of recent dry runs and sizing requests kept on the watch list. */
    readonly watchDryRunSymbols: number;
  };
  /** The request budgets that keep client traffic from starving the monitors. */
  readonly budgets: {
    /** Requests per minute each API key may make; 0 turns the limit off. */
    readonly keyRequestsPerMinute: number;
    /** Requests per minute riskgate sends to the broker at most (Alpaca allows 200). */
    readonly brokerRequestsPerMinute: number;
    /** Share of that budget entries and client reads may use together, in percent; the rest is reserved. */
    readonly brokerClientSharePercent: number;
    /** Consecutive failures of any broker request that open the broker circuit. */
    readonly circuitFailures: number;
    /** Consecutive failures of order requests alone that open the broker circuit. */
    readonly circuitOrderFailures: number;
    /** How long the circuit stays open before a probe, in milliseconds. */
    readonly circuitHalfOpenMs: number;
  };
  readonly alerts: {
    /** Webhook that receives every alert as a JSON POST; undefined for none. */
    readonly webhookUrl: string | undefined;
    /** Attempts per alert, including the first. */
    readonly webhookAttempts: number;
  };
  readonly http: {
    /** Largest accepted request body, in bytes. */
    readonly bodyLimitBytes: number;
    /** Origins allowed by CORS; empty means no CORS headers at all. */
    readonly corsOrigins: readonly string[];
    /**
     * Recent events kept for clients of `/v1/events` that reconnect with `Last-Event-ID`
     * (0 keeps none: every reconnect is told to refetch the state).
     */
    readonly eventBufferSize: number;
  };
  /** Browser sessions opened with an API key at `/v1/session`. */
  readonly sessions: {
    /** A session unused for this long ends, in milliseconds. */
    readonly idleMs: number;
    /** A session ends this long after login whatever its use, in milliseconds. */
    readonly maxMs: number;
    /** Mark the session cookie `Secure` on every answer: the gateway is reached over TLS (a proxy ends it). */
    readonly secureCookie: boolean;
  };
  /** Market index readings (the VIX): which are accepted and required, how old they may be, and a source to poll. */
  readonly indices: {
    /** Index names accepted on the feed (besides the required ones), e.g. `VIX`. */
    readonly names: readonly string[];
    /** Indices that must be fresh for entries, beyond those the profile needs (the VIX for a VIX breaker or regime). */
    readonly required: readonly string[];
    /** Oldest a required index reading may be, by its own time, before entries are denied, in milliseconds. */
    readonly maxAgeMs: number;
    /** HTTP source polled for readings (CSV or JSON); undefined for none (readings are posted). */
    readonly sourceUrl: string | undefined;
    /** How often the source is polled, in milliseconds. */
    readonly pollMs: number;
  };
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  /** Leadership of the account when the store is a PostgreSQL server shared by several instances. */
  readonly leadership: {
    /** This instance's id, shown as the leader's id and in the lease. */
    readonly instanceId: string;
    /**
     * How long a lease lasts without renewal, in ms: the longest a standby waits for a dead
     * leader, and the longest a leader that cannot reach the store keeps acting.
     */
    readonly leaseTtlMs: number;
  };
  readonly logLevel: string;
  /** Create a demo trader and risk-officer key on a fresh embedded store. */
  readonly demoKeys: boolean;
}

/** One problem with the configuration: which setting, what was wrong, what was expected. */
export interface ConfigIssue {
  /** The setting as the user wrote it, e.g. `--port (RISKGATE_PORT)`. */
  readonly setting: string;
  readonly problem: string;
  readonly expected: string;
}

/** The configuration could not be used; every problem is listed. */
export class GatewayConfigError extends Error {
  readonly code = 'GATEWAY_CONFIG_INVALID' as const;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `invalid configuration:\n${issues.map((i) => `  ${i.setting}: ${i.problem}; expected ${i.expected}`).join('\n')}`,
    );
    this.name = 'GatewayConfigError';
    this.issues = issues;
  }
}
