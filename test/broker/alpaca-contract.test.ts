import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/broker/alpaca/alpaca-broker.ts';
import {
  type BrokerError,
  InsufficientQtyError,
  isBrokerError,
  RateLimitedError,
  WashTradeError,
} from '../../src/broker/errors.ts';
import type { SubmitOrderRequest } from '../../src/broker/order-types.ts';
import { type Pair, raw, startPair } from './harness.ts';

let pair: Pair;
beforeEach(async () => {
  // A high breaker threshold: these tests look at single errors, the circuit has its own tests.
  pair = await startPair({ account: { cash: 100_000 } }, { circuit: { failureThreshold: 50 } });
  pair.exchange.setQuote('AAPL', 100, 100.02);
  pair.exchange.setQuote('MSFT', 300, 300.04);
});
afterEach(async () => {
  await pair.close();
});

let n = 0;
const order = (extra: Partial<SubmitOrderRequest> = {}): SubmitOrderRequest => ({
  clientOrderId: `c-${++n}`,
  symbol: 'AAPL',
  side: 'buy',
  qty: 10,
  type: 'market',
  timeInForce: 'day',
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<BrokerError> {
  try {
    await promise;
  } catch (error) {
    if (isBrokerError(error)) return error;
    throw error;
  }
  throw new Error('expected a broker error');
}

/** Buys and fills a position at the current quote. */
async function buyFilled(qty: number, extra: Partial<SubmitOrderRequest> = {}) {
  const result = await pair.broker.submitOrder(order({ qty, timeInForce: 'gtc', ...extra }));
  pair.exchange.setQuote('AAPL', 100, 100.02);
  return result;
}

describe('orders', () => {
  it('submits a simple order and reads it back by id and by client order id', async () => {
    const {
      order: placed,
      protection,
      attempts,
    } = await pair.broker.submitOrder(order({ type: 'limit', limitPrice: 99.5 }));
    expect([protection, attempts, placed.orderClass, placed.status, placed.limitPrice]).toEqual([
      'not-requested',
      1,
      'simple',
      'new',
      99.5,
    ]);
    expect((await pair.broker.getOrder(placed.id)).clientOrderId).toBe(placed.clientOrderId);
    expect((await pair.broker.getOrderByClientId(placed.clientOrderId)).id).toBe(placed.id);
  });

  it('sends protection as a bracket with order_class and confirms a live stop leg', async () => {
    const { order: placed, protection } = await pair.broker.submitOrder(
      order({ timeInForce: 'gtc', protection: { takeProfit: 110, stopLoss: 95 } }),
    );
    expect(protection).toBe('confirmed');
    expect(placed.orderClass).toBe('bracket');
    const nested = await pair.broker.getOrder(placed.id, { nested: true });
    expect(nested.legs.map((l) => [l.type, l.side, l.status])).toEqual([
      ['limit', 'sell', 'held'],
      ['stop', 'sell', 'held'],
    ]);
    expect((await pair.broker.getOrder(placed.id)).legs).toEqual([]);
  });

  it('sends a stop-only protection as oto', async () => {
    const { order: placed, protection } = await pair.broker.submitOrder(
      order({ protection: { stopLoss: 95 } }),
    );
    expect([placed.orderClass, protection]).toEqual(['oto', 'confirmed']);
    expect((await pair.broker.getOrder(placed.id, { nested: true })).legs.map((l) => l.type)).toEqual([
      'stop',
    ]);
  });

  it('lists orders with status, symbols, side, direction, limit and time filters', async () => {
    const a = await pair.broker.submitOrder(order({ type: 'limit', limitPrice: 90 }));
    pair.exchange.clock.advanceTo(pair.exchange.clock.now() + 1000);
    const b = await pair.broker.submitOrder(order({ symbol: 'MSFT', type: 'limit', limitPrice: 290 }));
    await pair.broker.cancelOrder(a.order.id);
    expect((await pair.broker.listOrders()).map((o) => o.id)).toEqual([b.order.id]);
    expect((await pair.broker.listOrders({ status: 'closed' })).map((o) => o.id)).toEqual([a.order.id]);
    const all = await pair.broker.listOrders({ status: 'all', direction: 'asc' });
    expect(all.map((o) => o.id)).toEqual([a.order.id, b.order.id]);
    expect((await pair.broker.listOrders({ status: 'all', limit: 1 })).map((o) => o.id)).toEqual([
      b.order.id,
    ]);
    expect((await pair.broker.listOrders({ status: 'all', symbols: ['AAPL'] })).map((o) => o.id)).toEqual([
      a.order.id,
    ]);
    expect(await pair.broker.listOrders({ status: 'all', side: 'sell' })).toEqual([]);
    const after = await pair.broker.listOrders({ status: 'all', after: a.order.createdAt });
    expect(after.map((o) => o.id)).toEqual([b.order.id]);
    // Both bounds are exclusive, as at the broker.
    const until = await pair.broker.listOrders({ status: 'all', until: a.order.createdAt + 1 });
    expect(until.map((o) => o.id)).toEqual([a.order.id]);
    expect(await pair.broker.listOrders({ status: 'all', until: a.order.createdAt })).toEqual([]);
  });

  it('replaces an order: new id, rounded conservatively, the old one replaced', async () => {
    const placed = await pair.broker.submitOrder(order({ type: 'limit', limitPrice: 90 }));
    const replaced = await pair.broker.replaceOrder(placed.order.id, { limitPrice: 91.239, qty: 5 });
    expect(replaced.id).not.toBe(placed.order.id);
    expect([replaced.limitPrice, replaced.qty, replaced.replaces]).toEqual([91.23, 5, placed.order.id]);
    const old = await pair.broker.getOrder(placed.order.id);
    expect([old.status, old.replacedBy]).toEqual(['replaced', replaced.id]);
  });

  it('cancels one order and all orders (207 multi-status)', async () => {
    const a = await pair.broker.submitOrder(order({ type: 'limit', limitPrice: 90 }));
    const b = await pair.broker.submitOrder(order({ type: 'limit', limitPrice: 91 }));
    await pair.broker.cancelOrder(a.order.id);
    expect((await pair.broker.getOrder(a.order.id)).status).toBe('canceled');
    const results = await pair.broker.cancelAllOrders();
    expect(results).toEqual([{ orderId: b.order.id, status: 200 }]);
  });
});

describe('positions, account and market data', () => {
  it('reads the account in numbers with the removed PDT fields absent', async () => {
    const account = await pair.broker.getAccount();
    expect(account).toMatchObject({ cash: 100_000, equity: 100_000, buyingPower: 100_000, multiplier: 1 });
    expect('patternDayTrader' in account).toBe(false);
  });

  it('lists and reads positions, closes part by qty and by percentage, and closes all', async () => {
    await buyFilled(10);
    const [position] = await pair.broker.listPositions();
    expect(position).toMatchObject({ symbol: 'AAPL', qty: 10, side: 'long', avgEntryPrice: 100.02 });
    expect((await pair.broker.getPosition('AAPL')).qty).toBe(10);
    const byQty = await pair.broker.closePosition('AAPL', { qty: 2 });
    expect([byQty.side, byQty.qty, byQty.type]).toEqual(['sell', 2, 'market']);
    pair.exchange.setQuote('AAPL', 100, 100.02);
    const byPercent = await pair.broker.closePosition('AAPL', { percentage: 50 });
    expect(byPercent.qty).toBe(4);
    pair.exchange.setQuote('AAPL', 100, 100.02);
    const results = await pair.broker.closeAllPositions({ cancelOrders: true });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ symbol: 'AAPL', status: 200 });
    pair.exchange.setQuote('AAPL', 100, 100.02);
    expect(await pair.broker.listPositions()).toEqual([]);
  });

  it('reads latest quotes, assets and the clock', async () => {
    const quotes = await pair.broker.getLatestQuotes(['AAPL', 'MSFT']);
    expect(quotes.get('MSFT')).toMatchObject({ bid: 300, ask: 300.04 });
    const asset = await pair.broker.getAsset('AAPL');
    expect(asset).toMatchObject({ symbol: 'AAPL', tradable: true, borrowStatus: 'easy_to_borrow' });
    expect((await pair.broker.listAssets({ status: 'active' })).length).toBeGreaterThan(3);
    const clock = await pair.broker.getClock();
    expect(clock.isOpen).toBe(true);
    expect(clock.timestamp).toBe(pair.exchange.clock.now());
  });
});

describe('typed errors', () => {
  it('INSUFFICIENT_BUYING_POWER', async () => {
    const error = await failure(pair.broker.submitOrder(order({ qty: 10_000 })));
    expect([error.code, error.status, error.brokerCode]).toEqual([
      'INSUFFICIENT_BUYING_POWER',
      403,
      40310000,
    ]);
  });

  it('INSUFFICIENT_QTY with held_for_orders and available, when bracket legs hold the shares', async () => {
    await buyFilled(10, { protection: { takeProfit: 110, stopLoss: 95 } });
    const error = await failure(pair.broker.closePosition('AAPL'));
    expect(error).toBeInstanceOf(InsufficientQtyError);
    const qty = error as InsufficientQtyError;
    expect([qty.code, qty.heldForOrders, qty.available, qty.existingQty]).toEqual([
      'INSUFFICIENT_QTY',
      10,
      0,
      10,
    ]);
    expect(qty.relatedOrders).toHaveLength(2);
  });

  it('WASH_TRADE with the existing order id, for a buy against a protective sell stop', async () => {
    const placed = await buyFilled(10, { protection: { stopLoss: 95 } });
    const stopId = (await pair.broker.getOrder(placed.order.id, { nested: true })).legs[0]!.id;
    const error = await failure(pair.broker.submitOrder(order({ qty: 1 })));
    expect(error).toBeInstanceOf(WashTradeError);
    expect((error as WashTradeError).existingOrderId).toBe(stopId);
  });

  it('VALIDATION from the broker: base price, and cancelling a filled order', async () => {
    const base = await failure(
      pair.broker.submitOrder(
        order({ type: 'limit', limitPrice: 99, protection: { takeProfit: 110, stopLoss: 99 } }),
      ),
    );
    expect([base.code, base.status, base.brokerCode, base.local]).toEqual([
      'VALIDATION',
      422,
      42210000,
      false,
    ]);
    expect((base.body as { base_price: string }).base_price).toBe('99');
    const filled = await buyFilled(1);
    const cancel = await failure(pair.broker.cancelOrder(filled.order.id));
    expect(cancel.code).toBe('VALIDATION');
    expect(cancel.message).toContain('order is already in "filled" state');
  });

  it('DUPLICATE_CLIENT_ORDER_ID', async () => {
    await pair.broker.submitOrder(order({ clientOrderId: 'same', type: 'limit', limitPrice: 90 }));
    const error = await failure(
      pair.broker.submitOrder(order({ clientOrderId: 'same', type: 'limit', limitPrice: 90 })),
    );
    expect([error.code, error.status]).toEqual(['DUPLICATE_CLIENT_ORDER_ID', 422]);
  });

  it('NOT_FOUND for an unknown order, client id, position and asset', async () => {
    expect((await failure(pair.broker.getOrder('00000000-0000-4000-8000-000000000000'))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(pair.broker.getOrderByClientId('nobody'))).code).toBe('NOT_FOUND');
    expect((await failure(pair.broker.getPosition('AAPL'))).code).toBe('NOT_FOUND');
    expect((await failure(pair.broker.getAsset('NOPE'))).code).toBe('NOT_FOUND');
  });

  it('RATE_LIMITED with the X-RateLimit figures', async () => {
    await pair.close();
    pair = await startPair({ rateLimit: { limit: 1, windowMs: 600_000 } });
    // Another client uses up the window, so the adapter's pacer has not seen the figures yet.
    await raw(pair.exchange, 'GET', '/v2/clock');
    const error = await failure(pair.broker.cancelOrder('00000000-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(RateLimitedError);
    const info = (error as RateLimitedError).rateLimit;
    expect([info.limit, info.remaining]).toEqual([1, 0]);
    expect(info.resetAtMs).toBeGreaterThan(Date.now());
  });

  it('UNAUTHORIZED without leaking the secret', async () => {
    const broker = new AlpacaBroker({
      baseUrl: pair.exchange.url,
      keyId: pair.exchange.keyId,
      secretKey: 'TOP-SECRET-VALUE',
    });
    try {
      const error = await failure(broker.getAccount());
      expect([error.code, error.status]).toEqual(['UNAUTHORIZED', 403]);
      expect(JSON.stringify({ m: error.message, b: error.body, s: error.stack })).not.toContain(
        'TOP-SECRET-VALUE',
      );
    } finally {
      await broker.close();
    }
  });

  it('UNAVAILABLE after bounded read retries on 5xx, timeouts and resets', async () => {
    pair.exchange.faults.add({ kind: 'error', status: 502, match: { path: '/v2/account' } });
    const error = await failure(pair.broker.getAccount());
    expect([error.code, error.status]).toEqual(['UNAVAILABLE', 502]);
    expect(pair.exchange.requests.filter((r) => r.path === '/v2/account')).toHaveLength(3);
    pair.exchange.faults.clear();
    pair.exchange.faults.add({ kind: 'reset', match: { path: '/v2/clock' } });
    expect((await failure(pair.broker.getClock())).code).toBe('UNAVAILABLE');
  });

  it('retries a read through a transient 5xx and succeeds', async () => {
    pair.exchange.faults.add({ kind: 'error', status: 503, count: 2, match: { path: '/v2/account' } });
    expect((await pair.broker.getAccount()).cash).toBe(100_000);
  });

  it('UNAVAILABLE on a timeout', async () => {
    const broker = new AlpacaBroker({
      baseUrl: pair.exchange.url,
      keyId: pair.exchange.keyId,
      secretKey: pair.exchange.secretKey,
      timeoutMs: 200,
      readRetry: { maxAttempts: 1 },
    });
    try {
      pair.exchange.faults.add({ kind: 'hang', match: { path: '/v2/clock' } });
      const error = await failure(broker.getClock());
      expect(error.code).toBe('UNAVAILABLE');
      expect(error.message).toContain('no answer within 200 ms');
    } finally {
      await broker.close();
    }
  });
});
