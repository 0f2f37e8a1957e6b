import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.ts';
import { impliedVolatility } from '../../src/core/options/implied-volatility.ts';
import { engineWith, fill, order, T0 } from '../support/engine-fixtures.ts';
import {
  AAPL_JUN_C100,
  expectedGreeks,
  IV,
  MSFT_JUN_C200,
  optionsEngine,
  RATE,
} from '../support/options-fixtures.ts';

const dry = { dryRun: true } as const;
const messages = (d: Decision) =>
  d.kind === 'deny' ? d.violations.map((v) => `${v.code}: ${v.message}`) : [`${d.kind}`];
const limits = { netDelta: { shares: 1_000_000 }, gamma: { total: 1e12 } };

describe('greeks-limits fails closed on missing inputs', () => {
  it('denies an option order while its underlying has no price', () => {
    const { engine } = optionsEngine({ limits }, {}, { marks: false });
    engine.onMarket({ kind: 'mark', symbol: AAPL_JUN_C100.symbol, time: T0, price: 5 });
    engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: IV });
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))).toEqual([
      `NO_GREEKS_INPUT: symbol=${AAPL_JUN_C100.symbol} underlying=AAPL missing=underlyingPrice`,
    ]);
  });

  it('denies an option order while its underlying price is older than marketData.maxQuoteAgeMs', () => {
    const { engine, clock } = optionsEngine({ limits }, { marketData: { maxQuoteAgeMs: 5_000 } });
    clock.advance(6_000);
    engine.onMarket({ kind: 'mark', symbol: AAPL_JUN_C100.symbol, time: clock.now(), price: 5 });
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))).toEqual([
      `NO_GREEKS_INPUT: symbol=${AAPL_JUN_C100.symbol} underlying=AAPL stale=underlyingPrice ageMs=6000 maxAgeMs=5000`,
    ]);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: clock.now(), price: 100 });
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry).kind).toBe('accept');
  });

  it('denies an option order without an implied volatility, saying why a solve failed', () => {
    const { engine } = optionsEngine({ limits, solveImpliedVolatility: true }, {}, { marks: false });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 120 });
    engine.onMarket({ kind: 'mark', symbol: AAPL_JUN_C100.symbol, time: T0, price: 5 }); // below intrinsic 20
    const [message] = messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry));
    expect(message).toMatch(
      new RegExp(
        `^NO_GREEKS_INPUT: symbol=${AAPL_JUN_C100.symbol} underlying=AAPL missing=impliedVolatility error=PRICE_BELOW_INTRINSIC: price=5 `,
      ),
    );
    const fresh = optionsEngine({ limits }, {}, { marks: false }).engine;
    fresh.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    fresh.onMarket({ kind: 'mark', symbol: AAPL_JUN_C100.symbol, time: T0, price: 5 });
    expect(messages(fresh.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))).toEqual([
      `NO_GREEKS_INPUT: symbol=${AAPL_JUN_C100.symbol} underlying=AAPL missing=impliedVolatility`,
    ]);
  });

  it('denies entries on an underlying (stock too) while a position on it cannot be valued', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000_000 } } }, {}, { marks: false });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    engine.onMarket({ kind: 'mark', symbol: 'MSFT', time: T0, price: 200 });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 2), 5); // booked, but no volatility known
    expect(messages(engine.validateOrder(order('AAPL', 'buy', 1), dry))).toEqual([
      'NO_GREEKS_INPUT: underlying=AAPL unpriced=1',
    ]);
    // Only per-underlying limits: another underlying is unaffected.
    expect(engine.validateOrder(order('MSFT', 'buy', 1), dry).kind).toBe('accept');
    engine.onMarket({ kind: 'iv', symbol: AAPL_JUN_C100.symbol, time: T0, value: IV });
    expect(engine.validateOrder(order('AAPL', 'buy', 1), dry).kind).toBe('accept');
  });

  it('with a total limit, one unvalued position anywhere blocks every entry', () => {
    const { engine } = optionsEngine({ limits: { vega: { total: 1e9 } } }, {}, { marks: false });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    engine.onMarket({ kind: 'mark', symbol: 'MSFT', time: T0, price: 200 });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 2), 5);
    expect(messages(engine.validateOrder(order('MSFT', 'buy', 1), dry))).toEqual([
      'NO_GREEKS_INPUT: scope=portfolio unpriced=1 refused=0',
    ]);
  });

  it('never blocks an order that reduces a position, inputs or not', () => {
    const { engine } = optionsEngine({ limits }, {}, { marks: false });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 2), 5);
    engine.onMarket({ kind: 'mark', symbol: AAPL_JUN_C100.symbol, time: T0, price: 5 });
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'sell', 2), dry)).toEqual({
      kind: 'accept',
      effect: 'close',
    });
  });
});

describe('implied volatilities and underlying prices', () => {
  it('solves an option volatility from its quote mid and values the what-if with it', () => {
    const { engine } = optionsEngine(
      { limits: { netDelta: { shares: 1 } }, solveImpliedVolatility: true },
      {},
      { marks: false },
    );
    engine.onMarket({ kind: 'quote', symbol: AAPL_JUN_C100.symbol, time: T0, bid: 5.9, ask: 6.1 });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 }); // solves the waiting quote
    const solved = impliedVolatility({
      right: 'call',
      price: 6,
      spot: 100,
      strike: 100,
      timeToExpiry: (Date.UTC(2024, 5, 21, 20) - T0) / (365 * 86_400_000),
      rate: RATE,
      dividendYield: 0,
    });
    expect(solved.ok).toBe(true);
    const iv = solved.ok ? solved.volatility : Number.NaN;
    expect(engine.greeks?.impliedVolatility(AAPL_JUN_C100.symbol)).toBeCloseTo(iv, 12);
    const expected = expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, 3]], { iv }).sharesDelta;
    expect(messages(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 3), dry))).toEqual([
      `NET_DELTA_EXCEEDED: underlying=AAPL netDeltaShares=${expected.toFixed(2)} limit=1.00 before=0.00`,
    ]);
  });

  it('a later pushed volatility wins over a solved one, and the other way round', () => {
    const { engine } = optionsEngine({ solveImpliedVolatility: true });
    const symbol = AAPL_JUN_C100.symbol;
    expect(engine.greeks?.impliedVolatility(symbol)).toBe(IV); // the fixture pushes 25% after the $5 mark
    engine.onMarket({ kind: 'mark', symbol, time: T0, price: 6 });
    const solved = engine.greeks?.impliedVolatility(symbol) ?? Number.NaN;
    expect(solved).toBeGreaterThan(IV);
    engine.onMarket({ kind: 'iv', symbol, time: T0, value: 0.3 });
    expect(engine.greeks?.impliedVolatility(symbol)).toBe(0.3);
    engine.onMarket({ kind: 'iv', symbol, time: T0, value: Number.NaN }); // ignored
    expect(engine.greeks?.impliedVolatility(symbol)).toBe(0.3);
  });

  it('takes underlying prices of symbols the engine does not trade', () => {
    const { engine } = optionsEngine({ limits }, { restrictedSymbols: [] }, { marks: false });
    const spx = engine.instrument('SPX');
    expect(spx).toBeUndefined();
    engine.onMarket({ kind: 'mark', symbol: 'SPX', time: T0, price: 5_000 });
    expect(engine.greeks?.underlyingPrice('SPX')).toEqual({ price: 5_000, time: T0 });
  });
});

describe('engine snapshot', () => {
  it('shows the Greeks of the positions per underlying and in total', () => {
    const { engine } = optionsEngine();
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
    fill(engine, order('AAPL', 'sell', 300), 100);
    fill(engine, order(MSFT_JUN_C200.symbol, 'sell', 4), 5);
    const greeks = engine.snapshot().greeks;
    const aapl = expectedGreeks('AAPL', 100, [
      [AAPL_JUN_C100, 10],
      [engine.instrument('AAPL')!, -300],
    ]);
    const msft = expectedGreeks('MSFT', 200, [[MSFT_JUN_C200, -4]]);
    expect(greeks?.valuationTime).toBe(T0);
    expect(greeks?.rate).toBe(RATE);
    expect(Object.keys(greeks?.byUnderlying ?? {}).sort()).toEqual(['AAPL', 'MSFT']);
    expect(greeks?.byUnderlying.AAPL?.sharesDelta).toBeCloseTo(aapl.sharesDelta, 9);
    expect(greeks?.byUnderlying.MSFT?.dollarVega).toBeCloseTo(msft.dollarVega, 9);
    expect(greeks?.totals.dollarGamma).toBeCloseTo(aapl.dollarGamma + msft.dollarGamma, 9);
    expect(greeks?.totals.contracts).toEqual({ gross: 14, net: 6 });
  });

  it('has no Greeks, and ignores iv events, without an options section', () => {
    const { engine } = engineWith();
    expect(engine.greeks).toBeUndefined();
    expect(engine.snapshot().greeks).toBeUndefined();
    expect('greeks' in engine.snapshot()).toBe(false);
    expect(engine.onMarket({ kind: 'iv', symbol: 'AAPL', time: T0, value: 0.2 })).toEqual({
      exits: [],
      updates: [],
      trips: [],
    });
  });
});
