import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.ts';
import { fill, order, T0 } from '../support/engine-fixtures.ts';
import { AAPL_JUN_C100, AAPL_JUN_P100, expectedGreeks, optionsEngine } from '../support/options-fixtures.ts';

const dry = { dryRun: true } as const;
const messages = (d: Decision) =>
  d.kind === 'deny' ? d.violations.map((v) => `${v.code}: ${v.message}`) : [`${d.kind}:${d.effect}`];
const money = (n: number) => n.toFixed(2);

describe('the what-if portfolio', () => {
  it('is the positions plus the order', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    fill(engine, order('AAPL', 'buy', 600), 100);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 400), dry))).toEqual(['accept:increase']);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 500), dry))).toEqual([
      'NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=1100.00 limit=1000.00 before=600.00',
    ]);
    // Options and stock on one underlying net out: 10 short calls take about 570 shares off.
    const calls = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, -10]]).sharesDelta;
    fill(engine, order(AAPL_JUN_C100.symbol, 'sell', 10), 5);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 900), dry))).toEqual(['accept:increase']);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 1_000), dry))).toEqual([
      `NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=${money(1_600 + calls)} limit=1000.00 before=${money(600 + calls)}`,
    ]);
  });

  it('counts risk-increasing working orders as filled', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    const working = order('AAPL', 'buy', 600);
    expect(engine.validateOrder(working).kind).toBe('accept'); // now working, not filled
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 500), dry))).toEqual([
      'NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=1100.00 limit=1000.00 before=600.00 workingOrders=filled',
    ]);
    // A partial fill moves 200 from working to held: the sum is the same.
    fill(engine, { ...working, qty: 200 }, 100);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 401), dry))[0]).toBe(
      'NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=1001.00 limit=1000.00 before=600.00 workingOrders=filled',
    );
    // Cancelling the rest releases it.
    engine.onOrderClosed(working.clientOrderId);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 800), dry))).toEqual(['accept:increase']);
  });

  it('does not let a working order that may never fill excuse an order', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    // Selling 10 calls to open would take about −570 shares of delta, if it fills.
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'sell', 10)).kind).toBe('accept');
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 1_400), dry))).toEqual([
      'NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=1400.00 limit=1000.00 before=0.00',
    ]);
  });

  it('ignores dry runs: they reserve nothing', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    for (let i = 0; i < 3; i++)
      expect(engine.validateOrder(order('AAPL', 'buy', 600), dry).kind).toBe('accept');
    expect(engine.greeks?.hasWorking).toBe(false);
  });
});

describe('incremental updates change later decisions', () => {
  it('an underlying tick revalues the options held on it', () => {
    const at100 = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, 10]]).sharesDelta;
    const at105 = expectedGreeks('AAPL', 105, [[AAPL_JUN_C100, 10]]).sharesDelta;
    const limit = at100 + 100;
    const { engine } = optionsEngine({ limits: { netDelta: { shares: limit } } });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    expect(engine.validateOrder(order('AAPL', 'buy', 100), dry).kind).toBe('accept');
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 105 });
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 100), dry))).toEqual([
      `NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=${money(at105 + 100)} limit=${money(limit)} before=${money(at105)}`,
    ]);
  });

  it('an implied volatility change revalues its option', () => {
    const eleven = (iv: number) => expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, 11]], { iv }).dollarGamma;
    const { engine } = optionsEngine({ limits: { gamma: { perUnderlying: eleven(0.25) } } });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry).kind).toBe('accept');
    engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: 0.15 });
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))[0]).toMatch(
      new RegExp(`^GAMMA_EXCEEDED: underlying=AAPL dollarGamma=${money(eleven(0.15))} `),
    );
  });

  it('time moves with the engine clock in steps of timeStepSeconds', () => {
    const { engine, clock } = optionsEngine({ timeStepSeconds: 3_600 });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    clock.advance(59 * 60_000);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 100 });
    expect(engine.snapshot().greeks?.valuationTime).toBe(T0);
    clock.advance(30 * 86_400_000);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 100 });
    const greeks = engine.snapshot().greeks;
    expect(greeks?.valuationTime).toBe(clock.now());
    const later = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, 10]], { time: clock.now() });
    expect(greeks?.byUnderlying.AAPL?.dollarThetaPerDay).toBeCloseTo(later.dollarThetaPerDay, 9);
  });
});

describe('risk-reducing orders pass', () => {
  it('above a limit after a move, closing and hedging pass; adding is denied', () => {
    const limit = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, 10]]).sharesDelta + 1;
    const { engine } = optionsEngine({ limits: { netDelta: { shares: limit } } });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 110 });
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))[0]).toMatch(
      /^NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=/,
    );
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'sell', 2), dry))).toEqual([
      'accept:reduce',
    ]);
    // Opening puts or a short stock position moves delta toward zero even though it stays above.
    expect(messages(engine.validateOrder(order(AAPL_JUN_P100.symbol, 'buy', 1), dry))).toEqual([
      'accept:open',
    ]);
    expect(messages(engine.validateOrder(order('AAPL', 'sell', 100), dry))).toEqual(['accept:open']);
    // Overshooting to the other side beyond the limit is a breach again.
    expect(messages(engine.validateOrder(order('AAPL', 'sell', 3_000), dry))[0]).toMatch(
      /^NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=-/,
    );
  });
});

describe('after a restart', () => {
  it('restored positions and working orders count in the Greeks like filled and accepted ones', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    engine.restorePosition({ symbol: 'AAPL', qty: 600, avgPrice: 95, time: T0 });
    engine.restorePosition({ symbol: AAPL_JUN_C100.symbol, qty: -2, avgPrice: 5, time: T0 });
    const calls = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, -2]]).sharesDelta;
    expect(engine.snapshot().greeks?.byUnderlying.AAPL?.sharesDelta).toBeCloseTo(600 + calls, 9);
    engine.restoreWorkingOrder(order('AAPL', 'buy', 300));
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 200), dry))).toEqual(['accept:increase']);
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 400), dry))).toEqual([
      `NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=${money(1_300 + calls)} limit=1000.00 before=${money(900 + calls)} workingOrders=filled`,
    ]);
  });
});
