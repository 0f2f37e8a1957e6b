import { afterEach, describe, expect, it } from 'vitest';
import { bsmPrice } from '../../src/core/options/black-scholes.ts';
import { expiryEpochMs, yearFraction } from '../../src/core/options/expiry-time.ts';
import { DEFAULT_VOLATILITY_SURFACE, surfaceVolatility } from '../../src/core/options/volatility-surface.ts';
import { eventually, type Pair, raw, startPair } from './harness.ts';

// The exchange's manual clock starts on Monday 2026-01-05 14:30 UTC.
const CALL = 'AAPL260220C00100000'; // 20 Feb 2026, the third Friday
const open: Pair[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

async function pair(): Promise<Pair> {
  const p = await startPair({ options: { rate: 0.04 } });
  open.push(p);
  p.exchange.setQuote('AAPL', 99.99, 100.01);
  return p;
}

describe('option contracts on the simulated exchange', () => {
  it('lists contracts with the filters, in the broker wire shape, paged', async () => {
    const { broker, exchange } = await pair();
    const page = await broker.listOptionContracts({
      underlyingSymbols: ['AAPL'],
      expirationDate: '2026-02-20',
      type: 'call',
      strikePriceGte: 95,
      strikePriceLte: 105,
    });
    expect(page.contracts.map((c) => c.symbol)).toEqual([
      'AAPL260220C00095000',
      'AAPL260220C00100000',
      'AAPL260220C00105000',
    ]);
    const c = page.contracts[1]!;
    expect(c).toMatchObject({
      underlyingSymbol: 'AAPL',
      type: 'call',
      style: 'american',
      strikePrice: 100,
      multiplier: 100,
      expirationDate: '2026-02-20',
      tradable: true,
    });
    // Without an expiry filter the broker lists what expires by the coming weekend.
    const week = await broker.listOptionContracts({ underlyingSymbols: ['AAPL'], limit: 10_000 });
    expect(new Set(week.contracts.map((x) => x.expirationDate))).toEqual(new Set(['2026-01-09']));
    const first = await broker.listOptionContracts({ underlyingSymbols: ['AAPL'], limit: 3 });
    expect(first.nextPageToken).toBeDefined();
    const second = await broker.listOptionContracts({
      underlyingSymbols: ['AAPL'],
      limit: 3,
      pageToken: first.nextPageToken!,
    });
    expect(second.contracts[0]!.symbol).toBe(week.contracts[3]!.symbol);
    const bad = await raw(exchange, 'GET', '/v2/options/contracts?type=straddle');
    expect(bad.status).toBe(422);
    expect(bad.body.message).toContain('type');
  });

  it('quotes an option at the BSM price of the surface volatility around the underlying mid', async () => {
    const { broker, exchange } = await pair();
    const quotes = await broker.getOptionQuotes([CALL, 'NOPE']);
    const q = quotes.get(CALL)!;
    expect(quotes.has('NOPE')).toBe(false);
    const t = yearFraction(exchange.clock.now(), expiryEpochMs('2026-02-20')!);
    const sigma = surfaceVolatility(DEFAULT_VOLATILITY_SURFACE, 100, 100, t);
    const model = bsmPrice('call', 100, 100, t, 0.04, 0, sigma);
    expect(q.bid).toBeLessThan(model);
    expect(q.ask).toBeGreaterThan(model);
    expect(q.ask - q.bid).toBeLessThan(0.02 * model + 0.03);
    // A mixed list is split between the stock and the option endpoints.
    const mixed = await broker.getLatestQuotes(['AAPL', CALL]);
    expect([...mixed.keys()].sort()).toEqual(['AAPL', CALL]);
  });

  it('fills option orders at the option price and moves cash by price × qty × 100', async () => {
    const { broker, exchange } = await pair();
    const before = await broker.getAccount();
    const ask = (await broker.getOptionQuotes([CALL])).get(CALL)!.ask;
    const order = await broker.submitOrder({
      symbol: CALL,
      side: 'buy',
      qty: 2,
      type: 'market',
      timeInForce: 'day',
      clientOrderId: 'option-buy-1',
      intent: 'entry',
    });
    exchange.setQuote('AAPL', 99.99, 100.01);
    await eventually(async () => (await broker.getOrder(order.order.id)).status === 'filled', 'the fill');
    const filled = await broker.getOrder(order.order.id);
    expect(filled.filledAvgPrice).toBeCloseTo(ask, 9);
    const position = await broker.getPosition(CALL);
    expect(position.qty).toBe(2);
    expect(position.assetClass).toBe('us_option');
    const after = await broker.getAccount();
    expect(before.cash - after.cash).toBeCloseTo(ask * 2 * 100, 6);
    expect(position.marketValue).toBeCloseTo(2 * 100 * position.currentPrice!, 1);
    const fractional = await raw(exchange, 'POST', '/v2/orders', {
      symbol: CALL,
      qty: '1.5',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(fractional.status).toBe(422);
    const subPenny = await raw(exchange, 'POST', '/v2/orders', {
      symbol: CALL,
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '0.5012',
      time_in_force: 'day',
    });
    expect(subPenny.status).toBe(422);
    expect(subPenny.body.message).toContain('sub-penny');
  });

  it('sends option prices on the cent, rounded the conservative way', async () => {
    const { broker } = await pair();
    const stop = await broker.submitOrder({
      symbol: CALL,
      side: 'sell',
      qty: 1,
      type: 'stop',
      stopPrice: 0.4567,
      timeInForce: 'gtc',
      clientOrderId: 'option-stop-1',
      intent: 'entry',
    });
    expect(stop.order.stopPrice).toBe(0.45);
    const limit = await broker.submitOrder({
      symbol: 'AAPL260220P00100000',
      side: 'buy',
      qty: 1,
      type: 'limit',
      limitPrice: 0.0049,
      timeInForce: 'day',
      clientOrderId: 'option-limit-1',
      intent: 'entry',
    });
    expect(limit.order.limitPrice).toBe(0.01);
    // A replace off the cent learns the order's symbol and side and rounds the option's way too.
    const moved = await broker.replaceOrder(stop.order.id, { stopPrice: 0.4321, intent: 'exit' });
    expect(moved.stopPrice).toBe(0.43);
  });
});
