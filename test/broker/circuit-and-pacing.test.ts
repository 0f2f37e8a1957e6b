import { afterEach, describe, expect, it } from 'vitest';
import { isBrokerError } from '../../src/broker/errors.ts';
import { type Pair, startPair } from './harness.ts';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

/** A long AAPL position and a working MSFT order to cancel later. */
async function setUp(p: Pair): Promise<{ workingId: string }> {
  p.exchange.setQuote('AAPL', 100, 100.02);
  p.exchange.setQuote('MSFT', 300, 300.04);
  p.exchange.setQuote('TSLA', 200, 200.04);
  await p.broker.submitOrder({
    clientOrderId: 'long',
    symbol: 'AAPL',
    side: 'buy',
    qty: 10,
    type: 'market',
    timeInForce: 'day',
  });
  p.exchange.setQuote('AAPL', 100, 100.02);
  const working = await p.broker.submitOrder({
    clientOrderId: 'working',
    symbol: 'MSFT',
    side: 'buy',
    qty: 1,
    type: 'limit',
    limitPrice: 250,
    timeInForce: 'gtc',
  });
  return { workingId: working.order.id };
}

const entry = {
  clientOrderId: 'entry',
  symbol: 'TSLA',
  side: 'buy',
  qty: 1,
  type: 'limit',
  limitPrice: 150,
  timeInForce: 'day',
} as const;
const exit = {
  clientOrderId: 'exit',
  symbol: 'AAPL',
  side: 'sell',
  qty: 10,
  type: 'market',
  timeInForce: 'day',
  intent: 'exit',
} as const;

describe('circuit breaker', () => {
  it('opens after repeated failures, refuses entries, and sends queued cancels and exits first on half-open', async () => {
    pair = await startPair(
      {},
      { circuit: { failureThreshold: 3, halfOpenAfterMs: 1_000 }, readRetry: { maxAttempts: 1 } },
    );
    const p = pair;
    const { workingId } = await setUp(p);
    p.exchange.faults.add({ kind: 'error', status: 503, match: { path: '/v2/' } });
    for (let i = 0; i < 3; i++) await p.broker.getAccount().catch(() => undefined);
    expect(p.broker.circuitState).toBe('open');
    // The broker is healthy again at once; the circuit stays open until its half-open delay.
    p.exchange.faults.clear();

    const refused = await p.broker.submitOrder(entry).catch((e: unknown) => e);
    expect(isBrokerError(refused, 'CIRCUIT_OPEN')).toBe(true);
    expect(isBrokerError(await p.broker.getAccount().catch((e: unknown) => e), 'CIRCUIT_OPEN')).toBe(true);

    const seen = p.exchange.requests.length;
    const exitDone = p.broker.submitOrder(exit);
    const cancelDone = p.broker.cancelOrder(workingId);
    const [exitResult] = await Promise.all([exitDone, cancelDone]);
    expect(exitResult.order.clientOrderId).toBe('exit');
    const sent = p.exchange.requests.slice(seen).map((r) => `${r.method} ${r.path}`);
    expect(sent.slice(0, 2)).toEqual([`DELETE /v2/orders/${workingId}`, 'POST /v2/orders']);
    expect(p.broker.circuitState).toBe('closed');
    // Closed again: entries pass.
    expect((await p.broker.submitOrder(entry)).order.clientOrderId).toBe('entry');
  });

  it('answers a queued cancel with the failed probe while the broker is down, and closes once it recovers', async () => {
    pair = await startPair(
      {},
      { circuit: { failureThreshold: 2, halfOpenAfterMs: 200 }, readRetry: { maxAttempts: 1 } },
    );
    const p = pair;
    const { workingId } = await setUp(p);
    const fault = p.exchange.faults.add({ kind: 'error', status: 503, match: { path: '/v2/' } });
    for (let i = 0; i < 2; i++) await p.broker.getClock().catch(() => undefined);
    const states: string[] = [];
    p.broker.onCircuitState((s) => states.push(s));
    const cancelDone = p.broker.cancelOrder(workingId).then(
      () => 'done',
      (e: unknown) => (isBrokerError(e) ? e.code : 'other'),
    );
    // The queued cancel is the probe; the broker still fails, so the caller hears it rather than a silent drop.
    expect(await cancelDone).toBe('UNAVAILABLE');
    p.exchange.faults.remove(fault);
    await p.broker.cancelOrder(workingId);
    expect(states).toContain('half-open');
    expect((await p.broker.getOrder(workingId)).status).toBe('canceled');
  });
});

describe('pacing', () => {
  it("sends cancels first, then exits, the gateway's own reads, entries, and client reads last", async () => {
    pair = await startPair({}, { maxConcurrent: 1 });
    const p = pair;
    const { workingId } = await setUp(p);
    // Occupy the only slot with a held read, so the next four wait in the queue together.
    const hold = p.exchange.faults.add({ kind: 'hang', match: { path: '/v2/clock' } });
    const blocker = p.broker.getClock();
    await new Promise<void>((resolve) => {
      const poll = () =>
        p.exchange.requests.some((r) => r.status === 'hung') ? resolve() : setTimeout(poll, 5);
      poll();
    });
    const seen = p.exchange.requests.length;
    const done = Promise.all([
      p.broker.getAsset('AAPL', { purpose: 'client' }),
      p.broker.getAccount(),
      p.broker.submitOrder(entry),
      p.broker.submitOrder(exit),
      p.broker.cancelOrder(workingId),
    ]);
    p.exchange.faults.remove(hold);
    await Promise.all([blocker, done]);
    const order = p.exchange.requests
      .slice(seen)
      .filter((r) => r.path !== '/v2/clock')
      .map((r) => `${r.method} ${r.path}${r.clientOrderId ? ` ${r.clientOrderId}` : ''}`);
    expect(order).toEqual([
      `DELETE /v2/orders/${workingId}`,
      'POST /v2/orders exit',
      'GET /v2/account',
      'POST /v2/orders entry',
      'GET /v2/assets/AAPL',
    ]);
  });
});
