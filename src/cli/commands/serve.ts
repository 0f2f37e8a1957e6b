import { parseArgs } from 'node:util';
import { GatewayConfigError } from '../../gateway/config/gateway-config.ts';
import { resolveGatewayConfig } from '../../gateway/config/load-gateway-config.ts';
import { StartAbortedError } from '../../gateway/durability/open-store-retrying.ts';
import { type RunningGateway, startGateway } from '../../gateway/gateway.ts';
import { StartTimings } from '../../gateway/start-timings.ts';
import { isStoreError } from '../../store/errors.ts';
import type { Command } from '../command.ts';

const HELP = `Usage: riskgate serve [options]

Runs the risk gateway: an Alpaca-compatible API in front of the broker. With no options it runs
on embedded defaults: PGlite store in ./.riskgate, the built-in simulated exchange replaying a
seeded market, and the example paper profile.

Options (environment variable in brackets; flags win over the environment, which wins over --config):
  --config <file>              JSON or YAML file with any of the settings below in camelCase [RISKGATE_CONFIG]
  --host <addr>                Interface to listen on (default 127.0.0.1) [RISKGATE_HOST]
  --port <n>                   Port (default 8080; 0 picks a free one) [RISKGATE_PORT]
  --data-dir <dir>             Embedded store and embedded exchange state (default ./.riskgate) [RISKGATE_DATA_DIR]
  --database-url <url>         PostgreSQL server instead of the embedded store [DATABASE_URL]
  --pg-named-statements on|off Prepare each statement once per server connection (default on; off
                               behind a pooler that cannot keep them) [RISKGATE_PG_NAMED_STATEMENTS]
  --profile <file>             Risk profile (default examples/profiles/example.yaml) [RISKGATE_PROFILE]
  --broker sim|alpaca          Broker (default sim) [RISKGATE_BROKER]
  --alpaca-mode paper|live     Required with --broker alpaca [RISKGATE_ALPACA_MODE]
  --alpaca-url <url>           Trading API base URL (default: Alpaca's paper or live host) [ALPACA_BASE_URL]
  --alpaca-data-url <url>      Market-data base URL [ALPACA_DATA_URL]
                               Keys: ALPACA_API_KEY_ID / ALPACA_API_SECRET_KEY, or alpacaKeyId /
                               alpacaSecretKey in the config file; never on the command line
  --live                       Allow live trading (or RISKGATE_LIVE=I_UNDERSTAND); the profile needs
                               mode: live and liveConfirmed: true as well
  --sim-seed <n>               Seed of the simulated market (default 1) [RISKGATE_SIM_SEED]
  --sim-speed <x>              Simulated seconds per second (default 1) [RISKGATE_SIM_SPEED]
  --mark-interval-ms <n>       Mark and account polling interval (default 1000) [RISKGATE_MARK_INTERVAL_MS]
  --bar-seconds <n>            Bar length built from marks (default 60) [RISKGATE_BAR_SECONDS]
  --reconcile-interval-ms <n>  Reconciliation interval (default 30000) [RISKGATE_RECONCILE_INTERVAL_MS]
  --instance-id <id>           This instance's id in the leadership lease (default host-pid-random) [RISKGATE_INSTANCE_ID]
  --lease-ttl-ms <n>           Leadership lease length with a PostgreSQL store (default 2000): a standby takes
                               over this long after the leader stops renewing [RISKGATE_LEASE_TTL_MS]
  --stop-grace-ms <n>          Time a position may lack a stop at the broker (default 10000) [RISKGATE_STOP_GRACE_MS]
  --fallback-stop-percent <p>  Stop distance for positions without a stop level (default 2) [RISKGATE_FALLBACK_STOP_PERCENT]
  --unprotected-action <s>     State to latch to when a position stays unprotected: reducing|halted (default reducing) [RISKGATE_UNPROTECTED_ACTION]
  --watch-order-symbols <n>    Recently ordered symbols kept on the watch list (default 256) [RISKGATE_WATCH_ORDER_SYMBOLS]
  --watch-dry-run-symbols <n>  Dry-run and sizing symbols kept on the watch list (default 64) [RISKGATE_WATCH_DRY_RUN_SYMBOLS]
  --key-rate-limit <n>         Requests per minute per API key, 0 for none (default 200) [RISKGATE_KEY_RATE_LIMIT]
  --broker-rate-limit <n>      Requests per minute sent to Alpaca (default 200) [RISKGATE_BROKER_RATE_LIMIT]
  --broker-client-share <p>    Percent of that budget entries and client reads may use (default 50) [RISKGATE_BROKER_CLIENT_SHARE]
  --circuit-failures <n>       Consecutive broker failures that open the circuit (default 5) [RISKGATE_CIRCUIT_FAILURES]
  --circuit-order-failures <n> Consecutive order-request failures that open it (default 5) [RISKGATE_CIRCUIT_ORDER_FAILURES]
  --circuit-half-open-ms <n>   Time the circuit stays open before a probe (default 10000) [RISKGATE_CIRCUIT_HALF_OPEN_MS]
  --alert-webhook <url>        POST every alert as JSON here [RISKGATE_ALERT_WEBHOOK]
  --alert-attempts <n>         Webhook attempts per alert (default 5) [RISKGATE_ALERT_ATTEMPTS]
  --body-limit <bytes>         Largest request body (default 65536) [RISKGATE_BODY_LIMIT]
  --cors-origins <list>        Comma-separated origins allowed by CORS (default none) [RISKGATE_CORS_ORIGINS]
  --event-buffer-size <n>      Recent events kept for /v1/events clients that reconnect (default 10000) [RISKGATE_EVENT_BUFFER_SIZE]
  --session-idle-ms <n>        Browser session idle timeout (default 1800000, 30 min) [RISKGATE_SESSION_IDLE_MS]
  --session-max-ms <n>         Browser session absolute timeout (default 43200000, 12 h) [RISKGATE_SESSION_MAX_MS]
  --behind-tls                 Clients reach the gateway over TLS (a proxy ends it): session cookies are
                               always Secure [RISKGATE_BEHIND_TLS=true]
  --log-level <level>          fatal|error|warn|info|debug|trace|silent (default info) [RISKGATE_LOG_LEVEL]
  --index-names <list>         Market indices accepted on the feed (default VIX) [RISKGATE_INDEX_NAMES]
  --index-required <list>      Indices that must be fresh for entries, beyond the profile's (VIX with a
                               VIX breaker or regime) (default none) [RISKGATE_INDEX_REQUIRED]
  --index-max-age-ms <n>       Oldest a required index reading may be before entries are denied
                               (default 60000) [RISKGATE_INDEX_MAX_AGE_MS]
  --index-source-url <url>     Poll this URL for index readings (CSV name,value,time or JSON) [RISKGATE_INDEX_SOURCE_URL]
  --index-poll-ms <n>          Index source polling interval (default 5000) [RISKGATE_INDEX_POLL_MS]
  --no-demo-keys               Do not create demo keys on a fresh embedded store
  -h, --help                   Show this help

RISKGATE_START_TIMINGS=1 prints how long each start-up phase took once the gateway is ready.`;

const FLAG_KEYS: Record<string, string> = {
  host: 'host',
  port: 'port',
  'data-dir': 'dataDir',
  'database-url': 'databaseUrl',
  'pg-named-statements': 'pgNamedStatements',
  profile: 'profile',
  broker: 'broker',
  'alpaca-mode': 'alpacaMode',
  'alpaca-url': 'alpacaUrl',
  'alpaca-data-url': 'alpacaDataUrl',
  'sim-seed': 'simSeed',
  'sim-speed': 'simSpeed',
  'mark-interval-ms': 'markIntervalMs',
  'bar-seconds': 'barSeconds',
  'reconcile-interval-ms': 'reconcileIntervalMs',
  'instance-id': 'instanceId',
  'lease-ttl-ms': 'leaseTtlMs',
  'stop-grace-ms': 'stopGraceMs',
  'fallback-stop-percent': 'fallbackStopPercent',
  'unprotected-action': 'unprotectedAction',
  'watch-order-symbols': 'watchOrderSymbols',
  'watch-dry-run-symbols': 'watchDryRunSymbols',
  'key-rate-limit': 'keyRateLimit',
  'broker-rate-limit': 'brokerRateLimit',
  'broker-client-share': 'brokerClientShare',
  'circuit-failures': 'circuitFailures',
  'circuit-order-failures': 'circuitOrderFailures',
  'circuit-half-open-ms': 'circuitHalfOpenMs',
  'alert-webhook': 'alertWebhook',
  'alert-attempts': 'alertAttempts',
  'body-limit': 'bodyLimit',
  'cors-origins': 'corsOrigins',
  'event-buffer-size': 'eventBufferSize',
  'session-idle-ms': 'sessionIdleMs',
  'session-max-ms': 'sessionMaxMs',
  'log-level': 'logLevel',
  'index-names': 'indexNames',
  'index-required': 'indexRequired',
  'index-max-age-ms': 'indexMaxAgeMs',
  'index-source-url': 'indexSourceUrl',
  'index-poll-ms': 'indexPollMs',
};

/** Parses the flags into the loader's shape; unknown flags are an error. */
export function parseServeFlags(
  args: readonly string[],
): { flags: Record<string, string>; config?: string } | 'help' {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(Object.keys(FLAG_KEYS).map((k) => [k, { type: 'string' as const }])),
      config: { type: 'string' },
      live: { type: 'boolean' },
      'no-demo-keys': { type: 'boolean' },
      'behind-tls': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const flags: Record<string, string> = {};
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const v = (values as Record<string, unknown>)[flag];
    if (typeof v === 'string') flags[key] = v;
  }
  if (values.live === true) flags.live = 'true';
  if (values['no-demo-keys'] === true) flags.demoKeys = 'false';
  if (values['behind-tls'] === true) flags.behindTls = 'true';
  return typeof values.config === 'string' ? { flags, config: values.config } : { flags };
}

/** What `npm start` prints once the gateway is ready. */
export function banner(gateway: RunningGateway): string[] {
  const lines = [`riskgate gateway ready at ${gateway.url}`];
  if (gateway.simUrl !== undefined)
    lines.push(`  simulated exchange:  ${gateway.simUrl} (seeded market, in process)`);
  lines.push(
    `  Alpaca-compatible:   ${gateway.url}/v2   trade stream: ${gateway.url.replace(/^http/, 'ws')}/stream`,
  );
  lines.push(`  risk console:        ${gateway.url}/   (log in with a key below)`);
  lines.push(`  risk state:          ${gateway.url}/v1/state   events: ${gateway.url}/v1/events`);
  lines.push(
    `  API docs:            ${gateway.url}/docs   OpenAPI: ${gateway.url}/openapi.json   metrics: ${gateway.url}/metrics`,
  );
  const keys = gateway.demoKeys;
  if (keys !== undefined) {
    lines.push('', 'Demo keys (shown once, stored hashed):');
    lines.push(
      `  trader        APCA-API-KEY-ID=${keys.trader.key.keyId}  APCA-API-SECRET-KEY=${keys.trader.secret}`,
    );
    lines.push(
      `  risk officer  APCA-API-KEY-ID=${keys.riskOfficer.key.keyId}  APCA-API-SECRET-KEY=${keys.riskOfficer.secret}`,
    );
    lines.push('', 'Try it:');
    lines.push(
      `  curl -s -H 'APCA-API-KEY-ID: ${keys.trader.key.keyId}' -H 'APCA-API-SECRET-KEY: ${keys.trader.secret}' -H 'content-type: application/json' -d '{"symbol":"AAPL","qty":"10","side":"buy","type":"market","time_in_force":"day"}' ${gateway.url}/v2/orders`,
    );
  } else {
    lines.push(
      '',
      'Use the keys created earlier, or `riskgate keys create --role trader` (with the gateway stopped).',
    );
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return lines;
}

/** Runs the gateway until `signal` aborts. */
export async function runServe(
  args: readonly string[],
  signal: AbortSignal,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let parsed: ReturnType<typeof parseServeFlags>;
  try {
    parsed = parseServeFlags(args);
  } catch (error) {
    console.error(
      `riskgate serve: ${(error as Error).message}\nRun \`riskgate serve --help\` for the options.`,
    );
    return 2;
  }
  if (parsed === 'help') {
    console.log(HELP);
    return 0;
  }
  let config: ReturnType<typeof resolveGatewayConfig>;
  try {
    const configFile = parsed.config ?? env.RISKGATE_CONFIG;
    config = resolveGatewayConfig({
      flags: parsed.flags,
      env,
      ...(configFile !== undefined ? { configFile } : {}),
    });
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      console.error(`riskgate serve: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const timings = env.RISKGATE_START_TIMINGS === '1' ? new StartTimings() : undefined;
  timings?.mark('imports and configuration');
  const aborted = new Promise<'stop'>((resolve) => {
    if (signal.aborted) resolve('stop');
    else signal.addEventListener('abort', () => resolve('stop'), { once: true });
  });
  // An instance that lost the lead to another one starts over as a standby: its memory is the
  // former leader's, the store and the broker are the truth.
  for (;;) {
    let gateway: RunningGateway;
    try {
      gateway = await startGateway({
        config,
        signal,
        ...(timings !== undefined ? { timings } : {}),
        onListening: (url) => process.stderr.write(`riskgate gateway starting at ${url} (not ready yet)\n`),
      });
    } catch (error) {
      if (error instanceof StartAbortedError) return 0;
      if (error instanceof GatewayConfigError) {
        console.error(`riskgate serve: ${error.message}`);
        return 2;
      }
      if (isStoreError(error)) {
        console.error(`riskgate serve: the store refused to open (${error.code}): ${error.message}`);
        if (error.code === 'STORE_LOCKED') {
          console.error(
            'riskgate serve: the embedded store belongs to one process; to run a leader and standbys for one account, give them a PostgreSQL server (--database-url)',
          );
        }
        return 1;
      }
      throw error;
    }
    if (timings !== undefined) {
      void gateway.ready.then(() =>
        process.stderr.write(`riskgate start-up phases (RISKGATE_START_TIMINGS):\n${timings.format()}\n`),
      );
    }
    // The banner goes to stderr so stdout stays pure JSON logs.
    if (gateway.leadership.role === 'leader') {
      for (const line of banner(gateway)) process.stderr.write(`${line}\n`);
    } else {
      const view = gateway.leadership.view();
      process.stderr.write(
        `riskgate gateway standby at ${gateway.url}: the account is led by ${view.leaderId ?? 'another instance'} (epoch ${view.epoch ?? '?'}); this instance takes over if the leader stops renewing its lease\n`,
      );
      void gateway.ready.then(() => {
        for (const line of banner(gateway)) process.stderr.write(`${line}\n`);
      });
    }
    const outcome = await Promise.race([aborted, gateway.lost]);
    if (outcome === 'stop') {
      process.stderr.write('riskgate: shutting down (flushing the store, closing the broker)…\n');
      await gateway.close();
      return 0;
    }
    process.stderr.write(`riskgate: ${outcome}; starting over as a standby\n`);
    await gateway.close();
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the risk gateway: an Alpaca-compatible proxy in front of the broker (npm start).',
  run(args) {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return runServe(args, stop.signal).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  },
};
