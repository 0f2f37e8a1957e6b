import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBrokerError, OrderOutcomeUnknownError } from '../../src/broker/errors.ts';
import type { SubmitOrderRequest } from '../../src/broker/order-types.ts';
import type { FaultSpec } from '../../src/broker/sim/faults.ts';
import { type Pair, raw, startPair } from './harness.ts';

let pair: Pair;
beforeEach(async () => {
  // Short request timeout so that hangs become timeouts quickly; the breaker stays out of the way.
  pair = await startPair({}, { timeoutMs: 1_000, circuit: { failureThreshold: 50 } });
  pair.exchange.setQuote('AAPL', 100, 100.02);
});
afterEach(async () => {
  await pair.close();
});

const request = (clientOrderId: string, extra: Partial<SubmitOrderRequest> = {}): SubmitOrderRequest => ({
  clientOrderId,
  symbol: 'AAPL',
  side: 'buy',
  qty: 5,
  type: 'limit',
  limitPrice: 99,
  timeInForce: 'day',
  ...extra,
});

/** A request fault on order POSTs only. */
const postFault = (spec: {
  kind: 'error' | 'hang' | 'reset';
  status?: number;
  count?: number;
  when?: 'before' | 'after';
}): FaultSpec => ({ ...spec, match: { method: 'POST', path: '/v2/orders' } }) as FaultSpec;

/** Orders at the exchange, parents only. */
async function ordersAtExchange(): Promise<Array<{ client_order_id: string }>> {
  return (await raw(pair.exchange, 'GET', '/v2/orders?status=all&nested=true')).body;
}

/** The order-related requests the exchange saw, as `METHOD path status`. */
function trail(): string[] {
  return pair.exchange.requests
    .filter(
      (r) => (r.path === '/v2/orders' && r.method === 'POST') || r.path === '/v2/orders:by_client_order_id',
    )
    .map((r) => `${r.method} ${r.path} ${r.status}`);
}

describe('an order POST is never retried blindly', () => {
  it('a 5xx before the exchange acted: looks up, gets a confirmed 404, then resubmits once', async () => {
    pair.exchange.faults.add(postFault({ kind: 'error', status: 503, count: 1 }));
    const result = await pair.broker.submitOrder(request('nb-1'));
    expect(result.attempts).toBe(2);
    expect(trail()).toEqual([
      'POST /v2/orders 503',
      'GET /v2/orders:by_client_order_id 404',
      'POST /v2/orders 200',
    ]);
    expect((await ordersAtExchange()).map((o) => o.client_order_id)).toEqual(['nb-1']);
  });

  it('a 5xx after the exchange acted: the lookup finds the order and nothing is resent', async () => {
    pair.exchange.faults.add(postFault({ kind: 'error', status: 500, count: 1, when: 'after' }));
    const result = await pair.broker.submitOrder(request('nb-2'));
    expect(result.attempts).toBe(1);
    expect(result.order.clientOrderId).toBe('nb-2');
    expect(trail()).toEqual(['POST /v2/orders 500', 'GET /v2/orders:by_client_order_id 200']);
    expect(await ordersAtExchange()).toHaveLength(1);
  });

  it('a timeout before the exchange acted: resubmits only after the confirmed 404', async () => {
    pair.exchange.faults.add(postFault({ kind: 'hang', count: 1 }));
    const result = await pair.broker.submitOrder(request('nb-3'));
    expect(result.attempts).toBe(2);
    expect(trail()).toEqual([
      'POST /v2/orders hung',
      'GET /v2/orders:by_client_order_id 404',
      'POST /v2/orders 200',
    ]);
    pair.exchange.faults.clear();
    expect(await ordersAtExchange()).toHaveLength(1);
  });

  it('a timeout after the exchange acted: finds the order, sends nothing more', async () => {
    pair.exchange.faults.add(postFault({ kind: 'hang', count: 1, when: 'after' }));
    const result = await pair.broker.submitOrder(request('nb-4'));
    expect(result.attempts).toBe(1);
    pair.exchange.faults.clear();
    expect(await ordersAtExchange()).toHaveLength(1);
    expect(pair.exchange.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a reset connection after the exchange acted: finds the order', async () => {
    pair.exchange.faults.add(postFault({ kind: 'reset', count: 1, when: 'after' }));
    const result = await pair.broker.submitOrder(
      request('nb-5', { protection: { stopLoss: 95 }, type: 'market' }),
    );
    expect([result.attempts, result.protection]).toEqual([1, 'confirmed']);
    expect(await ordersAtExchange()).toHaveLength(1);
  });

  it('when the lookup fails too, reports an unknown outcome and does not resend', async () => {
    pair.exchange.faults.add(postFault({ kind: 'error', status: 503, count: 1, when: 'after' }));
    pair.exchange.faults.add({
      kind: 'error',
      status: 503,
      match: { path: '/v2/orders:by_client_order_id' },
    });
    const error = await pair.broker.submitOrder(request('nb-6')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderOutcomeUnknownError);
    expect((error as OrderOutcomeUnknownError).clientOrderId).toBe('nb-6');
    expect(pair.exchange.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(await ordersAtExchange()).toHaveLength(1);
  });

  it('never resends after a definite refusal (4xx)', async () => {
    const error = await pair.broker.submitOrder(request('nb-7', { qty: 1_000_000 })).catch((e: unknown) => e);
    expect(isBrokerError(error, 'INSUFFICIENT_BUYING_POWER')).toBe(true);
    expect(pair.exchange.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('gives up after the attempt limit, each resend preceded by a confirmed 404', async () => {
    pair.exchange.faults.add(postFault({ kind: 'error', status: 502 }));
    const error = await pair.broker.submitOrder(request('nb-8')).catch((e: unknown) => e);
    expect(isBrokerError(error, 'UNAVAILABLE')).toBe(true);
    expect(String((error as Error).message)).toContain('confirmed it does not exist');
    expect(trail()).toEqual([
      'POST /v2/orders 502',
      'GET /v2/orders:by_client_order_id 404',
      'POST /v2/orders 502',
      'GET /v2/orders:by_client_order_id 404',
      'POST /v2/orders 502',
      'GET /v2/orders:by_client_order_id 404',
    ]);
    expect(await ordersAtExchange()).toHaveLength(0);
  });
});
