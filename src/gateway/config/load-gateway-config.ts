import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ALPACA_LIVE_URL, ALPACA_PAPER_URL } from '../../broker/alpaca/alpaca-broker.ts';
import {
  DEFAULT_FAILURE_THRESHOLD,
  DEFAULT_ORDER_FAILURE_THRESHOLD,
} from '../../broker/alpaca/circuit-gate.ts';
import { DEFAULT_CLIENT_SHARE_PERCENT } from '../../broker/alpaca/pacer.ts';
import { EXAMPLE_PROFILE_PATH } from '../../platform/profile-file.ts';
import { DEFAULT_EVENT_BUFFER_SIZE } from '../alerts/event-hub.ts';
import { DEFAULT_SESSION_IDLE_MS, DEFAULT_SESSION_MAX_MS } from '../auth/session-store.ts';
import { DEFAULT_KEY_REQUESTS_PER_MINUTE } from '../http/key-rate-limit.ts';
import {
  DEFAULT_INDEX_MAX_AGE_MS,
  DEFAULT_INDEX_POLL_MS,
  INDEX_NAME_EXPECTED,
  isIndexName,
} from '../indices/index-name.ts';
import { DEFAULT_WATCH_DRY_RUN_SYMBOLS, DEFAULT_WATCH_ORDER_SYMBOLS } from '../monitors/watch-list.ts';
import { type ConfigIssue, type GatewayConfig, GatewayConfigError } from './gateway-config.ts';

/** The value `RISKGATE_LIVE` must have to switch live trading on. */
export const LIVE_SWITCH_VALUE = 'I_UNDERSTAND';

type Raw = Readonly<Record<string, string | undefined>>;

interface Setting {
  /** Key in the config file (camelCase) and in the parsed flags. */
  readonly key: string;
  readonly flag: string;
  readonly env?: string;
}

const SETTINGS = {
  host: { key: 'host', flag: '--host', env: 'RISKGATE_HOST' },
  port: { key: 'port', flag: '--port', env: 'RISKGATE_PORT' },
  dataDir: { key: 'dataDir', flag: '--data-dir', env: 'RISKGATE_DATA_DIR' },
  databaseUrl: { key: 'databaseUrl', flag: '--database-url', env: 'DATABASE_URL' },
  pgNamedStatements: {
    key: 'pgNamedStatements',
    flag: '--pg-named-statements',
    env: 'RISKGATE_PG_NAMED_STATEMENTS',
  },
  profile: { key: 'profile', flag: '--profile', env: 'RISKGATE_PROFILE' },
  broker: { key: 'broker', flag: '--broker', env: 'RISKGATE_BROKER' },
  alpacaMode: { key: 'alpacaMode', flag: '--alpaca-mode', env: 'RISKGATE_ALPACA_MODE' },
  alpacaUrl: { key: 'alpacaUrl', flag: '--alpaca-url', env: 'ALPACA_BASE_URL' },
  alpacaDataUrl: { key: 'alpacaDataUrl', flag: '--alpaca-data-url', env: 'ALPACA_DATA_URL' },
  alpacaKeyId: { key: 'alpacaKeyId', flag: '(config file alpacaKeyId)', env: 'ALPACA_API_KEY_ID' },
  alpacaSecretKey: {
    key: 'alpacaSecretKey',
    flag: '(config file alpacaSecretKey)',
    env: 'ALPACA_API_SECRET_KEY',
  },
  simSeed: { key: 'simSeed', flag: '--sim-seed', env: 'RISKGATE_SIM_SEED' },
  simSpeed: { key: 'simSpeed', flag: '--sim-speed', env: 'RISKGATE_SIM_SPEED' },
  markIntervalMs: { key: 'markIntervalMs', flag: '--mark-interval-ms', env: 'RISKGATE_MARK_INTERVAL_MS' },
  barSeconds: { key: 'barSeconds', flag: '--bar-seconds', env: 'RISKGATE_BAR_SECONDS' },
  reconcileIntervalMs: {
    key: 'reconcileIntervalMs',
    flag: '--reconcile-interval-ms',
    env: 'RISKGATE_RECONCILE_INTERVAL_MS',
  },
  instanceId: { key: 'instanceId', flag: '--instance-id', env: 'RISKGATE_INSTANCE_ID' },
  leaseTtlMs: { key: 'leaseTtlMs', flag: '--lease-ttl-ms', env: 'RISKGATE_LEASE_TTL_MS' },
  stopGraceMs: { key: 'stopGraceMs', flag: '--stop-grace-ms', env: 'RISKGATE_STOP_GRACE_MS' },
  fallbackStopPercent: {
    key: 'fallbackStopPercent',
    flag: '--fallback-stop-percent',
    env: 'RISKGATE_FALLBACK_STOP_PERCENT',
  },
  unprotectedAction: {
    key: 'unprotectedAction',
    flag: '--unprotected-action',
    env: 'RISKGATE_UNPROTECTED_ACTION',
  },
  watchOrderSymbols: {
    key: 'watchOrderSymbols',
    flag: '--watch-order-symbols',
    env: 'RISKGATE_WATCH_ORDER_SYMBOLS',
  },
  watchDryRunSymbols: {
    key: 'watchDryRunSymbols',
    flag: '--watch-dry-run-symbols',
    env: 'RISKGATE_WATCH_DRY_RUN_SYMBOLS',
  },
  keyRateLimit: { key: 'keyRateLimit', flag: '--key-rate-limit', env: 'RISKGATE_KEY_RATE_LIMIT' },
  brokerRateLimit: { key: 'brokerRateLimit', flag: '--broker-rate-limit', env: 'RISKGATE_BROKER_RATE_LIMIT' },
  brokerClientShare: {
    key: 'brokerClientShare',
    flag: '--broker-client-share',
    env: 'RISKGATE_BROKER_CLIENT_SHARE',
  },
  circuitFailures: { key: 'circuitFailures', flag: '--circuit-failures', env: 'RISKGATE_CIRCUIT_FAILURES' },
  circuitOrderFailures: {
    key: 'circuitOrderFailures',
    flag: '--circuit-order-failures',
    env: 'RISKGATE_CIRCUIT_ORDER_FAILURES',
  },
  circuitHalfOpenMs: {
    key: 'circuitHalfOpenMs',
    flag: '--circuit-half-open-ms',
    env: 'RISKGATE_CIRCUIT_HALF_OPEN_MS',
  },
  alertWebhook: { key: 'alertWebhook', flag: '--alert-webhook', env: 'RISKGATE_ALERT_WEBHOOK' },
  alertAttempts: { key: 'alertAttempts', flag: '--alert-attempts', env: 'RISKGATE_ALERT_ATTEMPTS' },
  bodyLimit: { key: 'bodyLimit', flag: '--body-limit', env: 'RISKGATE_BODY_LIMIT' },
  corsOrigins: { key: 'corsOrigins', flag: '--cors-origins', env: 'RISKGATE_CORS_ORIGINS' },
  eventBufferSize: {
    key: 'eventBufferSize',
    flag: '--event-buffer-size',
    env: 'RISKGATE_EVENT_BUFFER_SIZE',
  },
  sessionIdleMs: { key: 'sessionIdleMs', flag: '--session-idle-ms', env: 'RISKGATE_SESSION_IDLE_MS' },
  sessionMaxMs: { key: 'sessionMaxMs', flag: '--session-max-ms', env: 'RISKGATE_SESSION_MAX_MS' },
  behindTls: { key: 'behindTls', flag: '--behind-tls', env: 'RISKGATE_BEHIND_TLS' },
  logLevel: { key: 'logLevel', flag: '--log-level', env: 'RISKGATE_LOG_LEVEL' },
  indexNames: { key: 'indexNames', flag: '--index-names', env: 'RISKGATE_INDEX_NAMES' },
  indexRequired: { key: 'indexRequired', flag: '--index-required', env: 'RISKGATE_INDEX_REQUIRED' },
  indexMaxAgeMs: { key: 'indexMaxAgeMs', flag: '--index-max-age-ms', env: 'RISKGATE_INDEX_MAX_AGE_MS' },
  indexSourceUrl: { key: 'indexSourceUrl', flag: '--index-source-url', env: 'RISKGATE_INDEX_SOURCE_URL' },
  indexPollMs: { key: 'indexPollMs', flag: '--index-poll-ms', env: 'RISKGATE_INDEX_POLL_MS' },
  live: { key: 'live', flag: '--live', env: 'RISKGATE_LIVE' },
  demoKeys: { key: 'demoKeys', flag: '--no-demo-keys', env: 'RISKGATE_DEMO_KEYS' },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

/** Where configuration comes from; flags win over the environment, which wins over the file. */
export interface ConfigSources {
  /** Parsed flags by setting key (see {@link SETTINGS}); booleans as `"true"`. */
  readonly flags: Raw;
  readonly env: Raw;
  /** Path of a JSON or YAML config file (`--config` or `RISKGATE_CONFIG`). */
  readonly configFile?: string;
}

function label(s: Setting): string {
  return s.env === undefined ? s.flag : `${s.flag} (${s.env})`;
}

/**
 * Resolves the gateway configuration from flags, environment and an optional config file, and
 * validates it. Throws a {@link GatewayConfigError} listing every problem at once.
 */
export function resolveGatewayConfig(sources: ConfigSources): GatewayConfig {
  const issues: ConfigIssue[] = [];
  const file = readConfigFile(sources.configFile, issues);
  const raw = (name: SettingName): string | undefined => {
    const s: Setting = SETTINGS[name];
    const fromFlag = sources.flags[s.key];
    if (fromFlag !== undefined) return fromFlag;
    const fromEnv = s.env === undefined ? undefined : sources.env[s.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const fromFile = file[s.key];
    return fromFile === undefined || fromFile === null ? undefined : String(fromFile);
  };
  const problem = (name: SettingName, what: string, expected: string) =>
    issues.push({ setting: label(SETTINGS[name]), problem: what, expected });
  const num = (name: SettingName, fallback: number, ok: (n: number) => boolean, expected: string) => {
    const value = raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      problem(name, `got ${JSON.stringify(value)}`, expected);
      return fallback;
    }
    return n;
  };
  const oneOf = <T extends string>(name: SettingName, allowed: readonly T[], fallback: T | undefined) => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problem(name, `got ${JSON.stringify(value)}`, `one of ${allowed.join(', ')}`);
    return fallback;
  };
  const url = (name: SettingName): string | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value.replace(/\/+$/, '');
    } catch {
      // reported below
    }
    problem(name, `got ${JSON.stringify(value)}`, 'an http(s) URL');
    return undefined;
  };

  const host = raw('host') ?? '127.0.0.1';
  const port = num('port', 8080, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer 0-65535');
  const dataDir = resolve(raw('dataDir') ?? '.riskgate');
  const databaseUrl = raw('databaseUrl');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problem('databaseUrl', 'is not a postgres:// URL', 'postgres://user@host:port/database');
  }
  const namedStatements = oneOf('pgNamedStatements', ['on', 'off'] as const, 'on') !== 'off';
  const profilePath = resolve(raw('profile') ?? EXAMPLE_PROFILE_PATH);
  const brokerKind = oneOf('broker', ['sim', 'alpaca'] as const, 'sim');
  const liveRaw = raw('live');
  const liveSwitch = sources.flags.live === 'true' || sources.env.RISKGATE_LIVE === LIVE_SWITCH_VALUE;
  if (sources.flags.live === undefined && liveRaw !== undefined && liveRaw !== LIVE_SWITCH_VALUE) {
    problem('live', `got ${JSON.stringify(liveRaw)}`, `${LIVE_SWITCH_VALUE} to trade real money, or unset`);
  }

  let broker: GatewayConfig['broker'] = {
    kind: 'sim',
    seed: num('simSeed', 1, Number.isInteger, 'an integer'),
    speed: num('simSpeed', 1, (n) => n > 0 && n <= 1000, 'a number above 0 and at most 1000'),
  };
  if (brokerKind === 'alpaca') {
    const mode = oneOf('alpacaMode', ['paper', 'live'] as const, undefined);
    if (mode === undefined && raw('alpacaMode') === undefined) {
      problem(
        'alpacaMode',
        'is not set: the choice between paper and live must be explicit',
        'paper or live',
      );
    }
    const keyId = raw('alpacaKeyId');
    const secretKey = raw('alpacaSecretKey');
    if (keyId === undefined) problem('alpacaKeyId', 'is not set', 'your Alpaca API key id');
    // The secret's value is never echoed, only whether it is there.
    if (secretKey === undefined) problem('alpacaSecretKey', 'is not set', 'your Alpaca API secret key');
    const resolvedMode = mode ?? 'paper';
    if (resolvedMode === 'live' && !liveSwitch) {
      problem(
        'live',
        'live Alpaca trading was requested without the live switch',
        `--live or RISKGATE_LIVE=${LIVE_SWITCH_VALUE}, and a profile with mode: live and liveConfirmed: true`,
      );
    }
    broker = {
      kind: 'alpaca',
      mode: resolvedMode,
      baseUrl: url('alpacaUrl') ?? (resolvedMode === 'live' ? ALPACA_LIVE_URL : ALPACA_PAPER_URL),
      dataUrl: url('alpacaDataUrl'),
      keyId: keyId ?? '',
      secretKey: secretKey ?? '',
    };
  }
  const markIntervalMs = num('markIntervalMs', 1000, (n) => n >= 10 && n <= 60_000, 'milliseconds 10-60000');
  const barSeconds = num('barSeconds', 60, (n) => Number.isInteger(n) && n >= 1, 'whole seconds >= 1');
  const reconcileIntervalMs = num('reconcileIntervalMs', 30_000, (n) => n >= 100, 'milliseconds >= 100');
  const stopGraceMs = num('stopGraceMs', 10_000, (n) => n >= 0 && n <= 600_000, 'milliseconds 0-600000');
  const fallbackStopPercent = num(
    'fallbackStopPercent',
    2,
    (n) => n > 0 && n < 50,
    'a percent above 0, below 50',
  );
  const unprotectedAction = oneOf('unprotectedAction', ['reducing', 'halted'] as const, 'reducing')!;
  const count = (name: SettingName, fallback: number, min: number, max: number) =>
    num(name, fallback, (n) => Number.isInteger(n) && n >= min && n <= max, `an integer ${min}-${max}`);
  const watchOrderSymbols = count('watchOrderSymbols', DEFAULT_WATCH_ORDER_SYMBOLS, 0, 10_000);
  const watchDryRunSymbols = count('watchDryRunSymbols', DEFAULT_WATCH_DRY_RUN_SYMBOLS, 0, 10_000);
  const keyRequestsPerMinute = count('keyRateLimit', DEFAULT_KEY_REQUESTS_PER_MINUTE, 0, 1_000_000_000);
  const brokerRequestsPerMinute = count('brokerRateLimit', 200, 1, 1_000_000_000);
  const brokerClientSharePercent = num(
    'brokerClientShare',
    DEFAULT_CLIENT_SHARE_PERCENT,
    (n) => n > 0 && n <= 100,
    'a percent above 0 and at most 100',
  );
  const circuitFailures = count('circuitFailures', DEFAULT_FAILURE_THRESHOLD, 1, 1_000);
  const circuitOrderFailures = count('circuitOrderFailures', DEFAULT_ORDER_FAILURE_THRESHOLD, 1, 1_000);
  const circuitHalfOpenMs = count('circuitHalfOpenMs', 10_000, 100, 3_600_000);
  const webhookUrl = url('alertWebhook');
  const webhookAttempts = num(
    'alertAttempts',
    5,
    (n) => Number.isInteger(n) && n >= 1 && n <= 20,
    'an integer 1-20',
  );
  const bodyLimitBytes = num('bodyLimit', 65_536, (n) => Number.isInteger(n) && n >= 1024, 'bytes >= 1024');
  const corsOrigins = (raw('corsOrigins') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const eventBufferSize = count('eventBufferSize', DEFAULT_EVENT_BUFFER_SIZE, 0, 1_000_000);
  const sessionIdleMs = count('sessionIdleMs', DEFAULT_SESSION_IDLE_MS, 1_000, 604_800_000);
  const sessionMaxMs = count('sessionMaxMs', DEFAULT_SESSION_MAX_MS, 1_000, 2_592_000_000);
  if (sessionMaxMs < sessionIdleMs) {
    problem(
      'sessionMaxMs',
      `${sessionMaxMs} is below the idle timeout ${sessionIdleMs}`,
      'at least --session-idle-ms',
    );
  }
  const behindTls = oneOf('behindTls', ['true', 'false'] as const, 'false') === 'true';
  const logLevel =
    oneOf('logLevel', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info') ??
    'info';
  const demoKeys = raw('demoKeys') !== 'false';
  const instanceId = raw('instanceId') ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(instanceId)) {
    problem('instanceId', `is ${JSON.stringify(instanceId)}`, '1-100 letters, digits, . _ : or -');
  }
  const leaseTtlMs = num('leaseTtlMs', 2_000, (n) => n >= 500 && n <= 600_000, 'milliseconds 500-600000');
  const indexList = (name: SettingName, fallback: string): string[] => {
    const names = (raw(name) ?? fallback)
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const bad = names.filter((n) => !isIndexName(n));
    if (bad.length > 0)
      problem(name, `got ${JSON.stringify(bad.join(','))}`, `comma-separated ${INDEX_NAME_EXPECTED}`);
    return [...new Set(names.filter(isIndexName))];
  };
  const indexRequired = indexList('indexRequired', '');
  const indices = {
    names: [...new Set([...indexList('indexNames', 'VIX'), ...indexRequired])],
    required: indexRequired,
    maxAgeMs: num(
      'indexMaxAgeMs',
      DEFAULT_INDEX_MAX_AGE_MS,
      (n) => Number.isInteger(n) && n >= 1_000,
      'whole milliseconds >= 1000',
    ),
    sourceUrl: url('indexSourceUrl'),
    pollMs: num(
      'indexPollMs',
      DEFAULT_INDEX_POLL_MS,
      (n) => Number.isInteger(n) && n >= 100 && n <= 3_600_000,
      'whole milliseconds 100-3600000',
    ),
  };

  if (issues.length > 0) throw new GatewayConfigError(issues);
  return {
    host,
    port,
    dataDir,
    databaseUrl,
    namedStatements,
    profilePath,
    broker,
    liveSwitch,
    monitor: {
      markIntervalMs,
      barIntervalMs: barSeconds * 1000,
      reconcileIntervalMs,
      stopGraceMs,
      fallbackStopPercent,
      unprotectedAction,
      watchOrderSymbols,
      watchDryRunSymbols,
    },
    budgets: {
      keyRequestsPerMinute,
      brokerRequestsPerMinute,
      brokerClientSharePercent,
      circuitFailures,
      circuitOrderFailures,
      circuitHalfOpenMs,
    },
    alerts: { webhookUrl, webhookAttempts },
    http: { bodyLimitBytes, corsOrigins, eventBufferSize },
    sessions: { idleMs: sessionIdleMs, maxMs: sessionMaxMs, secureCookie: behindTls },
    leadership: { instanceId, leaseTtlMs },
    indices,
    logLevel,
    demoKeys,
  };
}

function readConfigFile(path: string | undefined, issues: ConfigIssue[]): Record<string, unknown> {
  if (path === undefined) return {};
  const setting = '--config (RISKGATE_CONFIG)';
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    issues.push({ setting, problem: `cannot read ${resolve(path)} (${code})`, expected: 'a readable file' });
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    issues.push({
      setting,
      problem: (error as Error).message.split('\n')[0] ?? 'parse error',
      expected: 'JSON or YAML',
    });
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    issues.push({
      setting,
      problem: 'is not a mapping of settings',
      expected: 'an object such as {"port": 8080}',
    });
    return {};
  }
  const known = new Set<string>(Object.values(SETTINGS).map((s) => s.key));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      issues.push({
        setting: `${setting} key ${key}`,
        problem: 'is not a known setting',
        expected: `one of ${[...known].join(', ')}`,
      });
    }
  }
  return parsed as Record<string, unknown>;
}
