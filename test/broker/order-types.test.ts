import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/broker/alpaca/alpaca-broker.ts';
import { isBrokerError } from '../../src/broker/errors.ts';
import { type Pair, raw, startPair } from './harness.ts';

let pair: Pair;
beforeEach(async () => {
  pair = await startPair({}, { circuit: { failureThreshold: 50 } });
  pair.exchange.setQuote('AAPL', 100, 100.02);
});
afterEach(async () => {
  await pair.close();
});

describe('stops, stop-limits and trailing stops at the simulated exchange', () => {
  it('rests a triggered stop-limit as a limit until the price comes back', async () => {
    pair.exchange.setQuote('AAPL', 100, 100);
    await raw(pair.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '2',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    pair.exchange.setQuote('AAPL', 100, 100);
    const order = await raw(pair.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '2',
      side: 'sell',
      type: 'stop_limit',
      stop_price: '95',
      limit_price: '94.5',
      time_in_force: 'gtc',
    });
    pair.exchange.setQuote('AAPL', 94, 94.02); // triggers, but below the limit
    expect((await raw(pair.exchange, 'GET', `/v2/orders/${order.body.id}`)).body.status).toBe('new');
    pair.exchange.setQuote('AAPL', 94.6, 94.62);
    const filled = (await raw(pair.exchange, 'GET', `/v2/orders/${order.body.id}`)).body;
    expect([filled.status, filled.filled_avg_price]).toEqual(['filled', '94.6']);
  });

  it('trails a sell stop behind the high water mark', async () => {
    await raw(pair.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    pair.exchange.setQuote('AAPL', 100, 100.02);
    const trail = await raw(pair.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'sell',
      type: 'trailing_stop',
      trail_price: '2',
      time_in_force: 'gtc',
    });
    for (const bid of [101, 105, 104, 103.5]) pair.exchange.setQuote('AAPL', bid, bid + 0.02);
    const working = (await raw(pair.exchange, 'GET', `/v2/orders/${trail.body.id}`)).body;
    expect([working.status, working.hwm, working.stop_price]).toEqual(['new', '105', '103']);
    pair.exchange.setQuote('AAPL', 102.9, 102.92);
    expect((await raw(pair.exchange, 'GET', `/v2/orders/${trail.body.id}`)).body.filled_avg_price).toBe(
      '102.9',
    );
  });
});

describe('more adapter contracts', () => {
  it('moves a bracket stop leg with a replace, rounding a sell stop down', async () => {
    const placed = await pair.broker.submitOrder({
      clientOrderId: 'mv-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 4,
      type: 'market',
      timeInForce: 'gtc',
      protection: { takeProfit: 110, stopLoss: 95 },
    });
    pair.exchange.setQuote('AAPL', 100, 100.02);
    const stop = (await pair.broker.getOrder(placed.order.id, { nested: true })).legs[1]!;
    const moved = await pair.broker.replaceOrder(stop.id, { stopPrice: 97.239, intent: 'exit' });
    expect([moved.stopPrice, moved.status]).toEqual([97.23, 'held']);
    const legs = (await pair.broker.getOrder(placed.order.id, { nested: true })).legs;
    expect(legs.map((l) => l.id)).toEqual([legs[0]!.id, moved.id]);
    pair.exchange.setQuote('AAPL', 97.2, 97.22);
    expect((await pair.broker.getOrder(moved.id)).status).toBe('filled');
  });

  it('FORBIDDEN for a short sale of a stock that cannot be shorted', async () => {
    pair.exchange.setQuote('PNNY', 0.5, 0.5002);
    const error = await pair.broker
      .submitOrder({
        clientOrderId: 'sh-1',
        symbol: 'PNNY',
        side: 'sell',
        qty: 100,
        type: 'market',
        timeInForce: 'day',
      })
      .catch((e: unknown) => e);
    expect(isBrokerError(error, 'FORBIDDEN')).toBe(true);
  });

  it('sends time_in_force, trail and client_order_id on a replace, and the exchange applies each', async () => {
    pair.exchange.setQuote('AAPL', 100, 100);
    await raw(pair.exchange, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '3',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    pair.exchange.setQuote('AAPL', 100, 100);
    const trailing = await pair.broker.submitOrder({
      clientOrderId: 'trail-1',
      symbol: 'AAPL',
      side: 'sell',
      qty: 3,
      type: 'trailing_stop',
      trailPrice: 2,
      timeInForce: 'day',
    });
    const replaced = await pair.broker.replaceOrder(trailing.order.id, {
      trail: 3.5,
      timeInForce: 'gtc',
      clientOrderId: 'trail-2',
      intent: 'exit',
    });
    expect([replaced.clientOrderId, replaced.timeInForce, replaced.trailPrice]).toEqual([
      'trail-2',
      'gtc',
      3.5,
    ]);
    const atExchange = (await raw(pair.exchange, 'GET', `/v2/orders/${replaced.id}`)).body;
    expect([atExchange.client_order_id, atExchange.time_in_force, atExchange.trail_price]).toEqual([
      'trail-2',
      'gtc',
      '3.5',
    ]);
  });

  it('refuses, rather than drops, a replace field the order does not carry', async () => {
    const placed = await pair.broker.submitOrder({
      clientOrderId: 'lim-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 1,
      type: 'limit',
      limitPrice: 90,
      timeInForce: 'day',
    });
    for (const changes of [{ trail: 2 }, { stopPrice: 80 }]) {
      const error = await pair.broker.replaceOrder(placed.order.id, changes).catch((e: unknown) => e);
      expect(isBrokerError(error, 'VALIDATION') && error.status === 422).toBe(true);
    }
    const market = await raw(pair.exchange, 'PATCH', `/v2/orders/${placed.order.id}`, { trail: '1' });
    expect([market.status, market.body.message]).toEqual([422, 'trail applies only to trailing_stop orders']);
  });

  it('VALIDATION when replacing an OTO entry, which the broker does not support', async () => {
    const placed = await pair.broker.submitOrder({
      clientOrderId: 'oto-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 1,
      type: 'limit',
      limitPrice: 99,
      timeInForce: 'day',
      protection: { stopLoss: 95 },
    });
    const error = await pair.broker
      .replaceOrder(placed.order.id, { limitPrice: 98 })
      .catch((e: unknown) => e);
    expect(isBrokerError(error, 'VALIDATION') && error.status === 422).toBe(true);
  });

  it('INVALID_RESPONSE when a 2xx body does not match the wire schema', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"unexpected":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const broker = new AlpacaBroker({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      keyId: 'k',
      secretKey: 's',
    });
    try {
      const error = await broker.getAccount().catch((e: unknown) => e);
      expect(isBrokerError(error, 'INVALID_RESPONSE')).toBe(true);
    } finally {
      await broker.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
