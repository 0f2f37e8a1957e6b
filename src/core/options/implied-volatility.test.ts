import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithShared, readCsvObjects } from '../../../test/support/shared-data.ts';
import type { OptionRight } from '../instrument.ts';
import { bsmGreeks, bsmPrice } from './black-scholes.ts';
import { impliedVolatility } from './implied-volatility.ts';

/**
 * Tolerance of an iv-vectors row: `1e-9`, `2.2e-16 (assert_eq in source)`, `1e-13 relative`,
 * `5e-15 abs (...)`, `exact`; relative ones scale with the expected volatility.
 */
function ivTolerance(text: string, expected: number): number {
  if (text.trim() === 'exact') return 0;
  const value = Number(/^[0-9.]+(?:e-?\d+)?/i.exec(text.trim())?.[0]);
  return /relative/.test(text) ? value * Math.abs(expected) : value;
}

describeWithShared('implied volatility reference vectors', ['reference/iv-vectors.csv'], ([path]) => {
  const rows = readCsvObjects(path as string);

  it('reads every row of the file', () => {
    expect(rows.length).toBeGreaterThanOrEqual(13);
  });

  for (const row of rows) {
    const input = {
      right: row.type as OptionRight,
      price: Number(row.price),
      spot: Number(row.S),
      strike: Number(row.K),
      timeToExpiry: Number(row.T),
      rate: Number(row.r),
      dividendYield: Number(row.q),
    };
    const label = `${row.type} S=${row.S} K=${row.K} T=${row.T} price=${row.price}`;
    const expectedText = row.expected_iv ?? '';
    if (expectedText.startsWith('ERROR')) {
      it(`${label} is refused: ${expectedText}`, () => {
        const result = impliedVolatility(input);
        expect(result.ok).toBe(false);
        if (!result.ok && /below intrinsic/i.test(expectedText))
          expect(result.code).toBe('PRICE_BELOW_INTRINSIC');
      });
      continue;
    }
    const expected = Number(expectedText);
    const tolerance = ivTolerance(row.tol ?? '', expected);
    it(`${label} → σ=${expectedText} within ${tolerance}`, () => {
      const result = impliedVolatility(input);
      if (!result.ok) throw new Error(result.message);
      expect(Math.abs(result.volatility - expected)).toBeLessThanOrEqual(tolerance);
    });
  }
});

describe('implied volatility outcomes', () => {
  const base = { spot: 100, strike: 100, timeToExpiry: 0.5, rate: 0.05, dividendYield: 0.02 } as const;

  it('returns exactly 0 at the discounted intrinsic value', () => {
    const a = 120 * Math.exp(-0.02 * 0.5);
    const b = 100 * Math.exp(-0.05 * 0.5);
    const result = impliedVolatility({ ...base, spot: 120, right: 'call', price: a - b });
    expect(result).toEqual({ ok: true, volatility: 0, iterations: 0 });
    expect(impliedVolatility({ ...base, strike: 150, right: 'call', price: 0 })).toEqual({
      ok: true,
      volatility: 0,
      iterations: 0,
    });
  });

  it('refuses a price below intrinsic with the numbers', () => {
    const result = impliedVolatility({ ...base, spot: 120, right: 'call', price: 15 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('PRICE_BELOW_INTRINSIC');
    expect(result.lowerBound).toBeCloseTo(120 * Math.exp(-0.01) - 100 * Math.exp(-0.025), 12);
    expect(result.message).toMatch(/^PRICE_BELOW_INTRINSIC: price=15 intrinsic=21\.27/);
  });

  it('refuses a price at or above the maximum: S·e^{−qT} for a call, K·e^{−rT} for a put', () => {
    const call = impliedVolatility({ ...base, right: 'call', price: 100 * Math.exp(-0.01) });
    expect(call.ok === false && call.code).toBe('PRICE_ABOVE_MAXIMUM');
    const put = impliedVolatility({ ...base, right: 'put', price: 99 });
    expect(put.ok === false && put.code).toBe('PRICE_ABOVE_MAXIMUM');
    if (!put.ok) expect(put.upperBound).toBeCloseTo(100 * Math.exp(-0.025), 12);
  });

  it('refuses invalid inputs and expired options without throwing', () => {
    const bad = [
      { ...base, right: 'call' as const, price: Number.NaN },
      { ...base, right: 'call' as const, price: 5, spot: 0 },
      { ...base, right: 'call' as const, price: 5, strike: -1 },
      { ...base, right: 'call' as const, price: 5, rate: Number.POSITIVE_INFINITY },
      { ...base, right: 'call' as const, price: 5, timeToExpiry: 0 },
      { ...base, right: 'straddle' as OptionRight, price: 5 },
    ];
    for (const input of bad) {
      const result = impliedVolatility(input);
      expect(result.ok === false && result.code).toBe('INVALID_INPUT');
    }
  });

  it('gives the same volatility from a call and from the put at parity, deep in the money', () => {
    const call = bsmPrice('call', 318, 863, 0.45, 0.01, 0.02, 0.65);
    const put = bsmPrice('put', 318, 863, 0.45, 0.01, 0.02, 0.65);
    const common = { spot: 318, strike: 863, timeToExpiry: 0.45, rate: 0.01, dividendYield: 0.02 };
    const fromCall = impliedVolatility({ ...common, right: 'call', price: call });
    const fromPut = impliedVolatility({ ...common, right: 'put', price: put });
    expect(fromCall.ok && fromPut.ok).toBe(true);
    if (fromCall.ok && fromPut.ok) {
      expect(Math.abs(fromCall.volatility - 0.65)).toBeLessThan(1e-12);
      expect(Math.abs(fromPut.volatility - 0.65)).toBeLessThan(1e-12);
    }
  });
});

describe('implied volatility round trip (property tests)', () => {
  const inputs = fc.record({
    right: fc.constantFrom<OptionRight>('call', 'put'),
    spot: fc.double({ min: 1, max: 5000, noNaN: true }),
    moneyness: fc.double({ min: -1.5, max: 1.5, noNaN: true }),
    time: fc.double({ min: 1 / 365, max: 10, noNaN: true }),
    rate: fc.double({ min: -0.02, max: 0.15, noNaN: true }),
    dividendYield: fc.double({ min: 0, max: 0.1, noNaN: true }),
    volatility: fc.double({ min: 0.01, max: 4, noNaN: true }),
  });

  it('recovers σ to 1e-10 wherever the price determines it (vega ≥ 1e-4 of the forward) in ≤ 10 iterations', () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const strike = p.spot * Math.exp(p.moneyness);
        const g = bsmGreeks({
          right: p.right,
          spot: p.spot,
          strike,
          timeToExpiry: p.time,
          rate: p.rate,
          dividendYield: p.dividendYield,
          volatility: p.volatility,
        });
        const scale = Math.max(
          p.spot * Math.exp(-p.dividendYield * p.time),
          strike * Math.exp(-p.rate * p.time),
        );
        fc.pre(g.vega >= 1e-4 * scale);
        const result = impliedVolatility({
          right: p.right,
          price: g.price,
          spot: p.spot,
          strike,
          timeToExpiry: p.time,
          rate: p.rate,
          dividendYield: p.dividendYield,
        });
        if (!result.ok) throw new Error(result.message);
        expect(Math.abs(result.volatility - p.volatility)).toBeLessThanOrEqual(1e-10);
        expect(result.iterations).toBeLessThanOrEqual(10);
      }),
      { numRuns: 3000 },
    );
  });

  it('always reprices the input to rounding accuracy when it solves (backward error)', () => {
    fc.assert(
      fc.property(inputs, (p) => {
        const strike = p.spot * Math.exp(p.moneyness);
        const args = [p.spot, strike, p.time, p.rate, p.dividendYield] as const;
        const price = bsmPrice(p.right, ...args, p.volatility);
        const result = impliedVolatility({
          right: p.right,
          price,
          spot: p.spot,
          strike,
          timeToExpiry: p.time,
          rate: p.rate,
          dividendYield: p.dividendYield,
        });
        // Prices that round onto a bound (intrinsic or maximum) are refused or give 0, correctly.
        if (!result.ok) {
          expect(['PRICE_ABOVE_MAXIMUM', 'PRICE_BELOW_INTRINSIC']).toContain(result.code);
          return;
        }
        const scale = Math.max(
          p.spot * Math.exp(-p.dividendYield * p.time),
          strike * Math.exp(-p.rate * p.time),
        );
        expect(Math.abs(bsmPrice(p.right, ...args, result.volatility) - price)).toBeLessThanOrEqual(
          1e-14 * scale,
        );
      }),
      { numRuns: 3000 },
    );
  });
});
