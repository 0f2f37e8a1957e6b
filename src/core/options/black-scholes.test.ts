import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWithShared, readCsvObjects } from '../../../test/support/shared-data.ts';
import type { OptionRight } from '../instrument.ts';
import { bsmGreeks, bsmGreeksInto, bsmPrice, emptyGreeks, type Greeks } from './black-scholes.ts';
import { createGreeksBatch, revalueBatch } from './greeks-batch.ts';

const FIELDS = ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const;

/**
 * Tolerance of a reference value: the one the row's source states (`tol=1e-4`, `abs tol 1e-6`,
 * `tol 1e-5`), otherwise half a unit in the last printed digit (2.40 → 0.005, 3.66249e-05 → 5e-11).
 */
function toleranceFor(printed: string, source: string): number {
  const stated = /\btol(?:=|\s+)([0-9.]+(?:e-?\d+)?)/i.exec(source);
  if (stated?.[1] !== undefined) return Number(stated[1]);
  const [mantissa = '', exponent = '0'] = printed.toLowerCase().split('e');
  const decimals = mantissa.includes('.') ? (mantissa.split('.')[1] ?? '').length : 0;
  return 0.5 * 10 ** (Number(exponent) - decimals);
}

describeWithShared('Black-Scholes-Merton reference vectors', ['reference/greeks-vectors.csv'], ([path]) => {
  const rows = readCsvObjects(path as string);

  it('reads every row of the file', () => {
    expect(rows.length).toBeGreaterThanOrEqual(27);
  });

  for (const row of rows) {
    const label = `${row.type} S=${row.S} K=${row.K} T=${row.T} r=${row.r} q=${row.q} σ=${row.sigma}`;
    it(`${label} matches every published value within its tolerance`, () => {
      const g = bsmGreeks({
        right: row.type as OptionRight,
        spot: Number(row.S),
        strike: Number(row.K),
        timeToExpiry: Number(row.T),
        rate: Number(row.r),
        dividendYield: Number(row.q),
        volatility: Number(row.sigma),
      });
      let compared = 0;
      for (const field of FIELDS) {
        const printed = row[field] ?? '';
        if (printed === '') continue;
        compared++;
        const tolerance = toleranceFor(printed, row.source ?? '');
        expect(
          Math.abs(g[field] - Number(printed)),
          `${field}: got ${g[field]}, published ${printed} ± ${tolerance}`,
        ).toBeLessThanOrEqual(tolerance);
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});

describe('tolerance rule for the reference vectors', () => {
  it('uses the stated tolerance, else half a unit in the last printed digit', () => {
    expect(toleranceFor('2.1334', 'Haug ...; tol=1e-4')).toBe(1e-4);
    expect(toleranceFor('0.032874437', 'py_vollib grid (... with abs tol 1e-6)')).toBe(1e-6);
    expect(toleranceFor('2.40', 'Hull')).toBeCloseTo(0.005, 15);
    expect(toleranceFor('3.66249e-05', 'Hull')).toBeCloseTo(5e-11, 20);
  });
});

/** Wide but sane inputs: spot 1–10,000, strikes within e^±2 of spot, a day to 10 years. */
const optionInputs = fc.record({
  spot: fc.double({ min: 1, max: 10_000, noNaN: true }),
  moneyness: fc.double({ min: -2, max: 2, noNaN: true }),
  time: fc.double({ min: 1 / 365, max: 10, noNaN: true }),
  rate: fc.double({ min: -0.02, max: 0.15, noNaN: true }),
  dividendYield: fc.double({ min: 0, max: 0.1, noNaN: true }),
  volatility: fc.double({ min: 0.01, max: 3, noNaN: true }),
});

function both(p: {
  spot: number;
  moneyness: number;
  time: number;
  rate: number;
  dividendYield: number;
  volatility: number;
}) {
  const strike = p.spot * Math.exp(p.moneyness);
  const args = [p.spot, strike, p.time, p.rate, p.dividendYield, p.volatility] as const;
  return {
    strike,
    call: bsmGreeksInto(emptyGreeks(), 'call', ...args),
    put: bsmGreeksInto(emptyGreeks(), 'put', ...args),
    a: p.spot * Math.exp(-p.dividendYield * p.time),
    b: strike * Math.exp(-p.rate * p.time),
  };
}

describe('Black-Scholes-Merton identities (property tests)', () => {
  it('put-call parity: C − P = S·e^{−qT} − K·e^{−rT}', () => {
    fc.assert(
      fc.property(optionInputs, (p) => {
        const { call, put, a, b } = both(p);
        expect(Math.abs(call.price - put.price - (a - b))).toBeLessThanOrEqual(1e-13 * Math.max(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('delta parity Δc − Δp = e^{−qT}, theta, rho and vega identities', () => {
    fc.assert(
      fc.property(optionInputs, (p) => {
        const { call, put, a, b } = both(p);
        const dq = Math.exp(-p.dividendYield * p.time);
        expect(Math.abs(call.delta - put.delta - dq)).toBeLessThanOrEqual(1e-15);
        const thetaGap = p.dividendYield * a - p.rate * b;
        expect(Math.abs(call.theta - put.theta - thetaGap)).toBeLessThanOrEqual(
          1e-12 * (Math.abs(call.theta) + Math.max(a, b)),
        );
        expect(Math.abs(call.rho - put.rho - p.time * b)).toBeLessThanOrEqual(1e-13 * p.time * b);
        expect(call.gamma).toBe(put.gamma);
        expect(call.vega).toBe(put.vega);
        // vega = Γ·S²·σ·T
        const vegaFromGamma = call.gamma * p.spot * p.spot * p.volatility * p.time;
        expect(Math.abs(call.vega - vegaFromGamma)).toBeLessThanOrEqual(1e-12 * Math.max(call.vega, 1e-300));
      }),
      { numRuns: 2000 },
    );
  });

  it('satisfies the BSM PDE: θ + (r − q)·S·Δ + ½σ²S²Γ − r·V = 0 (θ = ∂V/∂t)', () => {
    fc.assert(
      fc.property(optionInputs, fc.constantFrom<OptionRight>('call', 'put'), (p, right) => {
        const { call, put } = both(p);
        const g = right === 'call' ? call : put;
        const terms = [
          g.theta,
          (p.rate - p.dividendYield) * p.spot * g.delta,
          0.5 * p.volatility ** 2 * p.spot ** 2 * g.gamma,
          -p.rate * g.price,
        ];
        const residual = terms.reduce((sum, t) => sum + t, 0);
        const scale = terms.reduce((sum, t) => sum + Math.abs(t), 0);
        expect(Math.abs(residual)).toBeLessThanOrEqual(1e-12 * scale + 1e-300);
      }),
      { numRuns: 2000 },
    );
  });

  it('Greeks agree with central finite differences of the price', () => {
    const moderate = fc.record({
      spot: fc.double({ min: 20, max: 500, noNaN: true }),
      moneyness: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
      time: fc.double({ min: 0.05, max: 3, noNaN: true }),
      rate: fc.double({ min: 0, max: 0.1, noNaN: true }),
      dividendYield: fc.double({ min: 0, max: 0.05, noNaN: true }),
      volatility: fc.double({ min: 0.1, max: 0.8, noNaN: true }),
    });
    fc.assert(
      fc.property(moderate, fc.constantFrom<OptionRight>('call', 'put'), (p, right) => {
        const K = p.spot * Math.exp(p.moneyness);
        const v = (S: number, T: number, r: number, sigma: number) =>
          bsmPrice(right, S, K, T, r, p.dividendYield, sigma);
        const g = bsmGreeks({
          right,
          spot: p.spot,
          strike: K,
          timeToExpiry: p.time,
          rate: p.rate,
          dividendYield: p.dividendYield,
          volatility: p.volatility,
        });
        const hS = 1e-4 * p.spot;
        const h = 1e-5;
        const delta =
          (v(p.spot + hS, p.time, p.rate, p.volatility) - v(p.spot - hS, p.time, p.rate, p.volatility)) /
          (2 * hS);
        const gamma =
          (v(p.spot + hS, p.time, p.rate, p.volatility) -
            2 * g.price +
            v(p.spot - hS, p.time, p.rate, p.volatility)) /
          (hS * hS);
        const vega =
          (v(p.spot, p.time, p.rate, p.volatility + h) - v(p.spot, p.time, p.rate, p.volatility - h)) /
          (2 * h);
        const theta =
          -(v(p.spot, p.time + h, p.rate, p.volatility) - v(p.spot, p.time - h, p.rate, p.volatility)) /
          (2 * h);
        const rho =
          (v(p.spot, p.time, p.rate + h, p.volatility) - v(p.spot, p.time, p.rate - h, p.volatility)) /
          (2 * h);
        expect(Math.abs(g.delta - delta)).toBeLessThan(1e-6);
        expect(Math.abs(g.gamma - gamma)).toBeLessThan(1e-4 * Math.max(g.gamma, 1e-3));
        expect(Math.abs(g.vega - vega)).toBeLessThan(1e-6 * p.spot);
        expect(Math.abs(g.theta - theta)).toBeLessThan(1e-6 * p.spot);
        expect(Math.abs(g.rho - rho)).toBeLessThan(1e-6 * p.spot);
      }),
      { numRuns: 300 },
    );
  });
});

describe('boundary behaviour', () => {
  const value = (
    right: OptionRight,
    S: number,
    K: number,
    T: number,
    r: number,
    q: number,
    sigma: number,
  ): Greeks =>
    bsmGreeks({ right, spot: S, strike: K, timeToExpiry: T, rate: r, dividendYield: q, volatility: sigma });

  it('at expiry returns intrinsic value, a step delta and no other Greeks', () => {
    expect(value('call', 110, 100, 0, 0.05, 0.02, 0.3)).toEqual({
      price: 10,
      delta: 1,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: 0,
    });
    expect(value('put', 110, 100, 0, 0.05, 0.02, 0.3)).toEqual({
      price: 0,
      delta: 0,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: 0,
    });
    expect(value('put', 90, 100, -0.1, 0.05, 0.02, 0.3)).toEqual({
      price: 10,
      delta: -1,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: 0,
    });
    // Exactly at the strike the step takes its midpoint, keeping Δc − Δp = 1.
    expect(value('call', 100, 100, 0, 0.05, 0, 0.3).delta).toBe(0.5);
    expect(value('put', 100, 100, 0, 0.05, 0, 0.3).delta).toBe(-0.5);
  });

  it('approaches the expiry values continuously', () => {
    const nearly = value('call', 110, 100, 1e-10, 0.05, 0.02, 0.3);
    expect(nearly.price).toBeCloseTo(10, 8);
    expect(nearly.delta).toBeCloseTo(1, 10);
    expect(value('call', 100, 100, 1e-12, 0, 0, 0.3).delta).toBeCloseTo(0.5, 6);
  });

  it('at zero volatility gives the deterministic forward value', () => {
    const [S, K, T, r, q] = [100, 95, 2, 0.05, 0.01];
    const a = S * Math.exp(-q * T);
    const b = K * Math.exp(-r * T);
    const call = value('call', S, K, T, r, q, 0);
    expect(call.price).toBeCloseTo(a - b, 12);
    expect(call.delta).toBeCloseTo(Math.exp(-q * T), 15);
    expect(call.gamma).toBe(0);
    expect(call.vega).toBe(0);
    expect(call.theta).toBeCloseTo(q * a - r * b, 12);
    expect(call.rho).toBeCloseTo(T * b, 12);
    const put = value('put', S, K, T, r, q, 0);
    expect(put).toEqual({ price: 0, delta: -0, gamma: 0, vega: 0, theta: 0, rho: -0 });
    // A tiny positive volatility lands on the same numbers.
    const tiny = value('call', S, K, T, r, q, 1e-12);
    expect(tiny.price).toBeCloseTo(call.price, 12);
    expect(tiny.delta).toBe(call.delta);
  });

  it('at zero volatility and an at-the-money forward splits delta and keeps the vega limit', () => {
    const g = value('call', 100, 100, 1, 0.03, 0.03, 0);
    expect(g.price).toBe(0);
    expect(g.delta).toBeCloseTo(0.5 * Math.exp(-0.03), 15);
    expect(g.vega).toBeCloseTo((100 * Math.exp(-0.03)) / Math.sqrt(2 * Math.PI), 12);
    expect(g.gamma).toBe(0);
  });

  it('returns NaN everywhere for invalid inputs instead of throwing', () => {
    for (const [S, K, T, sigma] of [
      [0, 100, 1, 0.2],
      [100, -1, 1, 0.2],
      [100, 100, 1, -0.2],
      [Number.NaN, 100, 1, 0.2],
      [100, 100, Number.NaN, 0.2],
    ] as const) {
      const g = value('call', S, K, T, 0.05, 0, sigma);
      for (const field of FIELDS) expect(Number.isNaN(g[field]), field).toBe(true);
    }
  });

  it('is accurate for far out-of-the-money options whose price is tiny', () => {
    // mpmath at 40 digits: 3.4529165077419e-28 (S=100, K=300, T=0.25, r=q=0, σ=0.2).
    const price = bsmPrice('call', 100, 300, 0.25, 0, 0, 0.2);
    expect(Math.abs(price / 3.4529165077419e-28 - 1)).toBeLessThan(1e-11);
  });
});

describe('allocation-free and batch APIs', () => {
  it('bsmGreeksInto writes into and returns the caller’s object', () => {
    const out = emptyGreeks();
    expect(bsmGreeksInto(out, 'put', 100, 105, 0.5, 0.03, 0.01, 0.25)).toBe(out);
    expect(out.price).toBe(bsmPrice('put', 100, 105, 0.5, 0.03, 0.01, 0.25));
  });

  it('batch revaluation gives exactly the scalar results, edge cases included', () => {
    const cases = fc.sample(
      fc.record({
        right: fc.constantFrom<OptionRight>('call', 'put'),
        spot: fc.oneof(fc.double({ min: 1, max: 1000, noNaN: true }), fc.constant(0)),
        strike: fc.double({ min: 1, max: 1000, noNaN: true }),
        time: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.constant(0), fc.constant(-1)),
        rate: fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        dividendYield: fc.double({ min: 0, max: 0.1, noNaN: true }),
        volatility: fc.oneof(fc.double({ min: 0, max: 3, noNaN: true }), fc.constant(0)),
      }),
      { numRuns: 500, seed: 42 },
    );
    const batch = createGreeksBatch(cases.length);
    cases.forEach((c, i) => {
      batch.isCall[i] = c.right === 'call' ? 1 : 0;
      batch.spot[i] = c.spot;
      batch.strike[i] = c.strike;
      batch.timeToExpiry[i] = c.time;
      batch.rate[i] = c.rate;
      batch.dividendYield[i] = c.dividendYield;
      batch.volatility[i] = c.volatility;
    });
    revalueBatch(batch);
    cases.forEach((c, i) => {
      const g = bsmGreeks({
        right: c.right,
        spot: c.spot,
        strike: c.strike,
        timeToExpiry: c.time,
        rate: c.rate,
        dividendYield: c.dividendYield,
        volatility: c.volatility,
      });
      for (const field of FIELDS) expect(Object.is(batch[field][i], g[field]), `${field} #${i}`).toBe(true);
    });
  });
});
