import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { randomWalkFeed } from '../../src/broker/sim/price-feed.ts';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { eventually, raw } from './harness.ts';

const open: SimExchange[] = [];
async function start(options: Parameters<typeof SimExchange.start>[0] = {}): Promise<SimExchange> {
  const ex = await SimExchange.start(options);
  open.push(ex);
  return ex;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((ex) => ex.close()));
});

describe('authentication and rate limits', () => {
  it('answers 401 without key headers and 403 for wrong ones', async () => {
    const ex = await start();
    const none = await fetch(`${ex.url}/v2/account`);
    expect(none.status).toBe(401);
    const wrong = await raw(ex, 'GET', '/v2/account', undefined, { 'APCA-API-SECRET-KEY': 'nope' });
    expect(wrong.status).toBe(403);
  });

  it('answers 429 with X-RateLimit headers once the window is used up', async () => {
    const ex = await start({ rateLimit: { limit: 2, windowMs: 600_000 } });
    const first = await raw(ex, 'GET', '/v2/clock');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    await raw(ex, 'GET', '/v2/clock');
    const third = await raw(ex, 'GET', '/v2/clock');
    expect(third.status).toBe(429);
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(third.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('account and positions', () => {
  it('marks positions at the latest quote and keeps buying power cash-based at 1x', async () => {
    const ex = await start({ account: { cash: 10_000 } });
    ex.setQuote('AAPL', 100, 100.02);
    await raw(ex, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    ex.setQuote('AAPL', 100, 100);
    ex.setQuote('AAPL', 110, 110);
    const [position] = (await raw(ex, 'GET', '/v2/positions')).body;
    expect(position).toMatchObject({
      symbol: 'AAPL',
      qty: '10',
      avg_entry_price: '100',
      market_value: '1100',
      unrealized_pl: '100',
      side: 'long',
    });
    const account = (await raw(ex, 'GET', '/v2/account')).body;
    expect(account).toMatchObject({ cash: '9000', equity: '10100', buying_power: '9000', multiplier: '1' });
    expect(account).not.toHaveProperty('pattern_day_trader');
  });

  it('uses the margin multiplier for buying power when configured', async () => {
    const ex = await start({ account: { cash: 10_000, multiplier: 2 } });
    expect((await raw(ex, 'GET', '/v2/account')).body.buying_power).toBe('20000');
  });

  it('answers 404 position does not exist for a flat symbol', async () => {
    const ex = await start();
    const res = await raw(ex, 'GET', '/v2/positions/AAPL');
    expect(res).toMatchObject({ status: 404, body: { code: 40410000, message: 'position does not exist' } });
  });
});

describe('market replay and the clock', () => {
  it('replays a seeded random walk identically and steps the manual clock to each event', async () => {
    const feed = () =>
      randomWalkFeed({ symbols: { AAPL: 100, MSFT: 300 }, seed: 7, startMs: 1_000_000, steps: 3 });
    const a = [...feed()];
    expect([...feed()]).toEqual(a);
    const ex = await start({ feed: feed(), clock: { mode: 'manual', startMs: 0 } });
    const event = await ex.step();
    expect(event).toEqual(a[0]);
    expect(ex.clock.now()).toBe(1_000_000);
    await ex.advanceTo(1_002_000);
    const quotes = (await raw(ex, 'GET', '/v2/stocks/quotes/latest?symbols=AAPL,MSFT')).body.quotes;
    expect(quotes.AAPL.bp).toBe((a[4] as { bid: number }).bid);
    expect(quotes.MSFT.ap).toBe((a[5] as { ask: number }).ask);
  });

  it('runs the clock in accelerated real time', async () => {
    const ex = await start({ clock: { mode: 'real', startMs: 0, speed: 1000 } });
    await eventually(() => ex.clock.now() > 50_000, 'the accelerated clock to pass 50 s');
  });

  it('lets another process drive quotes, the clock and faults through /admin', async () => {
    const ex = await start();
    expect((await raw(ex, 'POST', '/admin/quotes', { symbol: 'TSLA', bid: 200, ask: 200.1 })).status).toBe(
      200,
    );
    const quote = await raw(ex, 'GET', '/v2/stocks/TSLA/quotes/latest');
    expect(quote.body).toMatchObject({ symbol: 'TSLA', quote: { bp: 200, ap: 200.1 } });
    const before = ex.clock.now();
    await raw(ex, 'POST', '/admin/clock', { advanceBy: 60_000 });
    expect(ex.clock.now()).toBe(before + 60_000);
    const added = await raw(ex, 'POST', '/admin/faults', {
      kind: 'error',
      status: 503,
      count: 1,
      match: { path: '/v2/clock' },
    });
    expect(added.status).toBe(201);
    expect((await raw(ex, 'GET', '/v2/clock')).status).toBe(503);
    expect((await raw(ex, 'GET', '/v2/clock')).status).toBe(200);
    expect((await raw(ex, 'POST', '/admin/faults', { kind: 'nonsense' })).status).toBe(400);
    await raw(ex, 'POST', '/admin/faults', { kind: 'latency', ms: 1 });
    expect((await raw(ex, 'GET', '/admin/faults')).body).toHaveLength(1);
    expect((await raw(ex, 'DELETE', '/admin/faults')).status).toBe(204);
    expect((await raw(ex, 'GET', '/admin/faults')).body).toEqual([]);
  });

  it('expires open day orders at the close', async () => {
    const ex = await start();
    ex.setQuote('AAPL', 100, 100.02);
    const order = await raw(ex, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '90',
      time_in_force: 'day',
    });
    expect((await raw(ex, 'POST', '/admin/expire-day')).body).toEqual({ expired: 1 });
    expect((await raw(ex, 'GET', `/v2/orders/${order.body.id}`)).body.status).toBe('expired');
  });
});

describe('the trade_updates stream', () => {
  it('authenticates, listens and sends events in binary frames', async () => {
    const ex = await start();
    ex.setQuote('AAPL', 100, 100.02);
    const ws = new WebSocket(ex.streamUrl);
    const frames: Array<{ binary: boolean; message: { stream: string; data: Record<string, unknown> } }> = [];
    ws.on('message', (data, binary) => frames.push({ binary, message: JSON.parse(String(data)) }));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ action: 'authenticate', data: { key_id: ex.keyId, secret_key: ex.secretKey } }));
    ws.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
    await eventually(() => frames.length === 2, 'authorization and listening');
    await raw(ex, 'POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    ex.setQuote('AAPL', 100, 100.02);
    await eventually(() => frames.length === 4, 'new and fill');
    ws.close();
    expect(frames.every((f) => f.binary)).toBe(true);
    expect(frames.map((f) => f.message.stream)).toEqual([
      'authorization',
      'listening',
      'trade_updates',
      'trade_updates',
    ]);
    expect(frames[0]!.message.data).toEqual({ status: 'authorized', action: 'authenticate' });
    expect(frames[3]!.message.data).toMatchObject({
      event: 'fill',
      price: '100.02',
      qty: '1',
      position_qty: '1',
    });
  });

  it('refuses wrong stream credentials', async () => {
    const ex = await start();
    const ws = new WebSocket(ex.streamUrl);
    const messages: unknown[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise((resolve) => ws.once('close', resolve));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ action: 'authenticate', data: { key_id: 'x', secret_key: 'y' } }));
    await closed;
    expect(messages).toEqual([
      { stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate' } },
    ]);
  });
});

describe('fault injection', () => {
  it('fails a seeded fraction of matching requests, the same way for the same seed', async () => {
    const run = async () => {
      const ex = await start();
      ex.faults.add({
        kind: 'error',
        status: 500,
        probability: 0.5,
        seed: 42,
        match: { method: 'GET', path: '/v2/clock' },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await raw(ex, 'GET', '/v2/clock')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });

  it('adds latency and refuses malformed faults', async () => {
    const ex = await start();
    const id = ex.faults.add({ kind: 'latency', ms: 5, count: 1 });
    expect(ex.faults.list().map((f) => f.id)).toEqual([id]);
    await raw(ex, 'GET', '/v2/clock');
    expect(ex.faults.list()).toEqual([]);
    expect(() => ex.faults.add({ kind: 'error', status: 302 })).toThrow(/4xx .* or 5xx/);
    expect(() => ex.faults.add({ kind: 'partial-fill', fraction: 1 })).toThrow(/fraction/);
  });
});
