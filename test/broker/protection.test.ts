import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError, ProtectionMissingError } from '../../src/broker/errors.ts';
import type { SubmitOrderRequest } from '../../src/broker/order-types.ts';
import { type Pair, raw, startPair } from './harness.ts';

let pair: Pair;
beforeEach(async () => {
  pair = await startPair({}, { circuit: { failureThreshold: 50 }, readRetry: { maxAttempts: 1 } });
  pair.exchange.setQuote('AAPL', 100, 100.02);
});
afterEach(async () => {
  await pair.close();
});

const bracket = (clientOrderId: string): SubmitOrderRequest => ({
  clientOrderId,
  symbol: 'AAPL',
  side: 'buy',
  qty: 10,
  type: 'limit',
  limitPrice: 99,
  timeInForce: 'gtc',
  protection: { takeProfit: 110, stopLoss: 95 },
});

describe('protective legs', () => {
  it('reports an accepted bracket whose stop leg was rejected, naming the order that now exists', async () => {
    pair.exchange.faults.add({ kind: 'reject-stop-leg', count: 1 });
    const error = await pair.broker.submitOrder(bracket('p-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtectionMissingError);
    const missing = error as ProtectionMissingError;
    expect([missing.code, missing.problem, missing.stopLegStatus, missing.clientOrderId]).toEqual([
      'PROTECTION_MISSING',
      'stop-leg-not-live',
      'rejected',
      'p-1',
    ]);
    const atExchange = await pair.broker.getOrder(missing.orderId, { nested: true });
    expect([atExchange.status, atExchange.legs[1]!.status]).toEqual(['new', 'rejected']);
  });

  it('reports a bracket whose legs could not be read back', async () => {
    pair.exchange.faults.add({
      kind: 'error',
      status: 503,
      match: { method: 'GET', path: '^/v2/orders/[0-9a-f-]+$' },
    });
    const error = await pair.broker.submitOrder(bracket('p-2')).catch((e: unknown) => e);
    expect((error as ProtectionMissingError).problem).toBe('confirmation-failed');
  });

  it('confirms the legs from the POST answer when asked to, without a second request', async () => {
    const result = await pair.broker.submitOrder({ ...bracket('r-1'), legConfirmation: 'reply' });
    expect(result.protection).toBe('in-reply');
    expect(result.order.legs.map((leg) => [leg.type, leg.status])).toEqual([
      ['limit', 'held'],
      ['stop', 'held'],
    ]);
    const reads = pair.exchange.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/orders'));
    expect(reads).toEqual([]);
  });

  it('reports a stop leg already rejected in the POST answer, with the order as answered', async () => {
    pair.exchange.faults.add({ kind: 'reject-stop-leg', count: 1 });
    const error = await pair.broker
      .submitOrder({ ...bracket('r-2'), legConfirmation: 'reply' })
      .catch((e: unknown) => e);
    const missing = error as ProtectionMissingError;
    expect([missing.problem, missing.stopLegStatus, missing.order?.clientOrderId]).toEqual([
      'stop-leg-not-live',
      'rejected',
      'r-2',
    ]);
    expect(missing.order?.legs.find((leg) => leg.type === 'stop')?.status).toBe('rejected');
  });

  it('reads the legs back when the answer it has carries none (an order found by its client id)', async () => {
    // The POST lands but its answer is lost: the order is found by client order id, without legs.
    pair.exchange.faults.add({
      kind: 'error',
      status: 503,
      when: 'after',
      count: 1,
      match: { method: 'POST', path: '/v2/orders' },
    });
    const result = await pair.broker.submitOrder({ ...bracket('r-3'), legConfirmation: 'reply' });
    expect([result.protection, result.order.legs.length]).toEqual(['confirmed', 0]);
    const nested = pair.exchange.requests.filter(
      (r) => r.method === 'GET' && /^\/v2\/orders\/[0-9a-f-]+$/.test(r.path),
    );
    expect(nested).toHaveLength(1);
  });

  it('refuses protection on a simple order before anything reaches the broker', async () => {
    const error = await pair.broker
      .submitOrder({ ...bracket('p-3'), orderClass: 'simple' })
      .catch((e: unknown) => e);
    expect(isBrokerError(error, 'VALIDATION') && error.local).toBe(true);
    expect(pair.exchange.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('property: whatever protection is asked for, the exchange never drops a leg silently', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            takeProfit: fc.integer({ min: 10_100, max: 12_000 }).map((c) => c / 100),
            stopLoss: fc.integer({ min: 8_000, max: 9_800 }).map((c) => c / 100 + 0.004),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('market' as const, 'limit' as const),
        async (protection, type) => {
          const request: SubmitOrderRequest = {
            clientOrderId: `prop-${++n}`,
            symbol: 'AAPL',
            side: 'buy',
            qty: 1,
            type,
            timeInForce: 'day',
            ...(type === 'limit' ? { limitPrice: 99.5 } : {}),
            ...(Object.keys(protection).length > 0 ? { protection } : {}),
          };
          const result = await pair.broker.submitOrder(request);
          const legs =
            (await raw(pair.exchange, 'GET', `/v2/orders/${result.order.id}?nested=true`)).body.legs ?? [];
          expect(legs).toHaveLength(Object.keys(protection).length);
          await pair.broker.cancelOrder(result.order.id);
        },
      ),
      { numRuns: 25 },
    );
    expect(pair.exchange.droppedLegOrders).toBe(0);
  });
});
