/**
 * Implied volatility of a European option under Black-Scholes-Merton: the σ at which the model
 * price equals a given price.
 *
 * Method (after Jäckel, "Let's Be Rational", 2015, without his rational initial guesses):
 * 1. Reduce to the normalised Black function. With A = S·e^{−qT}, B = K·e^{−rT} and
 *    x = ln(A/B), any price is its intrinsic value plus the price of an out-of-the-money call
 *    with log-moneyness −|x| (puts map to calls by symmetry), divided by √(AB):
 *    b(s) = e^{−|x|/2}·N(−|x|/s + s/2) − e^{|x|/2}·N(−|x|/s − s/2), with s = σ√T.
 *    Subtracting the intrinsic value first means deep in-the-money prices lose only the digits
 *    that the input itself does not carry.
 * 2. b is increasing in s with one inflection point at s_c = √(2|x|). Below it the solver works on
 *    ln b (prices may be as small as 1e-300); above it on ln(b_max − b), where b_max − b is
 *    evaluated directly as a sum of two tails. Both transforms are close to linear or concave,
 *    so Halley steps converge in a handful of iterations.
 * 3. Every step is checked against a bracket that is maintained from the sign of each evaluation;
 *    a step that would leave the bracket is replaced by bisection, so the iteration cannot
 *    diverge or cycle.
 *
 * The result is exact to the conditioning of the input: where the price carries enough digits
 * (vega not vanishing), σ comes back to about 1e-14 relative.
 */
import type { OptionRight } from '../instrument.ts';
import { INV_SQRT_2PI, normCdf } from './normal-distribution.ts';

/** Why an implied volatility could not be found. */
export type ImpliedVolatilityErrorCode = 'PRICE_BELOW_INTRINSIC' | 'PRICE_ABOVE_MAXIMUM' | 'INVALID_INPUT';

/** Inputs of an implied-volatility solve. */
export interface ImpliedVolatilityInput {
  readonly right: OptionRight;
  /** Observed option price in currency per unit of underlying. */
  readonly price: number;
  /** Underlying price in currency, > 0. */
  readonly spot: number;
  /** Strike in currency, > 0. */
  readonly strike: number;
  /** Time to expiry in years, > 0. */
  readonly timeToExpiry: number;
  /** Risk-free rate, continuously compounded, decimal per year. */
  readonly rate: number;
  /** Dividend yield, continuously compounded, decimal per year. */
  readonly dividendYield: number;
}

/** Outcome of an implied-volatility solve: a volatility, or a coded reason with the numbers. */
export type ImpliedVolatilityResult =
  | {
      readonly ok: true;
      /** Implied volatility, decimal per √year (0.2 = 20 vol); exactly 0 at intrinsic value. */
      readonly volatility: number;
      /** Halley/bisection iterations used (0 at intrinsic value). */
      readonly iterations: number;
    }
  | {
      readonly ok: false;
      readonly code: ImpliedVolatilityErrorCode;
      /** `CODE: key=value …` with the figures involved. */
      readonly message: string;
      readonly price: number;
      /** Discounted intrinsic value max(±(S·e^{−qT} − K·e^{−rT}), 0); NaN if inputs are invalid. */
      readonly lowerBound: number;
      /** Price at infinite volatility: S·e^{−qT} for a call, K·e^{−rT} for a put. */
      readonly upperBound: number;
    };

/** Iteration cap; bisection alone would reach double precision well inside it. */
const MAX_ITERATIONS = 100;
/** Relative bracket width at which bisection has converged (a few ulps of s). */
const STEP_TOLERANCE = 4 * Number.EPSILON;
/**
 * A Halley (or Newton) step smaller than this, relative to s, leaves an error of order its cube
 * (square): far below an ulp. Stopping there rather than at an ulp-sized step avoids chasing
 * the rounding noise of the objective, which would otherwise cost several bisections.
 */
const CONVERGED_STEP = 1e-9;

function failure(
  code: ImpliedVolatilityErrorCode,
  detail: string,
  price: number,
  lowerBound: number,
  upperBound: number,
): ImpliedVolatilityResult {
  return { ok: false, code, message: `${code}: ${detail}`, price, lowerBound, upperBound };
}

/**
 * Solves for the Black-Scholes-Merton implied volatility. Never throws: prices below the
 * discounted intrinsic value, at or above the maximum, and invalid inputs (non-finite numbers,
 * spot or strike ≤ 0, time to expiry ≤ 0, which has no volatility) come back as coded failures.
 * A price within a few ulps of the intrinsic value returns volatility 0 exactly.
 */
export function impliedVolatility(input: ImpliedVolatilityInput): ImpliedVolatilityResult {
  const { right, price, spot, strike, timeToExpiry: time, rate, dividendYield } = input;
  if (
    !(spot > 0 && strike > 0 && Number.isFinite(spot) && Number.isFinite(strike)) ||
    !Number.isFinite(price + rate + dividendYield + time) ||
    (right !== 'call' && right !== 'put')
  ) {
    return failure(
      'INVALID_INPUT',
      `right=${right} price=${price} spot=${spot} strike=${strike} time=${time} rate=${rate} dividendYield=${dividendYield}`,
      price,
      Number.NaN,
      Number.NaN,
    );
  }
  const a = spot * Math.exp(-dividendYield * time);
  const b = strike * Math.exp(-rate * time);
  const isCall = right === 'call';
  const upper = isCall ? a : b;
  const intrinsic = Math.max(isCall ? a - b : b - a, 0);
  if (!(time > 0)) {
    return failure(
      'INVALID_INPUT',
      `time=${time}: an option at expiry has no volatility`,
      price,
      intrinsic,
      upper,
    );
  }
  const timeValue = price - intrinsic;
  // In the money, a price computed by the same formulas may differ from the intrinsic value by
  // rounding alone; out of the money every positive price is a genuine time value.
  const slack = intrinsic > 0 ? 4 * Number.EPSILON * Math.max(a, b) : 0;
  if (timeValue < -slack) {
    return failure(
      'PRICE_BELOW_INTRINSIC',
      `price=${price} intrinsic=${intrinsic} (discounted)`,
      price,
      intrinsic,
      upper,
    );
  }
  if (price >= upper) {
    return failure('PRICE_ABOVE_MAXIMUM', `price=${price} maximum=${upper}`, price, intrinsic, upper);
  }
  if (timeValue <= slack) return { ok: true, volatility: 0, iterations: 0 };

  const x = -Math.abs(Math.log(spot / strike) + (rate - dividendYield) * time);
  const scale = Math.sqrt(a * b);
  // The distance to the maximum comes straight from the input: recomputing it as b_max − target
  // after normalising would cancel every digit for prices within rounding of the maximum.
  const { s, iterations } = solveNormalised(x, timeValue / scale, (upper - price) / scale);
  return { ok: true, volatility: s / Math.sqrt(time), iterations };
}

/** Normalised out-of-the-money call b(x, s) for x ≤ 0. */
function otmCall(x: number, s: number, ePlus: number, eMinus: number): number {
  const h = x / s;
  const t = 0.5 * s;
  return ePlus * normCdf(h + t) - eMinus * normCdf(h - t);
}

/** b_max − b(x, s) = e^{x/2}·N(−d1) + e^{−x/2}·N(d2), a sum without cancellation. */
function otmCallComplement(x: number, s: number, ePlus: number, eMinus: number): number {
  const h = x / s;
  const t = 0.5 * s;
  return ePlus * normCdf(-h - t) + eMinus * normCdf(h - t);
}

/** ∂b/∂s = e^{−(x²/s² + s²/4)/2}/√(2π) (the normalised vega). */
function otmVega(x: number, s: number): number {
  const h = x / s;
  const t = 0.5 * s;
  return INV_SQRT_2PI * Math.exp(-0.5 * (h * h + t * t));
}

/**
 * Finds s > 0 with b(x, s) = target for x ≤ 0 and 0 < target < e^{x/2}, where
 * complement = e^{x/2} − target > 0 is supplied by the caller. Halley iteration on a
 * transformed objective f (increasing in s), safeguarded by a bracket [lo, hi] with f(lo) < 0 < f(hi).
 *
 * Below the inflection point the iteration runs in w = 1/s²: there ln b ≈ −x²w/2 − (3/2)·ln w + c
 * is nearly linear in w, whereas in s it plunges towards s = 0 and Newton steps from the
 * inflection point would leave the bracket. Above it, ln(b_max − b) ≈ −s²/8 is smooth in s.
 */
function solveNormalised(x: number, target: number, complement: number): { s: number; iterations: number } {
  const ePlus = Math.exp(0.5 * x);
  const eMinus = Math.exp(-0.5 * x);
  const sc = Math.sqrt(-2 * x);
  const lower = sc > 0 && target < otmCall(x, sc, ePlus, eMinus);
  const logTarget = Math.log(lower ? target : complement);
  let lo = lower ? 0 : sc;
  let hi = lower ? sc : Number.POSITIVE_INFINITY;
  // Start at the inflection point, except at the money where it is 0 and the
  // Brenner–Subrahmanyam estimate s ≈ √(2π)·b is close.
  let s = sc > 0 ? sc : target / INV_SQRT_2PI;
  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    const vega = otmVega(x, s);
    const h = x / s;
    const curvature = (h * h) / s - 0.25 * s; // b''/b' = x²/s³ − s/4
    let f: number;
    let f1: number;
    let f2: number;
    if (lower) {
      const value = otmCall(x, s, ePlus, eMinus);
      const r = vega / value;
      f = Math.log(value) - logTarget;
      f1 = r;
      f2 = r * curvature - r * r;
    } else {
      const rest = otmCallComplement(x, s, ePlus, eMinus);
      const r = vega / rest;
      f = logTarget - Math.log(rest); // increasing in s, like the lower objective
      f1 = r;
      f2 = r * curvature + r * r;
    }
    if (f === 0) return { s, iterations: iteration };
    if (f < 0 || Number.isNaN(f)) lo = s;
    else hi = s;
    const next = lower ? halleyInInverseSquare(s, f, f1, f2) : halleyStep(s, f, f1, f2);
    if (Math.abs(next - s) <= CONVERGED_STEP * s) return { s: next, iterations: iteration };
    if (next > lo && next < hi) s = next;
    else if (Number.isFinite(hi)) s = 0.5 * (lo + hi);
    else s = 2 * Math.max(lo, 0.5);
    if (hi - lo <= STEP_TOLERANCE * s) return { s, iterations: iteration };
  }
  return { s, iterations: MAX_ITERATIONS };
}

/** One Halley step in s; plain Newton where the Halley correction is large. NaN if f1 is unusable. */
function halleyStep(s: number, f: number, f1: number, f2: number): number {
  if (!(f1 > 0 && Number.isFinite(f1))) return Number.NaN;
  const newton = f / f1;
  const denominator = 1 - (0.5 * newton * f2) / f1;
  return s - (denominator > 0.5 && denominator < 2 ? newton / denominator : newton);
}

/**
 * One Halley step in w = 1/s², mapped back to s. With s(w) = w^{−½}: s' = −s³/2 and
 * s'' = 3s⁵/4, so f_w = f1·s' and f_ww = f2·s'² + f1·s''.
 */
function halleyInInverseSquare(s: number, f: number, f1: number, f2: number): number {
  const s2 = s * s;
  const s3 = s2 * s;
  const fw = -0.5 * s3 * f1;
  const fww = 0.25 * s3 * s3 * f2 + 0.75 * s3 * s2 * f1;
  if (!(fw < 0 && Number.isFinite(fw))) return Number.NaN;
  const newton = f / fw;
  const denominator = 1 - (0.5 * newton * fww) / fw;
  const w = 1 / s2 - (denominator > 0.5 && denominator < 2 ? newton / denominator : newton);
  return w > 0 ? 1 / Math.sqrt(w) : Number.NaN;
}
