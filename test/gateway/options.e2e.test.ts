/**
 * Options through the gateway on the official SDK: single-leg option orders pass the engine
 * with the profile's Greeks limits, a denial names the Greek, the portfolio's figure and the
 * limit, a closing order passes while the account is `reducing`, and `GET /v1/greeks` sums to
 * what the project's BSM gives over the same positions.
 */
import { OrdersApi } from '@alpacahq/alpaca-trade-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsmGreeks } from '../../src/core/options/black-scholes.ts';
import { expiryEpochMs, yearFraction } from '../../src/core/options/expiry-time.ts';
import { DEFAULT_VOLATILITY_SURFACE, surfaceVolatility } from '../../src/core/options/volatility-surface.ts';
import { eventually, failure, type Rig, startRig } from './harness.ts';

const CALL = 'AAPL270115C00200000';

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 30000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 40 }
    options:
      rate: 0.04
      limits:
        netDelta: { shares: 300 }
        contracts: { perUnderlying: 20 }
      monitor: { action: reducing }
`;

describe('option orders through the gateway', () => {
  let rig: Rig;
  let orders: OrdersApi;

  beforeAll(async () => {
    rig = await startRig({ profile: PROFILE });
    rig.sim.setQuote('AAPL', 199.99, 200.01);
    orders = new OrdersApi(rig.sdk());
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  const position = () => rig.sim.venue.state.ledger.positionQty(CALL);
  /** The exchange fills market orders on the next quote of the underlying. */
  const tickAapl = () => rig.sim.setQuote('AAPL', 199.99, 200.01);

  it('accepts an option buy within the limits and books it with the 100 multiplier', async () => {
    const cashBefore = rig.sim.venue.state.ledger.cash;
    const order = await orders.market({ symbol: CALL, qty: 5, side: 'buy', timeInForce: 'day' });
    expect(order.symbol).toBe(CALL);
    await eventually(() => {
      tickAapl();
      return position() === 5;
    }, 'the option fill');
    const filled = rig.sim.venue.state.orders.get(order.id!)!;
    expect(rig.sim.venue.state.ledger.cash).toBeCloseTo(cashBefore - filled.filledAvgPrice! * 5 * 100, 6);
    // The gateway's book holds the contracts, valued as options.
    const greeks = await eventually(async () => {
      const r = await rig.http('GET', '/v1/greeks');
      return r.body.positions.length === 1 && r.body.positions[0].qty === 5 ? r.body : undefined;
    }, 'the position in /v1/greeks');
    // Protected like any position: the broker takes no bracket on an option, so the gateway's
    // own stop follows the fill.
    const stop = await eventually(
      () =>
        [...rig.sim.venue.state.orders.values()].find(
          (o) => o.symbol === CALL && o.type === 'stop' && o.status === 'new',
        ),
      'the protective stop of the option',
    );
    expect(stop).toMatchObject({ side: 'sell', qty: 5 });
    expect(greeks.positions[0]).toMatchObject({
      symbol: CALL,
      underlying: 'AAPL',
      expiry: '2027-01-15',
      strike: 200,
      right: 'call',
      multiplier: 100,
      status: 'live',
    });
  }, 60_000);

  it('denies a buy past the net delta limit, naming the Greek, the figure and the limit', async () => {
    const denied = await failure(orders.market({ symbol: CALL, qty: 2, side: 'buy', timeInForce: 'day' }));
    expect(denied.status).toBe(403);
    expect(denied.message).toMatch(/NET_DELTA_EXCEEDED/);
    expect(denied.message).toMatch(/netDeltaShares=\d+\.\d+/);
    expect(denied.message).toMatch(/limit=300/);
    const shares = Number(/netDeltaShares=(\d+\.\d+)/.exec(denied.message)![1]);
    expect(shares).toBeGreaterThan(300);
    expect(position()).toBe(5);
  }, 60_000);

  it('passes the broker’s option contracts through', async () => {
    const one = await rig.http('GET', `/v2/options/contracts/${CALL}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ symbol: CALL, strike_price: '200', multiplier: '100', type: 'call' });
    const listed = await rig.http(
      'GET',
      '/v2/options/contracts?underlying_symbols=AAPL&expiration_date=2027-01-15&type=put&strike_price_gte=190&strike_price_lte=210',
    );
    expect(listed.body.option_contracts.map((c: { symbol: string }) => c.symbol)).toEqual([
      'AAPL270115P00190000',
      'AAPL270115P00195000',
      'AAPL270115P00200000',
      'AAPL270115P00205000',
      'AAPL270115P00210000',
    ]);
    const bad = await rig.http('GET', '/v2/options/contracts?type=straddle&limit=0');
    expect(bad.status).toBe(422);
    expect(bad.body.riskgate.issues.map((i: { field: string }) => i.field)).toEqual(['type', 'limit']);
    expect((await rig.http('GET', '/v2/options/contracts/ZZZZ270115C00200000')).status).toBe(404);
  });

  it('refuses a multi-leg order with a 422 naming order_class and saying single-leg only', async () => {
    const r = await rig.http('POST', '/v2/orders', {
      order_class: 'mleg',
      qty: '1',
      type: 'market',
      time_in_force: 'day',
      symbol: CALL,
      side: 'buy',
    });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).toContain('order_class');
    expect(JSON.stringify(r.body)).toContain('single-leg');
  });

  it('reports totals equal to a direct BSM sum over the positions', async () => {
    const view = (await rig.http('GET', '/v1/greeks')).body;
    expect(view.enabled).toBe(true);
    let dollarDelta = 0;
    let dollarGamma = 0;
    let dollarVega = 0;
    let dollarTheta = 0;
    let value = 0;
    for (const p of view.positions) {
      const t = yearFraction(view.valuationTime, expiryEpochMs(p.expiry)!);
      const g = bsmGreeks({
        right: p.right,
        spot: p.inputs.spot,
        strike: p.strike,
        timeToExpiry: t,
        rate: 0.04,
        dividendYield: 0,
        volatility: p.inputs.volatility,
      });
      const units = p.qty * p.multiplier;
      value += g.price * units;
      dollarDelta += g.delta * p.inputs.spot * units;
      dollarGamma += ((g.gamma * p.inputs.spot ** 2) / 100) * units;
      dollarVega += (g.vega / 100) * units;
      dollarTheta += (g.theta / 365) * units;
    }
    const close = (a: number, b: number) =>
      expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
    close(view.totals.value, value);
    close(view.totals.dollarDelta, dollarDelta);
    close(view.totals.dollarGamma, dollarGamma);
    close(view.totals.dollarVega, dollarVega);
    close(view.totals.dollarThetaPerDay, dollarTheta);
    expect(view.positions[0].inputs.volatilitySource).toBe('quote');
    expect(view.positions[0].inputs.volatility).toBeGreaterThan(0.15);
    expect(view.positions[0].inputs.volatility).toBeLessThan(0.35);
    const delta = view.limits.find((l: { measure: string }) => l.measure === 'netDeltaShares');
    expect(delta).toMatchObject({ scope: 'AAPL', limit: 300 });
    expect(delta.headroom).toBeCloseTo(300 - delta.value, 9);
    // /v1/state and /metrics carry the same totals.
    const state = (await rig.http('GET', '/v1/state')).body;
    expect(state.greeks.totals.dollarDelta).toBeCloseTo(view.totals.dollarDelta, 6);
    const metrics = await (await fetch(`${rig.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/riskgate_greeks_total\{measure="dollarDelta"\} \d/);
    expect(metrics).toMatch(/riskgate_greeks_limit_headroom\{code="NET_DELTA_EXCEEDED",scope="AAPL"\}/);
  }, 60_000);

  it('streams the totals as SSE greeks events when the underlying moves', async () => {
    const abort = new AbortController();
    const response = await fetch(`${rig.gateway.url}/v1/events`, {
      headers: { 'APCA-API-KEY-ID': rig.trader.key.keyId, 'APCA-API-SECRET-KEY': rig.trader.secret },
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let price = 200.5;
    try {
      const event = await eventually(async () => {
        price += 0.01;
        rig.sim.setQuote('AAPL', price - 0.01, price + 0.01);
        const chunk = await reader.read();
        text += decoder.decode(chunk.value ?? new Uint8Array(), { stream: true });
        const match = /event: greeks\ndata: (.*)\n/.exec(text);
        return match === null ? undefined : JSON.parse(match[1]!);
      }, 'a greeks event');
      expect(event.data.totals.positions).toBe(1);
      expect(event.data.byUnderlying.AAPL.sharesDelta).toBeGreaterThan(0);
    } finally {
      abort.abort();
    }
    rig.sim.setQuote('AAPL', 199.99, 200.01);
  }, 60_000);

  it('values a position on the volatility surface while its option quotes are refused', async () => {
    const fault = rig.sim.faults.add({
      kind: 'error',
      status: 403,
      match: { method: 'GET', path: '/v1beta1/options/quotes' },
    });
    try {
      const p = await eventually(async () => {
        const view = (await rig.http('GET', '/v1/greeks')).body;
        const only = view.positions[0];
        return only?.inputs.volatilitySource === 'surface' ? { only, view } : undefined;
      }, 'the surface fallback');
      const t = yearFraction(Date.now(), expiryEpochMs('2027-01-15')!);
      const expected = surfaceVolatility(DEFAULT_VOLATILITY_SURFACE, 200, p.only.inputs.spot, t);
      expect(p.only.inputs.volatility).toBeCloseTo(expected, 3);
      // The underlying kept its marks: the stock quotes were not lost with the option feed.
      expect(Date.now() - p.only.inputs.spotTime).toBeLessThan(600_000);
    } finally {
      rig.sim.faults.remove(fault);
    }
    await eventually(async () => {
      const view = (await rig.http('GET', '/v1/greeks')).body;
      return view.positions[0]?.inputs.volatilitySource === 'quote';
    }, 'the quote volatility again');
  }, 60_000);

  it('accepts the closing option order while a Greeks breach holds the account in reducing', async () => {
    // The underlying rallies: the calls' delta passes the limit and the monitor latches reducing.
    rig.sim.setQuote('AAPL', 224.99, 225.01);
    await eventually(async () => {
      rig.sim.setQuote('AAPL', 224.99, 225.01);
      const state = (await rig.http('GET', '/v1/state')).body;
      return state.tradingState.state === 'reducing';
    }, 'the account in reducing');
    const add = await failure(orders.market({ symbol: CALL, qty: 1, side: 'buy', timeInForce: 'day' }));
    expect(add.status).toBe(403);
    const close = await orders.market({ symbol: CALL, qty: 5, side: 'sell', timeInForce: 'day' });
    expect(close.side).toBe('sell');
    await eventually(() => {
      rig.sim.setQuote('AAPL', 224.99, 225.01);
      return position() === 0;
    }, 'the option position closed');
  }, 60_000);
});
