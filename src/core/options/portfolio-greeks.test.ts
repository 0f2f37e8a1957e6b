import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Instrument, stock } from '../instrument.ts';
import { bsmGreeks } from './black-scholes.ts';
import { expiryEpochMs, yearFraction } from './expiry-time.ts';
import { type PositionGreeks, positionGreeksInto, zeroPositionGreeks } from './greek-units.ts';
import { optionInstrument } from './option-instrument.ts';
import { PortfolioGreeks } from './portfolio-greeks.ts';
import type { PortfolioTotals, UnderlyingGreeks } from './portfolio-snapshot.ts';

function option(symbol: string): Instrument {
  const built = optionInstrument(symbol);
  if (!built.ok) throw new Error(JSON.stringify(built.issues));
  return built.value;
}

const NOW = Date.UTC(2015, 11, 24, 18); // 2015-12-24 13:00 New York
const RATE = 0.0025;
const GOOG_CALL = option('GOOG160115C00750000');
const GOOG_PUT = option('GOOG  160219P00700000');
const SPY_CALL = option('SPY160115C00205000');

const EXPOSURE_FIELDS = [
  'value',
  'sharesDelta',
  'dollarDelta',
  'gamma',
  'dollarGamma',
  'dollarVega',
  'dollarThetaPerDay',
  'dollarRhoPerPercent',
] as const;
const TOTAL_FIELDS = [
  'value',
  'dollarDelta',
  'dollarGamma',
  'dollarVega',
  'dollarThetaPerDay',
  'dollarRhoPerPercent',
] as const;

/** Exposure of one option position computed directly, as the aggregator should. */
function expected(
  instrument: Instrument,
  qty: number,
  spot: number,
  iv: number,
  timeMs: number,
  rate = RATE,
  q = 0,
): PositionGreeks {
  const terms = instrument.option;
  if (terms === undefined) throw new Error('not an option');
  const raw = bsmGreeks({
    right: terms.right,
    spot,
    strike: terms.strike,
    timeToExpiry: yearFraction(timeMs, expiryEpochMs(terms.expiry) as number),
    rate,
    dividendYield: q,
    volatility: iv,
  });
  return positionGreeksInto(zeroPositionGreeks(), raw, spot, instrument.multiplier, qty);
}

describe('portfolio Greeks', () => {
  it('values options and stock per underlying and in total', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    expect(book.setPosition(GOOG_CALL, 10, 0.2)).toEqual({ ok: true });
    expect(book.setPosition(stock('GOOG'), -300)).toEqual({ ok: true });
    book.onUnderlyingPrice('GOOG', 748.4);
    const call = expected(GOOG_CALL, 10, 748.4, 0.2, NOW);
    const goog = book.byUnderlying('GOOG') as UnderlyingGreeks;
    expect(goog.sharesDelta).toBeCloseTo(call.sharesDelta - 300, 9);
    expect(goog.dollarDelta).toBeCloseTo(call.dollarDelta - 300 * 748.4, 6);
    expect(goog.gamma).toBeCloseTo(call.gamma, 12);
    expect(goog.dollarVega).toBeCloseTo(call.dollarVega, 9);
    expect(goog.dollarThetaPerDay).toBeCloseTo(call.dollarThetaPerDay, 9);
    expect(goog.contracts).toEqual({ gross: 10, net: 10 });
    expect(goog.contractsByExpiry).toEqual({ '2016-01-15': { gross: 10, net: 10 } });
    expect(goog.positions).toBe(2);
    expect(goog.unpriced).toBe(0);
    const totals = book.totals();
    expect(totals.dollarDelta).toBeCloseTo(goog.dollarDelta, 9);
    expect(totals.underlyings).toBe(1);
    expect(book.underlyings()).toEqual(['GOOG']);
  });

  it('counts positions without a price or volatility as unpriced and leaves them out', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    book.setPosition(GOOG_CALL, 5);
    book.setPosition(SPY_CALL, -3, 0.15);
    expect(book.totals().unpriced).toBe(2);
    book.onUnderlyingPrice('SPY', 205.1);
    expect(book.totals().unpriced).toBe(1);
    book.onUnderlyingPrice('GOOG', 748.4);
    expect(book.totals().unpriced).toBe(1); // the GOOG call still has no volatility
    expect(book.onImpliedVol(GOOG_CALL.symbol, 0.18)).toEqual({ ok: true });
    expect(book.totals().unpriced).toBe(0);
    const sum =
      expected(GOOG_CALL, 5, 748.4, 0.18, NOW).dollarVega +
      expected(SPY_CALL, -3, 205.1, 0.15, NOW).dollarVega;
    expect(book.totals().dollarVega).toBeCloseTo(sum, 9);
  });

  it('counts contracts per underlying and per expiry, gross and net', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    book.setPosition(GOOG_CALL, 10, 0.2);
    book.setPosition(GOOG_PUT, -4, 0.25);
    book.setPosition(SPY_CALL, -2, 0.15);
    expect(book.byUnderlying('GOOG')?.contracts).toEqual({ gross: 14, net: 6 });
    expect(book.totals().contractsByExpiry).toEqual({
      '2016-01-15': { gross: 12, net: 8 },
      '2016-02-19': { gross: 4, net: -4 },
    });
    book.setPosition(GOOG_PUT, 0);
    expect(book.totals().contracts).toEqual({ gross: 12, net: 8 });
    expect(book.totals().contractsByExpiry['2016-02-19']).toBeUndefined();
  });

  it('whatIf shows the trade’s effect without changing anything', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    book.onUnderlyingPrice('GOOG', 748.4);
    book.setPosition(GOOG_CALL, 10, 0.2);
    const before = book.totals();
    const result = book.whatIf(GOOG_PUT, -5, 0.25);
    expect(book.totals()).toEqual(before);
    if (!result.ok) throw new Error(result.message);
    const put = expected(GOOG_PUT, -5, 748.4, 0.25, NOW);
    expect(result.totals.dollarDelta).toBeCloseTo(before.dollarDelta + put.dollarDelta, 6);
    expect(result.underlying.contracts).toEqual({ gross: 15, net: 5 });
    expect(result.totals.positions).toBe(2);
    // The same numbers as actually doing it.
    book.setPosition(GOOG_PUT, -5, 0.25);
    expectTotalsClose(result.totals, book.totals());
    // Closing a position through whatIf.
    const close = book.whatIf(GOOG_CALL, -10);
    if (!close.ok) throw new Error(close.message);
    expect(close.totals.positions).toBe(1);
    expect(close.underlying.contracts).toEqual({ gross: 5, net: -5 });
    // A new underlying counts as one more.
    const spy = book.whatIf(stock('SPY'), 100);
    expect(spy.ok && spy.totals.underlyings).toBe(2);
  });

  it('refuses bad input with a code and changes nothing', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    book.onUnderlyingPrice('GOOG', 748.4);
    book.setPosition(GOOG_CALL, 10, 0.2);
    const before = book.totals();
    const badOption: Instrument = {
      ...GOOG_CALL,
      symbol: 'X',
      option: { underlying: 'GOOG', expiry: '2016-02-30', strike: 700, right: 'call' },
    };
    expect(book.setPosition(GOOG_CALL, Number.NaN).ok === false && 'INVALID_QUANTITY').toBeTruthy();
    const refusals = [
      book.setPosition(GOOG_CALL, Number.NaN),
      book.setPosition(GOOG_CALL, 5, -0.1),
      book.setPosition(badOption, 1, 0.2),
      book.setPosition({ ...stock('IBM'), option: GOOG_CALL.option } as Instrument, 1),
      book.onUnderlyingPrice('GOOG', Number.NaN),
      book.onUnderlyingPrice('GOOG', 0),
      book.onImpliedVol(GOOG_CALL.symbol, Number.POSITIVE_INFINITY),
      book.onImpliedVol('GOOG160115C00999000', 0.2),
      book.setTime(Number.NaN),
      book.setRate(Number.NaN),
      book.setDividendYield('GOOG', Number.NaN),
    ];
    expect(refusals.map((r) => (r.ok ? 'ok' : r.code))).toEqual([
      'INVALID_QUANTITY',
      'INVALID_VOLATILITY',
      'INVALID_INSTRUMENT',
      'INVALID_INSTRUMENT',
      'INVALID_PRICE',
      'INVALID_PRICE',
      'INVALID_VOLATILITY',
      'UNKNOWN_OPTION_POSITION',
      'INVALID_TIME',
      'INVALID_RATE',
      'INVALID_RATE',
    ]);
    expect(book.totals()).toEqual(before);
    expect(() => new PortfolioGreeks({ rate: Number.NaN, timeMs: NOW })).toThrow(RangeError);
  });

  it('values expired options at intrinsic after setTime passes their expiry', () => {
    const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
    book.setPosition(GOOG_CALL, 1, 0.2);
    book.onUnderlyingPrice('GOOG', 800);
    book.setTime(Date.UTC(2016, 0, 16));
    const goog = book.byUnderlying('GOOG') as UnderlyingGreeks;
    expect(goog.value).toBeCloseTo(5000, 9);
    expect(goog.sharesDelta).toBe(100);
    expect(goog.dollarVega).toBe(0);
  });
});

function expectTotalsClose(actual: PortfolioTotals, wanted: PortfolioTotals): void {
  for (const field of TOTAL_FIELDS) {
    expect(Math.abs(actual[field] - wanted[field]), field).toBeLessThanOrEqual(
      1e-9 * (1 + Math.abs(wanted[field])),
    );
  }
  expect(actual.contracts).toEqual(wanted.contracts);
  expect(actual.contractsByExpiry).toEqual(wanted.contractsByExpiry);
  expect(actual.positions).toBe(wanted.positions);
  expect(actual.unpriced).toBe(wanted.unpriced);
  expect(actual.underlyings).toBe(wanted.underlyings);
}

describe('incremental portfolio Greeks (property test)', () => {
  const underlyings = ['GOOG', 'SPY', 'IBM'] as const;
  const universe: Instrument[] = [
    stock('GOOG'),
    stock('SPY'),
    stock('IBM'),
    GOOG_CALL,
    GOOG_PUT,
    option('GOOG160115P00740000'),
    SPY_CALL,
    option('SPY151231P00200000'),
    option('IBM160115C00140000'),
    option('IBM160115P00135000'),
  ];
  const options = universe.filter((i) => i.option !== undefined);
  const iv = fc.double({ min: 0.05, max: 1.2, noNaN: true });
  const operation = fc.oneof(
    fc.record({
      kind: fc.constant('position' as const),
      index: fc.nat(universe.length - 1),
      qty: fc.integer({ min: -20, max: 20 }),
      iv: fc.option(iv, { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant('price' as const),
      underlying: fc.constantFrom(...underlyings),
      price: fc.double({ min: 50, max: 1000, noNaN: true }),
    }),
    fc.record({ kind: fc.constant('iv' as const), index: fc.nat(options.length - 1), iv }),
    fc.record({ kind: fc.constant('time' as const), days: fc.double({ min: 0, max: 20, noNaN: true }) }),
    fc.record({
      kind: fc.constant('rate' as const),
      rate: fc.double({ min: -0.01, max: 0.08, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('dividend' as const),
      underlying: fc.constantFrom(...underlyings),
      q: fc.double({ min: 0, max: 0.05, noNaN: true }),
    }),
    fc.record({ kind: fc.constant('invalid' as const) }),
  );

  it('incremental totals equal a from-scratch recomputation after any sequence of updates', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (ops) => {
        const book = new PortfolioGreeks({ rate: RATE, timeMs: NOW });
        // The model: plain state, valued from scratch at the end.
        const held = new Map<string, { instrument: Instrument; qty: number; iv: number }>();
        const prices = new Map<string, number>();
        const yields = new Map<string, number>();
        let time = NOW;
        let rate = RATE;
        for (const op of ops) {
          if (op.kind === 'position') {
            const instrument = universe[op.index] as Instrument;
            book.setPosition(instrument, op.qty, op.iv);
            const previous = held.get(instrument.symbol);
            if (op.qty === 0) held.delete(instrument.symbol);
            else
              held.set(instrument.symbol, {
                instrument,
                qty: op.qty,
                iv: op.iv ?? previous?.iv ?? Number.NaN,
              });
          } else if (op.kind === 'price') {
            book.onUnderlyingPrice(op.underlying, op.price);
            prices.set(op.underlying, op.price);
          } else if (op.kind === 'iv') {
            const instrument = options[op.index] as Instrument;
            const result = book.onImpliedVol(instrument.symbol, op.iv);
            const position = held.get(instrument.symbol);
            expect(result.ok).toBe(position !== undefined);
            if (position !== undefined) position.iv = op.iv;
          } else if (op.kind === 'time') {
            time += op.days * 86_400_000;
            book.setTime(time);
          } else if (op.kind === 'rate') {
            rate = op.rate;
            book.setRate(rate);
          } else if (op.kind === 'dividend') {
            book.setDividendYield(op.underlying, op.q);
            yields.set(op.underlying, op.q);
          } else {
            expect(book.onUnderlyingPrice('GOOG', -1).ok).toBe(false);
          }
        }
        const perUnderlying = new Map<string, PositionGreeks & { unpriced: number }>();
        for (const { instrument, qty, iv: vol } of held.values()) {
          const underlying = instrument.option?.underlying ?? instrument.symbol;
          const sums = perUnderlying.get(underlying) ?? { ...zeroPositionGreeks(), unpriced: 0 };
          perUnderlying.set(underlying, sums);
          const spot = prices.get(underlying);
          if (spot === undefined || (instrument.option !== undefined && Number.isNaN(vol))) {
            sums.unpriced++;
            continue;
          }
          const exposure =
            instrument.option === undefined
              ? { ...zeroPositionGreeks(), value: qty * spot, sharesDelta: qty, dollarDelta: qty * spot }
              : expected(instrument, qty, spot, vol, time, rate, yields.get(underlying) ?? 0);
          for (const field of EXPOSURE_FIELDS) sums[field] += exposure[field];
        }
        const total = { ...zeroPositionGreeks(), unpriced: 0 };
        for (const [underlying, sums] of perUnderlying) {
          const actual = book.byUnderlying(underlying) as UnderlyingGreeks;
          for (const field of EXPOSURE_FIELDS) {
            expect(Math.abs(actual[field] - sums[field]), `${underlying}.${field}`).toBeLessThanOrEqual(
              1e-9 * (1 + Math.abs(sums[field])),
            );
            total[field] += sums[field];
          }
          expect(actual.unpriced).toBe(sums.unpriced);
          total.unpriced += sums.unpriced;
        }
        const totals = book.totals();
        for (const field of TOTAL_FIELDS) {
          expect(Math.abs(totals[field] - total[field]), field).toBeLessThanOrEqual(
            1e-9 * (1 + Math.abs(total[field])),
          );
        }
        expect(totals.unpriced).toBe(total.unpriced);
        expect(totals.positions).toBe(held.size);
        expect(totals.underlyings).toBe(perUnderlying.size);
        const net = [...held.values()].filter((h) => h.instrument.option).reduce((n, h) => n + h.qty, 0);
        expect(totals.contracts.net).toBe(net);
      }),
      { numRuns: 300 },
    );
  });
});
