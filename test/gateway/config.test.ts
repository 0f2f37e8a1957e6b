import { describe, expect, it } from 'vitest';
import { GatewayConfigError } from '../../src/gateway/config/gateway-config.ts';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';

function issuesOf(flags: Record<string, string>, env: Record<string, string> = {}) {
  try {
    resolveGatewayConfig({ flags, env });
  } catch (error) {
    if (error instanceof GatewayConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('gateway configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = resolveGatewayConfig({ flags: {}, env: {} });
    expect(config.broker).toEqual({ kind: 'sim', seed: 1, speed: 1 });
    expect(config.port).toBe(8080);
    expect(config.monitor.markIntervalMs).toBeLessThanOrEqual(1000);
    expect(config.http.corsOrigins).toEqual([]);
  });

  it('keeps 10,000 events and browser sessions of 30 minutes idle, 12 hours at most, unless told', () => {
    const config = resolveGatewayConfig({ flags: {}, env: {} });
    expect(config.http.eventBufferSize).toBe(10_000);
    expect(config.sessions).toEqual({ idleMs: 1_800_000, maxMs: 43_200_000, secureCookie: false });
    const set = resolveGatewayConfig({
      flags: { eventBufferSize: '0' },
      env: {
        RISKGATE_SESSION_IDLE_MS: '60000',
        RISKGATE_SESSION_MAX_MS: '120000',
        RISKGATE_BEHIND_TLS: 'true',
      },
    });
    expect(set.http.eventBufferSize).toBe(0);
    expect(set.sessions).toEqual({ idleMs: 60_000, maxMs: 120_000, secureCookie: true });
    expect(issuesOf({ sessionIdleMs: '60000', sessionMaxMs: '30000', behindTls: 'yes' })).toEqual([
      expect.objectContaining({ setting: '--session-max-ms (RISKGATE_SESSION_MAX_MS)' }),
      expect.objectContaining({
        setting: '--behind-tls (RISKGATE_BEHIND_TLS)',
        expected: 'one of true, false',
      }),
    ]);
  });

  it('reports every bad setting with what was expected', () => {
    const issues = issuesOf({ port: 'eighty', markIntervalMs: '-1', logLevel: 'loud' });
    expect(issues.map((i) => i.setting)).toEqual([
      '--port (RISKGATE_PORT)',
      '--mark-interval-ms (RISKGATE_MARK_INTERVAL_MS)',
      '--log-level (RISKGATE_LOG_LEVEL)',
    ]);
    expect(issues[0]).toMatchObject({ problem: 'got "eighty"', expected: 'an integer 0-65535' });
  });

  it('names PostgreSQL statements unless told off, and refuses any other word before anything starts', () => {
    expect(resolveGatewayConfig({ flags: {}, env: {} }).namedStatements).toBe(true);
    expect(
      resolveGatewayConfig({ flags: {}, env: { RISKGATE_PG_NAMED_STATEMENTS: 'off' } }).namedStatements,
    ).toBe(false);
    expect(resolveGatewayConfig({ flags: { pgNamedStatements: 'on' }, env: {} }).namedStatements).toBe(true);
    expect(issuesOf({}, { RISKGATE_PG_NAMED_STATEMENTS: 'yes' })).toEqual([
      {
        setting: '--pg-named-statements (RISKGATE_PG_NAMED_STATEMENTS)',
        problem: 'got "yes"',
        expected: 'one of on, off',
      },
    ]);
  });

  it('latches to reducing by default when a position stays unprotected, and takes halted when asked', () => {
    expect(resolveGatewayConfig({ flags: {}, env: {} }).monitor.unprotectedAction).toBe('reducing');
    expect(
      resolveGatewayConfig({ flags: {}, env: { RISKGATE_UNPROTECTED_ACTION: 'halted' } }).monitor
        .unprotectedAction,
    ).toBe('halted');
    expect(issuesOf({ unprotectedAction: 'flatten' })[0]).toMatchObject({
      setting: '--unprotected-action (RISKGATE_UNPROTECTED_ACTION)',
      expected: 'one of reducing, halted',
    });
  });

  it('needs an explicit paper/live choice and keys for Alpaca, and never echoes a secret', () => {
    const issues = issuesOf({ broker: 'alpaca' });
    expect(issues.map((i) => i.setting)).toContain('--alpaca-mode (RISKGATE_ALPACA_MODE)');
    expect(issues.map((i) => i.setting)).toContain('(config file alpacaKeyId) (ALPACA_API_KEY_ID)');
    const withSecret = issuesOf({ broker: 'alpaca', port: 'x' }, { ALPACA_API_SECRET_KEY: 's3cr3t-value' });
    expect(JSON.stringify(withSecret)).not.toContain('s3cr3t-value');
  });

  it('refuses live Alpaca without the deliberate switch', () => {
    const env = { ALPACA_API_KEY_ID: 'k', ALPACA_API_SECRET_KEY: 's' };
    expect(issuesOf({ broker: 'alpaca', alpacaMode: 'live' }, env).map((i) => i.setting)).toContain(
      '--live (RISKGATE_LIVE)',
    );
    const live = resolveGatewayConfig({
      flags: { broker: 'alpaca', alpacaMode: 'live' },
      env: { ...env, RISKGATE_LIVE: 'I_UNDERSTAND' },
    });
    expect(live.liveSwitch).toBe(true);
    expect(live.broker).toMatchObject({
      kind: 'alpaca',
      mode: 'live',
      baseUrl: 'https://api.alpaca.markets',
    });
  });

  it('has documented budget defaults, set by flag or environment, and names a bad one', () => {
    const defaults = resolveGatewayConfig({ flags: {}, env: {} });
    expect(defaults.budgets).toEqual({
      keyRequestsPerMinute: 200,
      brokerRequestsPerMinute: 200,
      brokerClientSharePercent: 50,
      circuitFailures: 5,
      circuitOrderFailures: 5,
      circuitHalfOpenMs: 10_000,
    });
    expect(defaults.monitor).toMatchObject({ watchOrderSymbols: 256, watchDryRunSymbols: 64 });
    const set = resolveGatewayConfig({
      flags: { keyRateLimit: '0', circuitOrderFailures: '3' },
      env: { RISKGATE_WATCH_DRY_RUN_SYMBOLS: '16', RISKGATE_BROKER_CLIENT_SHARE: '40' },
    });
    expect(set.budgets).toMatchObject({
      keyRequestsPerMinute: 0,
      circuitOrderFailures: 3,
      brokerClientSharePercent: 40,
    });
    expect(set.monitor.watchDryRunSymbols).toBe(16);
    const issues = issuesOf({ brokerClientShare: '0', circuitFailures: '2.5', watchDryRunSymbols: '-1' });
    expect(issues.map((i) => i.setting)).toEqual([
      '--watch-dry-run-symbols (RISKGATE_WATCH_DRY_RUN_SYMBOLS)',
      '--broker-client-share (RISKGATE_BROKER_CLIENT_SHARE)',
      '--circuit-failures (RISKGATE_CIRCUIT_FAILURES)',
    ]);
    expect(issues[1]).toMatchObject({ problem: 'got "0"', expected: 'a percent above 0 and at most 100' });
  });

  it('takes the index feed settings: VIX by default, required ones accepted too, a 60 s maximum age', () => {
    const defaults = resolveGatewayConfig({ flags: {}, env: {} });
    expect(defaults.indices).toEqual({
      names: ['VIX'],
      required: [],
      maxAgeMs: 60_000,
      sourceUrl: undefined,
      pollMs: 5_000,
    });
    const set = resolveGatewayConfig({
      flags: { indexRequired: 'VVIX', indexSourceUrl: 'http://127.0.0.1:9/vix.csv' },
      env: { RISKGATE_INDEX_MAX_AGE_MS: '30000', RISKGATE_INDEX_POLL_MS: '1000' },
    });
    expect(set.indices).toEqual({
      names: ['VIX', 'VVIX'],
      required: ['VVIX'],
      maxAgeMs: 30_000,
      sourceUrl: 'http://127.0.0.1:9/vix.csv',
      pollMs: 1_000,
    });
    const issues = issuesOf({
      indexNames: 'VIX,vix',
      indexMaxAgeMs: '0',
      indexSourceUrl: 'ftp://x',
      indexPollMs: '5',
    });
    expect(issues.map((i) => i.setting)).toEqual([
      '--index-names (RISKGATE_INDEX_NAMES)',
      '--index-max-age-ms (RISKGATE_INDEX_MAX_AGE_MS)',
      '--index-source-url (RISKGATE_INDEX_SOURCE_URL)',
      '--index-poll-ms (RISKGATE_INDEX_POLL_MS)',
    ]);
  });
});
