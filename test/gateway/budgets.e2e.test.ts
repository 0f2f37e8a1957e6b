import { afterEach, describe, expect, it } from 'vitest';
import type { AlpacaBroker } from '../../src/broker/alpaca/alpaca-broker.ts';
import type { CreatedApiKey } from '../../src/store/api-keys.ts';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A symbol per index, letters only: QAAA, QAAB, … (17,576 of them). */
function symbolAt(i: number): string {
  const a = 'A'.charCodeAt(0);
  return `Q${String.fromCharCode(a + Math.floor(i / 676))}${String.fromCharCode(a + (Math.floor(i / 26) % 26))}${String.fromCharCode(a + (i % 26))}`;
}

const marketBuy = (symbol: string, qty = '1') => ({
  symbol,
  qty,
  side: 'buy',
  type: 'market',
  time_in_force: 'day',
});

const restingBuy = (clientOrderId: string) => ({
  symbol: 'MSFT',
  qty: '1',
  side: 'buy',
  type: 'limit',
  limit_price: '300',
  time_in_force: 'day',
  client_order_id: clientOrderId,
});

/** Successful quote polls the exchange has answered. */
function quotePolls(r: Rig): number {
  return r.sim.requests.filter((x) => x.path === '/v2/stocks/quotes/latest' && x.status === 200).length;
}

/** Raw HTTP to the gateway, with the answer's headers. */
async function call(
  r: Rig,
  method: string,
  path: string,
  body?: unknown,
  key: CreatedApiKey = r.trader,
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary response fields
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${r.gateway.url}${path}`, {
    method,
    headers: {
      'APCA-API-KEY-ID': key.key.keyId,
      'APCA-API-SECRET-KEY': key.secret,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
}

/** Settles with the promise, or fails after a generous deadline (never a timing assertion). */
function within<T>(promise: Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

const positionQty = (r: Rig, symbol: string) =>
  r.gateway.services.ctx.risk.engine.book.symbols.get(symbol)?.position?.qty ?? 0;

describe('budgets that protect the monitors', () => {
  it('keeps quote polls working and the watch list bounded after dry runs for 4,000 symbols', async () => {
    rig = await startRig({ flags: { watchDryRunSymbols: '64' } });
    const r = rig;
    const reader = await r.gateway.store.apiKeys.create({
      role: 'read-only',
      label: 'dry runs',
      by: 'test',
      at: Date.now(),
    });
    let answered = 0;
    for (let i = 0; i < 4_000; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          r.http('POST', '/v1/orders/check', marketBuy(symbolAt(i + j)), reader),
        ),
      );
      answered += batch.filter((b) => b.status === 200).length;
    }
    expect(answered).toBe(4_000);
    // The last dry run is for AAPL: it is watched, and its marks must keep moving.
    expect((await r.http('POST', '/v1/orders/check', marketBuy('AAPL'), reader)).status).toBe(200);
    r.sim.setQuote('AAPL', 111, 111.02);
    await eventually(
      () =>
        Math.abs((r.gateway.services.ctx.risk.engine.book.symbols.get('AAPL')?.price ?? 0) - 111.01) < 0.006,
      'the new AAPL quote to reach the engine',
    );
    const polled = quotePolls(r);
    await eventually(() => quotePolls(r) >= polled + 2, 'more quote polls to succeed');
    expect(r.gateway.services.monitor.lastError).toBeNull();
    const watch = r.gateway.services.ctx.watchList;
    expect(watch.sizes().dryRuns).toBe(64);
    expect(watch.symbols()).toHaveLength(64);
    expect(watch.symbols()).toContain('AAPL');
  }, 120_000);

  it('answers 429 with the X-RateLimit headers past the per-key limit; cancels, exits and kills still pass', async () => {
    rig = await startRig({ flags: { keyRateLimit: '6' } });
    const r = rig;
    // Request 1 of the trader's window: a position to exit later.
    expect((await call(r, 'POST', '/v2/orders', marketBuy('AAPL', '10'))).status).toBe(200);
    r.sim.setQuote('AAPL', 100, 100.02);
    await eventually(() => positionQty(r, 'AAPL') === 10, 'the AAPL position');

    const allowed = [];
    for (let i = 0; i < 5; i++) allowed.push(await call(r, 'GET', '/v1/state'));
    expect(allowed.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(allowed.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    expect(allowed.map((a) => a.headers.get('x-ratelimit-limit'))).toEqual(['6', '6', '6', '6', '6']);

    const refused = await call(r, 'GET', '/v1/state');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('6');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    // Unix seconds, the end of the current one-minute window.
    const reset = Number(refused.headers.get('x-ratelimit-reset'));
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    expect(refused.body.code).toBe(42910000);
    expect(refused.body.message).toMatch(/RATE_LIMITED/);
    expect(refused.body.riskgate).toEqual({ code: 'RATE_LIMITED', limit: 6, reset });

    const entry = await call(r, 'POST', '/v2/orders', restingBuy('over-the-limit'));
    expect(entry.status).toBe(429);
    expect(r.sim.requests.some((x) => x.clientOrderId === 'over-the-limit')).toBe(false);
    // Another key has a window of its own.
    expect((await call(r, 'GET', '/v1/state', undefined, r.officer)).status).toBe(200);

    // Risk-reducing requests are counted but never refused by the limit.
    const exit = await call(r, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '4',
      side: 'sell',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'exit-over-the-limit',
    });
    expect(exit.status).not.toBe(429);
    expect(exit.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.sim.requests.some((x) => x.clientOrderId === 'exit-over-the-limit')).toBe(true);
    expect((await call(r, 'DELETE', '/v2/orders')).status).toBe(207);
    expect((await call(r, 'DELETE', '/v2/positions/AAPL')).status).not.toBe(429);
    expect((await call(r, 'POST', '/v1/kill', { reason: 'limit test' })).status).not.toBe(429);
    // Still refused for anything else.
    expect((await call(r, 'GET', '/v2/account')).status).toBe(429);
  }, 60_000);

  it('lets the polls and a close through while a flood of entries holds every slot it may have', async () => {
    rig = await startRig({
      // Only the test polls, so every broker request is one the test caused.
      flags: { markIntervalMs: '60000', reconcileIntervalMs: '600000' },
      // Held requests stay held: no timeout frees their slots during the test.
      broker: { requestsPerMinute: 60, maxConcurrent: 16, clientSharePercent: 50, timeoutMs: 60_000 },
    });
    const r = rig;
    const { monitor } = r.gateway.services;
    const broker = r.gateway.services.ctx.broker as AlpacaBroker;
    expect((await r.http('POST', '/v2/orders', marketBuy('AAPL', '10'))).status).toBe(200);
    r.sim.setQuote('AAPL', 100, 100.02);
    await eventually(() => positionQty(r, 'AAPL') === 10, 'the AAPL position');
    // One resting MSFT order first, so the flood finds a fresh MSFT mark.
    expect((await r.http('POST', '/v2/orders', restingBuy('first'))).status).toBe(200);

    // The exchange holds every order POST: entries pile up in flight and in line.
    const hold = r.sim.faults.add({ kind: 'hang', match: { method: 'POST', path: '/v2/orders' } });
    const flood = Array.from({ length: 40 }, (_, i) =>
      r.http('POST', '/v2/orders', restingBuy(`flood-${i}`)).catch(() => undefined),
    );
    const held = () => r.sim.requests.filter((x) => x.status === 'hung').length;
    // Every entry recorded is on its way to the broker: in flight, or in line for a slot.
    const recorded = async () => {
      const stored = await Promise.all(flood.map((_, i) => r.gateway.store.orders.get(`flood-${i}`)));
      return stored.every((o) => o !== null);
    };
    await eventually(recorded, 'every entry of the flood to be recorded');
    await eventually(() => held() >= 8, 'the flood to fill the slots it may use');

    const seen = r.sim.requests.length;
    await within(monitor.tick(), 'a quote and account poll');
    expect(monitor.lastError).toBeNull();
    const polled = r.sim.requests.slice(seen).map((x) => `${x.method} ${x.path} ${x.status}`);
    expect(polled).toContain('GET /v2/stocks/quotes/latest 200');
    expect(polled).toContain('GET /v2/account 200');

    // Closing cancels the protective legs and sells at market: both are reserved traffic.
    const close = await within(r.http('DELETE', '/v2/positions/AAPL'), 'the close');
    expect(close.status).toBe(200);
    expect(
      r.sim.requests.some(
        (x) => x.method === 'DELETE' && x.path === '/v2/positions/AAPL' && x.status === 200,
      ),
    ).toBe(true);
    r.sim.setQuote('AAPL', 100, 100.02);
    await eventually(() => positionQty(r, 'AAPL') === 0, 'the position to close');

    // Client traffic held exactly its share of the slots; the rest of the flood still waits.
    const budget = broker.requestBudget();
    expect(budget.clientConcurrent).toBe(8);
    expect(held()).toBe(8);
    expect(budget.waiting.entry).toBeGreaterThan(0);
    expect(budget.sent.entry + budget.sent.read).toBeLessThanOrEqual(budget.clientLimit);
    // Refuse what still waits and release what is held, so the gateway can shut down.
    await broker.close();
    r.sim.faults.remove(hold);
    await Promise.all(flood);
  }, 60_000);

  it('opens the circuit after five failed order requests while quote polls succeed, and refuses the next entry at once', async () => {
    // The all-requests breaker is set out of reach: only the order breaker can open.
    rig = await startRig({ circuit: { failureThreshold: 50, halfOpenAfterMs: 60_000 } });
    const r = rig;
    // Watched, so the monitor polls its quote.
    expect((await r.http('POST', '/v1/orders/check', marketBuy('AAPL'))).status).toBe(200);
    r.sim.faults.add({ kind: 'error', status: 503, match: { method: 'POST', path: '/v2/orders' } });
    const posts = () => r.sim.requests.filter((x) => x.method === 'POST' && x.path === '/v2/orders').length;
    const circuit = () => r.gateway.services.ctx.broker.circuitState;

    const answers: number[] = [];
    for (let i = 0; i < 10 && circuit() !== 'open'; i++) {
      // A successful price poll between every two entries: under one shared count it would reset it.
      const polled = quotePolls(r);
      await eventually(() => quotePolls(r) > polled, 'a successful quote poll');
      answers.push((await r.http('POST', '/v2/orders', restingBuy(`failing-${i}`))).status);
    }
    expect(circuit()).toBe('open');
    expect(posts()).toBe(5);
    expect(answers.every((s) => s === 503 || s === 403)).toBe(true);

    // The next entry is refused by the gateway without reaching the exchange.
    const refused = await r.http('POST', '/v2/orders', restingBuy('refused'));
    expect(refused.status).toBe(403);
    expect(refused.body.riskgate.violations[0].code).toBe('BROKER_UNAVAILABLE');
    expect(posts()).toBe(5);

    // Reads still pass: the monitors keep their marks, clients their account.
    const polled = quotePolls(r);
    await eventually(() => quotePolls(r) > polled, 'quote polls to keep succeeding');
    expect((await r.http('GET', '/v2/account')).status).toBe(200);
    expect(r.gateway.services.monitor.lastError).toBeNull();
  }, 60_000);
});
