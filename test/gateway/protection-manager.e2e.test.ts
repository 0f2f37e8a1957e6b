import { afterEach, describe, expect, it } from 'vitest';
import { FINAL } from '../../src/broker/sim/sim-order.ts';
import { eventually, type Rig, startRig } from './harness.ts';

/** Protection on with a take-profit (so attached entries are brackets), breakeven and trailing moves. */
const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 } }
    exposure: { symbol: { usd: 30000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5, takeProfitR: 2 }
    exits:
      breakeven: { afterR: 0.5 }
      trailingStop: { percent: 3 }
`;

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const STOP_TYPES = new Set(['stop', 'stop_limit', 'trailing_stop']);

/** The exchange's own view: the position and the live stops that would close it. */
function atExchange(r: Rig, symbol: string) {
  const state = r.sim.venue.state;
  const qty = state.ledger.positionQty(symbol);
  const closing = qty > 0 ? 'sell' : 'buy';
  const live = [...state.orders.values()].filter((o) => o.symbol === symbol && !FINAL.has(o.status));
  const stops = live.filter((o) => {
    if (!STOP_TYPES.has(o.type)) return false;
    if (o.status === 'held') return o.armed;
    return true;
  });
  return {
    qty,
    stops: stops.filter((o) => o.side === closing),
    covered: stops.filter((o) => o.side === closing).reduce((sum, o) => sum + o.qty - o.filledQty, 0),
    /** Live protective orders of a flat symbol: each could open a position. */
    orphans: qty === 0 ? live.filter((o) => o.clientOrderId.startsWith('rgstop') || o.role !== 'simple') : [],
  };
}

/** Waits until the position is covered by exactly one live stop for its whole quantity (or is flat and clean). */
async function protectedExactly(r: Rig, symbol: string) {
  return eventually(() => {
    const x = atExchange(r, symbol);
    if (x.qty === 0) return x.orphans.length === 0 && x.stops.length === 0 ? x : undefined;
    return x.stops.length === 1 && Math.abs(x.covered - Math.abs(x.qty)) < 1e-9 ? x : undefined;
  }, `one live stop covering the ${symbol} position at the exchange`);
}

let bid = 100;

/** A new quote at the exchange: market orders fill and stops trigger on quotes. */
function quote(r: Rig, price = bid) {
  bid = price;
  r.sim.setQuote('AAPL', price, Math.round((price + 0.02) * 100) / 100);
}

async function order(r: Rig, body: Record<string, unknown>) {
  const reply = await r.http('POST', '/v2/orders', { time_in_force: 'day', ...body });
  quote(r);
  return reply;
}

async function state(r: Rig) {
  return (await r.http('GET', '/v1/state')).body;
}

describe('the protection manager: the bot trades as at the broker, every position keeps one stop', () => {
  it('lets a plain sell close a position whose attached bracket legs hold the shares', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    expect((await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' })).status).toBe(200);
    await protectedExactly(r, 'AAPL');
    const sell = await order(r, { symbol: 'AAPL', qty: '10', side: 'sell', type: 'market' });
    expect(sell.status, JSON.stringify(sell.body)).toBe(200);
    const flat = await protectedExactly(r, 'AAPL');
    expect(flat.qty).toBe(0);
  }, 60_000);

  it('still lets a full exit through after a restart, with the protection placed before it', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
    await protectedExactly(r, 'AAPL');
    // A partial exit leaves the gateway's own standalone stop on the rest.
    await order(r, { symbol: 'AAPL', qty: '3', side: 'sell', type: 'market' });
    await eventually(() => atExchange(r, 'AAPL').qty === 7, 'the partial exit');
    await protectedExactly(r, 'AAPL');
    await r.restart();
    const sell = await order(r, { symbol: 'AAPL', qty: '7', side: 'sell', type: 'market' });
    expect(sell.status, JSON.stringify(sell.body)).toBe(200);
    expect((await protectedExactly(r, 'AAPL')).qty).toBe(0);
  }, 90_000);

  it('keeps the remainder protected after a partial exit, and the whole after an add', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    expect((await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' })).status).toBe(200);
    await protectedExactly(r, 'AAPL');
    const add = await order(r, { symbol: 'AAPL', qty: '5', side: 'buy', type: 'market' });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    await eventually(() => atExchange(r, 'AAPL').qty === 15, 'the add');
    expect((await protectedExactly(r, 'AAPL')).covered).toBe(15);
    const partial = await order(r, { symbol: 'AAPL', qty: '4', side: 'sell', type: 'market' });
    expect(partial.status, JSON.stringify(partial.body)).toBe(200);
    await eventually(() => atExchange(r, 'AAPL').qty === 11, 'the partial exit');
    expect((await protectedExactly(r, 'AAPL')).covered).toBe(11);
  }, 60_000);

  it('protects the shares of a working limit exit with its stop, and restores everything when it is cancelled', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
    await protectedExactly(r, 'AAPL');
    const exit = await order(r, {
      symbol: 'AAPL',
      qty: '10',
      side: 'sell',
      type: 'limit',
      limit_price: '103',
    });
    expect(exit.status, JSON.stringify(exit.body)).toBe(200);
    expect(exit.body.client_order_id).toBeDefined();
    await protectedExactly(r, 'AAPL');
    expect((await r.http('DELETE', `/v2/orders/${exit.body.id}`)).status).toBe(204);
    const after = await protectedExactly(r, 'AAPL');
    expect(after.qty).toBe(10);
    // The gateway's own protection again (a stop, or the stop leg of its OCO).
    const stop = after.stops[0]!;
    const owner = stop.parentId === undefined ? stop : r.sim.venue.state.orders.get(stop.parentId)!;
    expect(owner.clientOrderId.startsWith('rgstop')).toBe(true);
  }, 60_000);

  it('replaces a rejected stop leg although the take-profit leg held the shares', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    r.sim.faults.add({ kind: 'reject-stop-leg', symbol: 'AAPL', count: 1 });
    expect((await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' })).status).toBe(200);
    const x = await protectedExactly(r, 'AAPL');
    expect(x.qty).toBe(10);
    expect((await state(r)).tradingState.state).toBe('active');
  }, 60_000);

  it('counts the grace period from the loss of the stop, not from the entry', async () => {
    rig = await startRig({ profile: PROFILE, flags: { stopGraceMs: '1500' } });
    bid = 100;
    const r = rig;
    await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
    await protectedExactly(r, 'AAPL');
    // Older than the grace period, then its stop is cancelled (by hand, at the exchange).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stop = (await protectedExactly(r, 'AAPL')).stops[0]!;
    r.sim.venue.cancel(stop.id);
    await eventually(
      () => atExchange(r, 'AAPL').stops.length === 0 || undefined,
      'the cancel at the exchange',
    ).catch(() => undefined);
    await protectedExactly(r, 'AAPL');
    // Replaced well within the grace: nothing tripped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await state(r)).tradingState.state).toBe('active');
  }, 60_000);

  it('converges the broker stop to the engine level after breakeven and trailing moves on one price', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
    await protectedExactly(r, 'AAPL');
    // Slow replaces at the broker, then two quick jumps that each move the stop (breakeven after
    // +R/2, the 3% trailing stop) while the first move is still on its way, and a price that holds.
    r.sim.faults.add({ kind: 'latency', ms: 400, match: { method: 'PATCH' } });
    quote(r, 102.7);
    await new Promise((resolve) => setTimeout(resolve, 150));
    quote(r, 104.2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const engineStop = await eventually(async () => {
      const s = await state(r);
      return s.positions.find((p: { symbol: string }) => p.symbol === 'AAPL')?.stop as number | undefined;
    }, 'the engine stop');
    let last = '';
    await eventually(async () => {
      const engine = (await state(r)).positions.find((p: { symbol: string }) => p.symbol === 'AAPL')?.stop;
      const x = atExchange(r, 'AAPL');
      last = `engine ${engine}, broker ${x.stops.map((o) => o.stopPrice).join(',')}`;
      return x.stops.length === 1 && Math.abs((x.stops[0]?.stopPrice ?? 0) - engine) < 0.011;
    }, 'the broker stop at the engine level').catch((error: Error) => {
      throw new Error(`${error.message}: ${last}`);
    });
    expect(engineStop).toBeGreaterThan(99);
  }, 120_000);

  it('answers a replace of a filled order with 422, as the broker does', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    const buy = await order(r, { symbol: 'AAPL', qty: '1', side: 'buy', type: 'limit', limit_price: '101' });
    await eventually(() => atExchange(r, 'AAPL').qty === 1, 'the fill');
    const replaced = await r.http('PATCH', `/v2/orders/${buy.body.id}`, { limit_price: '100.5' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(422);
    expect(replaced.body.message).toContain('filled');
    expect((await state(r)).workingOrders).toEqual([]);
  }, 60_000);

  it('leaves no phantom working order when the broker refuses a replace because the order died meanwhile', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    const buy = await order(r, { symbol: 'AAPL', qty: '2', side: 'buy', type: 'limit', limit_price: '90' });
    expect(buy.status).toBe(200);
    expect((await state(r)).workingOrders).toHaveLength(1);
    // The replace reaches the exchange late; by then the order has been cancelled there.
    r.sim.faults.add({ kind: 'latency', ms: 600, match: { method: 'PATCH' } });
    const replacing = r.http('PATCH', `/v2/orders/${buy.body.id}`, { limit_price: '91' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    r.sim.venue.cancel(buy.body.id);
    const replaced = await replacing;
    expect(replaced.status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await state(r)).workingOrders).toEqual([]);
  }, 60_000);

  it('refuses a repeated client order id with a different body', async () => {
    rig = await startRig({ profile: PROFILE });
    bid = 100;
    const r = rig;
    const first = await order(r, {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'limit',
      limit_price: '90',
      client_order_id: 'same-id',
    });
    expect(first.status).toBe(200);
    const other = await order(r, {
      symbol: 'AAPL',
      qty: '3',
      side: 'buy',
      type: 'limit',
      limit_price: '90',
      client_order_id: 'same-id',
    });
    expect(other.status).toBe(422);
    expect(JSON.stringify(other.body)).toContain('client_order_id');
  }, 60_000);
});

describe('orders the bot was told about are never forgotten', () => {
  it('sends an order whose intent was recorded but never reached the broker when its id is retried', async () => {
    rig = await startRig({ profile: PROFILE });
    const r = rig;
    bid = 100;
    // What a crash between recording the intent and the POST leaves behind.
    await r.gateway.store.orders.recordIntent(
      {
        clientOrderId: 'never-sent',
        symbol: 'AAPL',
        side: 'buy',
        qty: 2,
        type: 'limit',
        limitPrice: 90,
        timeInForce: 'day',
      },
      { at: Date.now() },
    );
    const retry = await order(r, {
      symbol: 'AAPL',
      qty: '2',
      side: 'buy',
      type: 'limit',
      limit_price: '90',
      client_order_id: 'never-sent',
    });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.status).not.toBe('rejected');
    expect(r.sim.venue.getByClientId('never-sent').status).toBe('new');
  }, 60_000);

  it('alerts and sends again an exit that was answered as queued and then failed at the broker', async () => {
    rig = await startRig({ profile: PROFILE, circuit: { failureThreshold: 3, halfOpenAfterMs: 1_500 } });
    const r = rig;
    bid = 100;
    await order(r, { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
    await protectedExactly(r, 'AAPL');
    const outage = r.sim.faults.add({ kind: 'error', status: 503 });
    await eventually(
      async () => (await state(r)).health.broker.circuit === 'open',
      'the circuit to open',
      30_000,
    );
    const exit = await order(r, {
      symbol: 'AAPL',
      qty: '4',
      side: 'sell',
      type: 'market',
      client_order_id: 'queued-then-refused',
    });
    expect(exit.status).toBe(200);
    expect(exit.body.riskgate?.queued).toBe(true);
    // The broker comes back, but refuses that exit once.
    r.sim.faults.remove(outage);
    r.sim.faults.add({ kind: 'error', status: 403, count: 1, match: { method: 'POST', path: '/v2/orders' } });
    await eventually(() => r.logs.some((line) => line.includes('QUEUED_EXIT_FAILED')), 'the alert', 30_000);
    await eventually(
      () => {
        quote(r);
        return atExchange(r, 'AAPL').qty === 6;
      },
      'the exit sent again',
      30_000,
    );
    expect((await protectedExactly(r, 'AAPL')).covered).toBe(6);
  }, 90_000);
});
