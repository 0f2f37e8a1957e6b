import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { raw } from './harness.ts';

let ex: SimExchange;
beforeEach(async () => {
  ex = await SimExchange.start();
  ex.setQuote('AAPL', 100, 100.02);
});
afterEach(async () => {
  await ex.close();
});

const bracket = (extra: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'market',
  time_in_force: 'gtc',
  order_class: 'bracket',
  take_profit: { limit_price: '110' },
  stop_loss: { stop_price: '95' },
  ...extra,
});

describe('the silent leg-drop trap', () => {
  it('accepts take_profit/stop_loss without order_class as a plain order and creates no legs', async () => {
    const { order_class: _, ...simple } = bracket();
    const res = await raw(ex, 'POST', '/v2/orders', simple);
    expect(res.status).toBe(200);
    expect(res.body.order_class).toBe('');
    expect(res.body.legs).toBeNull();
    const nested = await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`);
    expect(nested.body.legs).toBeNull();
    expect(ex.droppedLegOrders).toBe(1);
  });

  it('in strict mode refuses legs on a simple order with 422', async () => {
    const strict = await SimExchange.start({ strict: true });
    try {
      strict.setQuote('AAPL', 100, 100.02);
      const { order_class: _, ...simple } = bracket();
      const res = await raw(strict, 'POST', '/v2/orders', simple);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(42210000);
    } finally {
      await strict.close();
    }
  });
});

describe('bracket lifecycle', () => {
  it('holds both legs while the entry works, then works the take-profit and holds the armed stop', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket());
    expect(res.body.legs.map((l: { status: string }) => l.status)).toEqual(['held', 'held']);
    ex.setQuote('AAPL', 101, 101.02);
    const after = await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`);
    expect(after.body.status).toBe('filled');
    expect(after.body.filled_avg_price).toBe('101.02');
    const [tp, sl] = after.body.legs;
    expect([tp.type, tp.status]).toEqual(['limit', 'new']);
    expect([sl.type, sl.status]).toEqual(['stop', 'held']);
    // A held stop is not listed as open: only the nested parent shows it.
    const open = await raw(ex, 'GET', '/v2/orders?status=open');
    expect(open.body.map((o: { id: string }) => o.id)).toEqual([tp.id]);
    const nestedOpen = await raw(ex, 'GET', '/v2/orders?status=open&nested=true');
    expect(nestedOpen.body[0].legs).toHaveLength(2);
  });

  it('cancels the stop when the take-profit fills', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket());
    ex.setQuote('AAPL', 101, 101.02);
    ex.setQuote('AAPL', 110.5, 110.52);
    const legs = (await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`)).body.legs;
    expect(legs.map((l: { status: string }) => l.status)).toEqual(['filled', 'canceled']);
    expect((await raw(ex, 'GET', '/v2/positions')).body).toEqual([]);
  });

  it('fills the stop at the gap price and cancels the take-profit when the market gaps through', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket());
    ex.setQuote('AAPL', 101, 101.02);
    ex.setQuote('AAPL', 90, 90.02);
    const legs = (await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`)).body.legs;
    expect(legs.map((l: { status: string }) => l.status)).toEqual(['canceled', 'filled']);
    expect(legs[1].filled_avg_price).toBe('90');
  });

  it('fills a stop inside a bar at the open when the bar gaps through it', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket());
    ex.setQuote('AAPL', 101, 101.02);
    ex.feed({
      kind: 'bar',
      symbol: 'AAPL',
      time: ex.clock.now(),
      open: 92,
      high: 93,
      low: 91,
      close: 92.5,
      volume: 1,
    });
    const legs = (await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`)).body.legs;
    expect(legs[1].filled_avg_price).toBe('92');
  });

  it('cancels the whole group when one leg is cancelled', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket({ type: 'limit', limit_price: '99' }));
    expect((await raw(ex, 'DELETE', `/v2/orders/${res.body.legs[1].id}`)).status).toBe(204);
    const after = await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`);
    expect([after.body.status, ...after.body.legs.map((l: { status: string }) => l.status)]).toEqual([
      'canceled',
      'canceled',
      'canceled',
    ]);
  });

  it('resizes the stop when the take-profit fills partially', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket());
    ex.setQuote('AAPL', 101, 101.02);
    ex.faults.add({ kind: 'partial-fill', fraction: 0.4, count: 1 });
    ex.setQuote('AAPL', 110.5, 110.52);
    const legs = (await raw(ex, 'GET', `/v2/orders/${res.body.id}?nested=true`)).body.legs;
    expect([legs[0].status, legs[0].filled_qty]).toEqual(['partially_filled', '4']);
    expect(legs[1].qty).toBe('6');
  });
});

describe('order-class rules', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['bracket with ioc', { time_in_force: 'ioc' }, /must be day or gtc/],
    ['stop entry', { type: 'stop', stop_price: '101' }, /must be market or limit/],
    ['missing take profit', { take_profit: undefined }, /require take_profit.limit_price/],
    ['missing stop loss', { stop_loss: undefined }, /require stop_loss.stop_price/],
    ['TP below SL', { take_profit: { limit_price: '94' } }, /take_profit.limit_price must be >/],
    [
      'stop above base',
      { type: 'limit', limit_price: '99', stop_loss: { stop_price: '98.995' } },
      /sub-penny/,
    ],
    [
      'stop at base',
      { type: 'limit', limit_price: '99', stop_loss: { stop_price: '99' } },
      /base_price - 0.01/,
    ],
    ['oto with two legs', { order_class: 'oto' }, /exactly one/],
  ];
  for (const [name, change, message] of cases) {
    it(`refuses a ${name} with 422`, async () => {
      const res = await raw(ex, 'POST', '/v2/orders', bracket(change));
      expect(res.status).toBe(422);
      expect(res.body.code).toBe(42210000);
      expect(res.body.message).toMatch(message);
    });
  }

  it('reports the base price with a base-price refusal', async () => {
    const res = await raw(ex, 'POST', '/v2/orders', bracket({ stop_loss: { stop_price: '100.02' } }));
    expect(res.body).toMatchObject({
      message: 'stop_loss.stop_price must be <= base_price - 0.01',
      base_price: '100.02',
    });
  });

  it('names the offending field in the sub-penny message', async () => {
    const res = await raw(
      ex,
      'POST',
      '/v2/orders',
      bracket({ take_profit: { limit_price: '746.96416125' } }),
    );
    expect(res.body.message).toBe(
      'invalid take_profit.limit_price 746.96416125. sub-penny increment does not fulfill minimum pricing criteria',
    );
    const cheap = await raw(ex, 'POST', '/v2/orders', {
      symbol: 'PNNY',
      qty: '10',
      side: 'buy',
      type: 'limit',
      limit_price: '0.12345',
      time_in_force: 'day',
    });
    expect(cheap.body.message).toMatch(/^invalid limit_price 0.12345\. sub-penny/);
  });

  it('accepts an OTO with only a stop and an OCO exit on a position', async () => {
    const oto = await raw(ex, 'POST', '/v2/orders', bracket({ order_class: 'oto', take_profit: undefined }));
    expect(oto.body.legs.map((l: { type: string }) => l.type)).toEqual(['stop']);
    ex.setQuote('AAPL', 101, 101.02);
    await raw(ex, 'DELETE', `/v2/orders/${oto.body.legs[0].id}`);
    const oco = await raw(ex, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'sell',
      type: 'limit',
      time_in_force: 'gtc',
      order_class: 'oco',
      take_profit: { limit_price: '120' },
      stop_loss: { stop_price: '90' },
    });
    expect(oco.status).toBe(200);
    expect([oco.body.limit_price, oco.body.legs[0].stop_price]).toEqual(['120', '90']);
  });

  it('refuses a reused client order id (even after cancel) and one longer than 128', async () => {
    const first = await raw(ex, 'POST', '/v2/orders', {
      ...bracket({ type: 'limit', limit_price: '99' }),
      client_order_id: 'dup-1',
    });
    await raw(ex, 'DELETE', `/v2/orders/${first.body.id}`);
    const again = await raw(ex, 'POST', '/v2/orders', { ...bracket(), client_order_id: 'dup-1' });
    expect(again).toMatchObject({
      status: 422,
      body: { code: 40010001, message: 'client_order_id must be unique' },
    });
    const long = await raw(ex, 'POST', '/v2/orders', { ...bracket(), client_order_id: 'x'.repeat(129) });
    expect(long.body.message).toBe('client_order_id must be no more than 128 characters');
  });
});

describe('checks of a new order among many finished ones', () => {
  it('see only the orders still open: wash trades, buying power and shares held', async () => {
    const exchange = await SimExchange.start({ account: { cash: 10_000 } });
    try {
      exchange.setQuote('AAPL', 100, 100.02);
      const limit = (side: string, price: string, qty = '10') => ({
        symbol: 'AAPL',
        qty,
        side,
        type: 'limit',
        time_in_force: 'day',
        limit_price: price,
      });
      // Forty resting buys, each 1,000 of buying power at most, cancelled one after another.
      for (let i = 0; i < 40; i++) {
        const placed = await raw(exchange, 'POST', '/v2/orders', limit('buy', '90'));
        expect(placed.status).toBe(200);
        expect((await raw(exchange, 'DELETE', `/v2/orders/${placed.body.id}`)).status).toBe(204);
      }
      // Cancelled buys reserve nothing and cannot be traded against: a crossing sell is no wash
      // trade. Shorting is refused on this account, so a sell needs shares: buy 10 first.
      const bought = await raw(exchange, 'POST', '/v2/orders', {
        ...limit('buy', '101'),
        type: 'market',
        limit_price: undefined,
      });
      expect(bought.status).toBe(200);
      exchange.setQuote('AAPL', 100, 100.02); // the next quote fills it
      expect((await raw(exchange, 'GET', `/v2/orders/${bought.body.id}`)).body.status).toBe('filled');
      const sell = await raw(exchange, 'POST', '/v2/orders', limit('sell', '89'));
      expect(sell.status).toBe(200);
      // The open sell holds the 10 shares; a second sell of them is refused as held for it.
      const again = await raw(exchange, 'POST', '/v2/orders', limit('sell', '150'));
      expect(again.status).toBe(403);
      expect(again.body.held_for_orders).toBe('10');
      expect(again.body.related_orders).toEqual([sell.body.id]);
      // A buy crossing the open sell is a wash trade; one below it is not.
      const wash = await raw(exchange, 'POST', '/v2/orders', limit('buy', '95'));
      expect(wash.status).toBe(403);
      expect(wash.body.existing_order_id).toBe(sell.body.id);
      expect((await raw(exchange, 'POST', '/v2/orders', limit('buy', '88', '1'))).status).toBe(200);
      // Buying power counts the open buy only: 9,000 cash left less 88 reserved.
      const tooBig = await raw(exchange, 'POST', '/v2/orders', limit('buy', '80', '112'));
      expect(tooBig.status).toBe(403);
      expect(tooBig.body.message).toBe('insufficient buying power');
      expect(Number(tooBig.body.buying_power)).toBeCloseTo(10_000 - 10 * 100.02 - 88, 2);
    } finally {
      await exchange.close();
    }
  });
});
