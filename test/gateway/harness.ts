import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { trading } from '@alpacahq/alpaca-trade-api';
import type { AlpacaBrokerOptions } from '../../src/broker/alpaca/alpaca-broker.ts';
import type { SimAsset } from '../../src/broker/sim/assets.ts';
import type { SimClockOptions } from '../../src/broker/sim/sim-clock.ts';
import { DEFAULT_ASSETS, SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';
import { type RunningGateway, startGateway } from '../../src/gateway/gateway.ts';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';

/** A risk profile for the tests: percent stops attached, a $1000 daily-loss breaker that reduces. */
export const TEST_PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 30000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    breakers:
      dailyLoss: { usd: 1000, action: reducing }
`;

/** A gateway in front of an in-process simulated exchange, with keys and an SDK configuration. */
export interface Rig {
  readonly sim: SimExchange;
  readonly gateway: RunningGateway;
  readonly trader: CreatedApiKey;
  readonly officer: CreatedApiKey;
  readonly dir: string;
  readonly logs: string[];
  /**
   * Stops the gateway and starts a new one on the same store and exchange (keys stay valid);
   * `whileDown` runs between the two, e.g. to trade at the exchange while riskgate is away.
   */
  restart(whileDown?: () => void | Promise<void>): Promise<RunningGateway>;
  /** SDK configuration pointed at the gateway with a key. */
  sdk(key?: CreatedApiKey): trading.Configuration;
  /** Raw HTTP to the gateway with a key; the body is parsed JSON, loosely typed for assertions. */
  http(
    method: string,
    path: string,
    body?: unknown,
    key?: CreatedApiKey,
    // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** Starts a simulated exchange (real-time clock) and a gateway on port 0 in front of it. */
export async function startRig(
  options: {
    profile?: string;
    flags?: Record<string, string>;
    /** Broker circuit breaker of the adapter; default opens after 3 failures for a minute. */
    circuit?: { failureThreshold: number; halfOpenAfterMs: number; orderFailureThreshold?: number };
    /** Clock of the simulated exchange; default real time. */
    simClock?: SimClockOptions;
    /** Further adapter options (the request budget, for one). */
    broker?: Partial<AlpacaBrokerOptions>;
    /** Assets the exchange lists besides its defaults. */
    assets?: readonly SimAsset[];
  } = {},
): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-gw-'));
  const profilePath = join(dir, 'profile.yaml');
  writeFileSync(profilePath, options.profile ?? TEST_PROFILE);
  // The gateway polls every 100 ms here, far above the broker's 200 a minute: the exchange's own
  // limit is lifted so that tests see the gateway's behaviour, not a starved budget.
  const sim = await SimExchange.start({
    clock: options.simClock ?? { mode: 'real' },
    rateLimit: { limit: 1_000_000 },
    ...(options.assets !== undefined ? { assets: [...DEFAULT_ASSETS, ...options.assets] } : {}),
  });
  sim.setQuote('AAPL', 100, 100.02);
  sim.setQuote('MSFT', 400, 400.04);
  const logs: string[] = [];
  const config = resolveGatewayConfig({
    flags: {
      port: '0',
      dataDir: dir,
      profile: profilePath,
      broker: 'alpaca',
      alpacaMode: 'paper',
      alpacaUrl: sim.url,
      markIntervalMs: '100',
      reconcileIntervalMs: '1000',
      stopGraceMs: '1500',
      demoKeys: 'false',
      logLevel: 'info',
      // Tests drive many requests through one key; the per-key limit has tests of its own.
      keyRateLimit: '0',
      ...options.flags,
    },
    env: { ALPACA_API_KEY_ID: sim.keyId, ALPACA_API_SECRET_KEY: sim.secretKey },
  });
  const start = () =>
    startGateway({
      config,
      logDestination: new Writable({
        write(chunk, _encoding, callback) {
          logs.push(String(chunk));
          callback();
        },
      }),
      brokerOverrides: {
        requestsPerMinute: 1_000_000,
        maxConcurrent: 16,
        readRetry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 20 },
        circuit: options.circuit ?? { failureThreshold: 3, halfOpenAfterMs: 60_000 },
        stream: { initialBackoffMs: 20, maxBackoffMs: 200, pingIntervalMs: 0 },
        timeoutMs: 3_000,
        ...options.broker,
      },
    });
  let gateway = await start();
  const at = Date.now();
  const trader = await gateway.store.apiKeys.create({ role: 'trader', label: 'test trader', by: 'test', at });
  const officer = await gateway.store.apiKeys.create({
    role: 'risk-officer',
    label: 'test officer',
    by: 'test',
    at,
  });
  const rig: Rig = {
    sim,
    get gateway() {
      return gateway;
    },
    trader,
    officer,
    dir,
    logs,
    async restart(whileDown) {
      await gateway.close();
      await whileDown?.();
      gateway = await start();
      return gateway;
    },
    sdk(key = trader) {
      return new trading.Configuration({
        basePath: gateway.url,
        keyId: key.key.keyId,
        secret: key.secret,
        retry: { maxRetries: 0 },
      });
    },
    async http(method, path, body, key = trader) {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: {
          'APCA-API-KEY-ID': key.key.keyId,
          'APCA-API-SECRET-KEY': key.secret,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text) };
    },
    async close() {
      await gateway.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Polls until `check` holds; a generous deadline, never a timing assertion. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs an SDK call expected to fail; returns the error (status, code, message). */
export async function failure(
  call: Promise<unknown>,
): Promise<{ status: number; code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; code?: number; message?: string };
    return { status: e.status ?? 0, code: e.code ?? 0, message: e.message ?? '' };
  }
  throw new Error('expected the call to fail');
}

/**
 * Sends one order per id that the engine denies (5,000 shares, above the test profiles'
 * 1,000-share limit), 20 at a time straight to the gateway; each publishes a decision event.
 */
export async function sendDeniedOrders(rig: Rig, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map(async (clientOrderId) => {
        const r = await rig.http('POST', '/v2/orders', {
          symbol: 'AAPL',
          qty: '5000',
          side: 'buy',
          type: 'limit',
          limit_price: '100',
          time_in_force: 'day',
          client_order_id: clientOrderId,
        });
        if (r.status !== 403)
          throw new Error(`expected ${clientOrderId} to be denied with 403, got ${r.status}`);
      }),
    );
  }
}
