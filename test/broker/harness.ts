import { AlpacaBroker, type AlpacaBrokerOptions } from '../../src/broker/alpaca/alpaca-broker.ts';
import { SimExchange, type SimExchangeOptions } from '../../src/broker/sim/sim-exchange.ts';
import type { TradeUpdate } from '../../src/broker/trade-update.ts';

/** A simulated exchange on an ephemeral port and an adapter pointed at it. */
export interface Pair {
  readonly exchange: SimExchange;
  readonly broker: AlpacaBroker;
  close(): Promise<void>;
}

/** Starts both; quick retries and generous timeouts so that tests wait without racing. */
export async function startPair(
  sim: SimExchangeOptions = {},
  adapter: Partial<AlpacaBrokerOptions> = {},
): Promise<Pair> {
  const exchange = await SimExchange.start(sim);
  const broker = new AlpacaBroker({
    baseUrl: exchange.url,
    keyId: exchange.keyId,
    secretKey: exchange.secretKey,
    timeoutMs: 5_000,
    readRetry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    stream: { initialBackoffMs: 20, maxBackoffMs: 200, pingIntervalMs: 0 },
    ...adapter,
  });
  return {
    exchange,
    broker,
    async close() {
      await broker.close();
      await exchange.close();
    },
  };
}

/** Polls a condition until it holds; fails after a generous deadline (never a timing assertion). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Collects trade updates into an array. */
export function collect(broker: AlpacaBroker): { updates: TradeUpdate[]; stop: () => void } {
  const updates: TradeUpdate[] = [];
  const stop = broker.subscribeTradeUpdates((u) => updates.push(u));
  return { updates, stop };
}

/** Raw HTTP to the exchange with valid credentials (for the exchange's own behaviour). */
export async function raw(
  exchange: SimExchange,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: a test helper reading arbitrary broker JSON
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${exchange.url}${path}`, {
    method,
    headers: {
      'APCA-API-KEY-ID': exchange.keyId,
      'APCA-API-SECRET-KEY': exchange.secretKey,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
  };
}
