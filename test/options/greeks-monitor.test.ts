import { describe, expect, it } from 'vitest';
import { fill, order, T0 } from '../support/engine-fixtures.ts';
import { AAPL_JUN_C100, expectedGreeks, MSFT_JUN_C200, optionsEngine } from '../support/options-fixtures.ts';

const tenCalls = (price = 100, extra: { time?: number; iv?: number } = {}) =>
  expectedGreeks('AAPL', price, [[AAPL_JUN_C100, 10]], extra);

describe('GREEKS_LIMIT monitoring breaker', () => {
  it('trips (latched) when an underlying move pushes the positions beyond a limit', () => {
    const limit = tenCalls(100).sharesDelta + 10;
    const { engine } = optionsEngine({ limits: { netDelta: { shares: limit } }, monitor: {} });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    expect(engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100.1 }).trips).toEqual([]);
    const { trips } = engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 101 });
    expect(trips).toMatchObject([
      {
        breakerId: 'greeks-monitor',
        code: 'GREEKS_LIMIT',
        action: 'reducing',
        message: `GREEKS_LIMIT: NET_DELTA_EXCEEDED underlying=AAPL netDeltaShares=${tenCalls(101).sharesDelta.toFixed(2)} limit=${limit.toFixed(2)}`,
        values: { limitCode: 'NET_DELTA_EXCEEDED', underlying: 'AAPL', limit },
      },
    ]);
    expect(engine.tradingState).toBe('reducing');
    expect(engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 102 }).trips).toEqual([]);
    // In reducing, closing passes and adding does not.
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'sell', 5), { dryRun: true }).kind).toBe(
      'accept',
    );
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), { dryRun: true }).kind).toBe('deny');
  });

  it('takes the configured action, and watches the totals', () => {
    const { engine } = optionsEngine({ limits: { vega: { total: 1 } }, monitor: { action: 'halted' } });
    fill(engine, order('MSFT', 'buy', 10), 200);
    expect(engine.onMarket({ kind: 'mark', symbol: 'MSFT', time: T0, price: 201 }).trips).toEqual([]); // stock has no vega
    const { trips } = fill(engine, order(MSFT_JUN_C200.symbol, 'buy', 1), 5);
    expect(trips.map((t) => [t.code, t.action])).toEqual([['GREEKS_LIMIT', 'halted']]);
    expect(engine.tradingState).toBe('halted');
    expect(trips[0]?.message).toMatch(
      /^GREEKS_LIMIT: VEGA_EXCEEDED scope=portfolio dollarVega=\d+\.\d\d limit=1\.00$/,
    );
    expect(fill(engine, order('AAPL', 'buy', 1), 100).trips).toEqual([]); // latched: no second trip
  });

  it('flatten: the trip asks to close every position', () => {
    const { engine } = optionsEngine({ limits: { gamma: { perUnderlying: 1 } }, monitor: { flatten: true } });
    fill(engine, order('AAPL', 'buy', 10), 100);
    const result = fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 1), 5);
    expect(result.trips.map((t) => t.code)).toEqual(['GREEKS_LIMIT']);
    expect(result.exits.map((e) => [e.symbol, e.side, e.qty, e.reason])).toEqual([
      ['AAPL', 'sell', 10, 'breaker_flatten'],
      [AAPL_JUN_C100.symbol, 'sell', 1, 'breaker_flatten'],
    ]);
  });

  it('follows implied volatility changes', () => {
    const limit = tenCalls(100, { iv: 0.25 }).dollarGamma * 1.1;
    const { engine } = optionsEngine({ limits: { gamma: { perUnderlying: limit } }, monitor: {} });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    expect(
      engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: 0.24 }).trips,
    ).toEqual([]);
    const { trips } = engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: 0.15 });
    expect(trips.map((t) => t.values.limitCode)).toEqual(['GAMMA_EXCEEDED']);
  });

  it('follows time: theta decay grows toward expiry', () => {
    const later = T0 + 80 * 86_400_000;
    const limit = (-tenCalls(100).dollarThetaPerDay - tenCalls(100, { time: later }).dollarThetaPerDay) / 2;
    const { engine, clock } = optionsEngine({
      limits: { thetaPerDay: { perUnderlying: limit } },
      monitor: {},
    });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    expect(engine.tradingState).toBe('active');
    clock.set(later);
    const { trips } = engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: later, price: 100 });
    expect(trips.map((t) => t.values.limitCode)).toEqual(['THETA_EXCEEDED']);
  });

  it('after a reset, checks every underlying again and trips while still beyond the limit', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 500 } }, monitor: {} });
    fill(engine, order('AAPL', 'buy', 600), 100);
    expect(engine.tradingState).toBe('reducing');
    engine.reset('risk-officer', 'looked at it');
    // A tick of another underlying is enough to find AAPL still beyond the limit.
    expect(engine.onMarket({ kind: 'mark', symbol: 'MSFT', time: T0, price: 201 }).trips.length).toBe(1);
    engine.reset('risk-officer', 'closing it');
    fill(engine, order('AAPL', 'sell', 200), 100);
    expect(engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 101 }).trips).toEqual([]);
    expect(engine.tradingState).toBe('active');
  });

  it('does not trip on positions it cannot value yet', () => {
    const { engine } = optionsEngine(
      { limits: { netDelta: { shares: 1 } }, monitor: {} },
      {},
      { marks: false },
    );
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5); // no volatility known
    expect(engine.tradingState).toBe('active');
    const { trips } = engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: 0.25 });
    expect(trips.map((t) => t.code)).toEqual(['GREEKS_LIMIT']);
  });

  it('exists only when options.monitor is set', () => {
    const without = optionsEngine({ limits: { netDelta: { shares: 1 } } }).engine;
    expect(without.snapshot().breakers.map((b) => b.id)).not.toContain('greeks-monitor');
    fill(without, order('AAPL', 'buy', 10), 100);
    expect(without.tradingState).toBe('active');
  });
});
