import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, erfc, normCdf, normPdf } from './normal-distribution.ts';

/** Relative error, treating an exact zero reference as absolute. */
function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

// Reference values from mpmath at 50 significant digits, rounded to double.
const ERF_TABLE: ReadonlyArray<readonly [x: number, erf: number, erfc: number]> = [
  [-5.5, -0.9999999999999927, 1.9999999999999927],
  [-3.0, -0.9999779095030014, 1.9999779095030015],
  [-1.0, -0.8427007929497149, 1.8427007929497148],
  [-0.5, -0.5204998778130465, 1.5204998778130465],
  [-0.1, -0.1124629160182849, 1.1124629160182848],
  [1e-10, 1.1283791670955126e-10, 0.999999999887162],
  [0.25, 0.27632639016823696, 0.7236736098317631],
  [0.46875, 0.49261347321793797, 0.507386526782062],
  [0.5, 0.5204998778130465, 0.4795001221869535],
  [0.75, 0.7111556336535151, 0.28884436634648486],
  [1.0, 0.8427007929497149, 0.15729920705028513],
  [2.0, 0.9953222650189527, 0.004677734981047266],
  [3.0, 0.9999779095030014, 2.209049699858544e-5],
  [3.9, 0.9999999652077514, 3.4792248597231765e-8],
  [4.0, 0.9999999845827421, 1.541725790028002e-8],
  [4.1, 0.9999999932999724, 6.700027654084918e-9],
  [6.0, 1.0, 2.1519736712498913e-17],
  [10.0, 1.0, 2.088487583762545e-45],
  [15.0, 1.0, 7.212994172451207e-100],
  [20.0, 1.0, 5.395865611607901e-176],
  [26.0, 1.0, 5.663192408856143e-296],
];

const NORMAL_TABLE: ReadonlyArray<readonly [x: number, cdf: number]> = [
  [-37.0, 5.725571222524577e-300],
  [-30.0, 4.906713927148187e-198],
  [-20.0, 2.7536241186062337e-89],
  [-10.0, 7.619853024160525e-24],
  [-8.0, 6.220960574271784e-16],
  [-5.0, 2.866515718791939e-7],
  [-2.0, 0.02275013194817921],
  [-0.6629, 0.2536973008682368],
  [-0.3, 0.3820885778110474],
  [0.0, 0.5],
  [0.3, 0.6179114221889527],
  [1.0, 0.8413447460685429],
  [3.0, 0.9986501019683699],
  [8.0, 0.9999999999999993],
];

describe('erf and erfc', () => {
  it.each(ERF_TABLE)('match high-precision values at x=%s to 2e-15 relative', (x, erfValue, erfcValue) => {
    expect(relativeError(erf(x), erfValue)).toBeLessThan(2e-15);
    expect(relativeError(erfc(x), erfcValue)).toBeLessThan(2e-15);
  });

  it('erfc keeps its relative accuracy where 1 − erf(x) would be 0', () => {
    expect(1 - erf(10)).toBe(0);
    expect(erfc(10)).toBeGreaterThan(2e-45);
  });

  it('handles infinities, NaN and underflow', () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
  });

  it('are odd / reflected: erf(−x) = −erf(x), erfc(x) + erfc(−x) = 2', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), (x) => {
        expect(erf(-x)).toBe(-erf(x));
        expect(Math.abs(erfc(x) + erfc(-x) - 2)).toBeLessThanOrEqual(4e-16);
      }),
    );
  });
});

describe('normal distribution', () => {
  it.each(NORMAL_TABLE)('N(%s) matches to 2e-15 relative', (x, cdf) => {
    expect(relativeError(normCdf(x), cdf)).toBeLessThan(2e-15);
  });

  it('has the standard density', () => {
    expect(normPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 16);
    // n(30) = e^{-450}/√(2π); a rounded x² would be off by about 450 ulps here.
    expect(relativeError(normPdf(30), 1.4736461348785476e-196)).toBeLessThan(2e-15);
  });

  it('is monotone, symmetric and bounded', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, step) => {
          const p = normCdf(x);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(normCdf(x + step)).toBeGreaterThanOrEqual(p);
          expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(2.3e-16);
        },
      ),
    );
  });
});
