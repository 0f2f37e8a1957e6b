import { OrdersApi, trading } from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, failure, type Rig, startRig } from './harness.ts';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
}, 60_000);
afterEach(async () => {
  await rig.close();
});

function simOrder(clientOrderId: string) {
  return [...rig.sim.venue.state.orders.values()].find((o) => o.clientOrderId === clientOrderId);
}

describe('orders through the gateway with the official Alpaca SDK', () => {
  it('sends a bracket entry to the exchange with both legs', async () => {
    const orders = new OrdersApi(rig.sdk());
    const placed = await orders.bracket({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      limitPrice: 100.5,
      timeInForce: 'gtc',
      clientOrderId: 'br-1',
      takeProfit: { limitPrice: 110 },
      stopLoss: { stopPrice: 95 },
    });
    expect(placed.orderClass).toBe('bracket');
    expect(placed.legs?.length).toBe(2);
    const atExchange = await new OrdersApi(
      new trading.Configuration({ basePath: rig.sim.url, keyId: rig.sim.keyId, secret: rig.sim.secretKey }),
    ).getOrderByClientOrderId({ clientOrderId: 'br-1' });
    const full = await new OrdersApi(
      new trading.Configuration({ basePath: rig.sim.url, keyId: rig.sim.keyId, secret: rig.sim.secretKey }),
    ).getOrderByOrderID({ orderId: atExchange.id!, nested: true });
    expect(full.legs?.map((l) => [l.type, String(l.stopPrice ?? l.limitPrice)]).sort()).toEqual([
      ['limit', '110'],
      ['stop', '95'],
    ]);
  }, 60_000);

  it('attaches a protective stop to an entry sent without one', async () => {
    const placed = await new OrdersApi(rig.sdk()).market({
      symbol: 'AAPL',
      qty: 10,
      side: 'buy',
      timeInForce: 'day',
      clientOrderId: 'naked-1',
    });
    expect(placed.orderClass).toBe('oto');
    const stop = placed.legs?.find((l) => l.type === 'stop');
    expect(Number(stop?.stopPrice)).toBeLessThan(100);
    expect(Number(stop?.stopPrice)).toBeGreaterThan(90);
    expect(simOrder('naked-1')).toBeDefined();
  }, 60_000);

  it('denies an entry without a stop once the profile says deny, with a 403 carrying the code', async () => {
    const profile = (await rig.http('GET', '/v1/profile')).body.profile;
    const change = await rig.http(
      'PUT',
      '/v1/profile',
      {
        profile: { ...profile, protectiveStop: { required: true, policy: 'deny' } },
        reason: 'stops must come from the bot',
      },
      rig.officer,
    );
    expect(change.status).toBe(200);
    expect(change.body.diff.some((d: { path: string }) => d.path.startsWith('protectiveStop'))).toBe(true);
    const denied = await failure(
      new OrdersApi(rig.sdk()).market({ symbol: 'AAPL', qty: 10, side: 'buy', timeInForce: 'day' }),
    );
    expect(denied.status).toBe(403);
    const raw = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(raw.body.code).toBe(40310000);
    expect(raw.body.message).toMatch(/^riskgate: PROTECTIVE_STOP_REQUIRED/);
    expect(raw.body.riskgate.violations[0].code).toBe('PROTECTIVE_STOP_REQUIRED');
    const audit = await rig.http('GET', '/v1/audit?kind=profile-change');
    expect(audit.body.events[0].actor).toBe(rig.officer.key.keyId);
    // A trader may not change limits.
    const byTrader = await rig.http('PUT', '/v1/profile', { profile, reason: 'loosen' }, rig.trader);
    expect(byTrader.status).toBe(403);
  }, 60_000);

  it('never creates a second order for a repeated client order id', async () => {
    const body = {
      symbol: 'AAPL',
      qty: '5',
      side: 'buy',
      type: 'limit',
      limit_price: '99',
      time_in_force: 'day',
      client_order_id: 'dup-1',
    };
    const [a, b] = await Promise.all([
      rig.http('POST', '/v2/orders', body),
      rig.http('POST', '/v2/orders', body),
    ]);
    const c = await rig.http('POST', '/v2/orders', body);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
    const posts = rig.sim.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === 'dup-1',
    );
    expect(posts).toHaveLength(1);
  }, 60_000);

  it('moves to reducing on a daily-loss breach: entries are denied with the code, exits pass', async () => {
    const orders = new OrdersApi(rig.sdk());
    await orders.bracket({
      symbol: 'AAPL',
      qty: 100,
      side: 'buy',
      limitPrice: 100.5,
      timeInForce: 'gtc',
      takeProfit: { limitPrice: 150 },
      stopLoss: { stopPrice: 50 },
    });
    rig.sim.setQuote('AAPL', 100, 100.02); // fills
    await eventually(
      async () => (await rig.http('GET', '/v1/state')).body.positions.length === 1,
      'the position',
    );
    rig.sim.setQuote('AAPL', 85, 85.02); // −1500 on the day
    await eventually(
      async () => (await rig.http('GET', '/v1/state')).body.tradingState.state === 'reducing',
      'reducing',
    );
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.tradingState.code).toBe('DAILY_LOSS_LIMIT');
    const denied = await rig.http('POST', '/v2/orders', {
      symbol: 'MSFT',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(denied.status).toBe(403);
    expect(denied.body.riskgate.violations.map((v: { code: string }) => v.code)).toContain(
      'TRADING_REDUCING',
    );
    const closed = await new trading.PositionsApi(rig.sdk()).deleteOpenPosition({ symbolOrAssetId: 'AAPL' });
    expect(closed.side).toBe('sell');
    const alerts = await rig.http('GET', '/v1/audit?kind=trading-state');
    expect(alerts.status).toBe(200);
  }, 60_000);

  it('cancels every working order with the kill switch and reports the acknowledgement time', async () => {
    const orders = new OrdersApi(rig.sdk());
    await orders.limit({ symbol: 'AAPL', qty: 5, side: 'buy', limitPrice: 99, timeInForce: 'day' });
    await orders.limit({ symbol: 'MSFT', qty: 2, side: 'buy', limitPrice: 390, timeInForce: 'day' });
    const kill = await rig.http('POST', '/v1/kill', { reason: 'test' });
    expect(kill.status).toBe(200);
    expect(kill.body.acknowledged).toBe(true);
    expect(kill.body.ackMs).toBeGreaterThan(0);
    expect(kill.body.state.state).toBe('halted');
    const open = [...rig.sim.venue.state.orders.values()].filter(
      (o) => o.status === 'new' || o.status === 'accepted' || o.status === 'held',
    );
    expect(open).toEqual([]);
    const again = await rig.http('POST', '/v2/orders', {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(again.body.riskgate.violations.map((v: { code: string }) => v.code)).toContain('TRADING_HALTED');
  }, 60_000);
});
