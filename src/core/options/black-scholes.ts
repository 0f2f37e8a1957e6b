/**
 * Black-Scholes-Merton price and Greeks of a European option on an underlying paying a
 * continuous dividend yield.
 *
 * Raw units throughout (per ONE unit of underlying, multiplier 1, quantity 1):
 * price in currency; delta dimensionless; gamma per unit of spot; vega per 1.00 of volatility;
 * theta = ∂V/∂t per year of calendar time (negative = decay); rho per 1.00 of rate.
 * Convert at the edges with `greek-units.ts`.
 */
import type { OptionRight } from '../instrument.ts';
import { createGreeksBatch, valueOptionAt } from './greeks-batch.ts';

/** Price and first-order Greeks of one option, in raw units (see the module comment). */
export interface Greeks {
  /** Option value in currency per unit of underlying. */
  price: number;
  /** ∂V/∂S, dimensionless: calls in [0, e^{−qT}], puts in [−e^{−qT}, 0]. */
  delta: number;
  /** ∂²V/∂S², per unit of spot. */
  gamma: number;
  /** ∂V/∂σ per 1.00 of volatility (divide by 100 for per vol point). */
  vega: number;
  /** ∂V/∂t per year of calendar time; negative means the option loses value as time passes. */
  theta: number;
  /** ∂V/∂r per 1.00 of the interest rate (divide by 100 for per 1%). */
  rho: number;
}

/** Inputs of one Black-Scholes-Merton valuation. */
export interface OptionParameters {
  readonly right: OptionRight;
  /** Underlying price in currency, > 0. */
  readonly spot: number;
  /** Strike in currency, > 0. */
  readonly strike: number;
  /** Time to expiry in years (ACT/365); ≤ 0 means expired. */
  readonly timeToExpiry: number;
  /** Risk-free rate, continuously compounded, decimal per year (0.05 = 5%). */
  readonly rate: number;
  /** Dividend yield, continuously compounded, decimal per year. */
  readonly dividendYield: number;
  /** Volatility, decimal per √year (0.20 = 20 vol), ≥ 0. */
  readonly volatility: number;
}

/** A fresh Greeks object with every field NaN, for use as a reusable output buffer. */
export function emptyGreeks(): Greeks {
  return {
    price: Number.NaN,
    delta: Number.NaN,
    gamma: Number.NaN,
    vega: Number.NaN,
    theta: Number.NaN,
    rho: Number.NaN,
  };
}

// A batch of one: the scalar functions run the same kernel as batch revaluation. Sharing it is
// safe because the kernel is synchronous.
const one = createGreeksBatch(1);
const priceOnly = emptyGreeks();

/**
 * Computes the price and all five Greeks in one pass (d1, d2, the discount factors and the
 * normal density are shared) and writes them into `out`; returns `out`. No allocation.
 *
 * Boundary behaviour (see `valueOptionAt` for the full statement):
 * - invalid input (spot or strike not > 0, volatility < 0, any NaN) → every field NaN;
 * - at or after expiry (`time ≤ 0`) → intrinsic value, delta a step (±½ exactly at the strike),
 *   gamma = vega = theta = rho = 0;
 * - zero volatility with `time > 0` → the deterministic forward limit: max(±(S·e^{−qT} − K·e^{−rT}), 0),
 *   with the forward's delta, theta and rho on the in-the-money side, gamma 0.
 */
export function bsmGreeksInto(
  out: Greeks,
  right: OptionRight,
  spot: number,
  strike: number,
  time: number,
  rate: number,
  dividendYield: number,
  volatility: number,
): Greeks {
  // Loaded here rather than through a helper: a call V8 does not inline would box each double.
  one.isCall[0] = right === 'call' ? 1 : 0;
  one.spot[0] = spot;
  one.strike[0] = strike;
  one.timeToExpiry[0] = time;
  one.rate[0] = rate;
  one.dividendYield[0] = dividendYield;
  one.volatility[0] = volatility;
  valueOptionAt(one, 0);
  out.price = one.price[0] as number;
  out.delta = one.delta[0] as number;
  out.gamma = one.gamma[0] as number;
  out.vega = one.vega[0] as number;
  out.theta = one.theta[0] as number;
  out.rho = one.rho[0] as number;
  return out;
}

/** Price and Greeks of one option as a new object; see {@link bsmGreeksInto} for units and edge cases. */
export function bsmGreeks(p: OptionParameters): Greeks {
  return bsmGreeksInto(
    emptyGreeks(),
    p.right,
    p.spot,
    p.strike,
    p.timeToExpiry,
    p.rate,
    p.dividendYield,
    p.volatility,
  );
}

/**
 * The Black-Scholes-Merton price alone, in currency per unit of underlying; same conventions
 * and edge cases as {@link bsmGreeksInto}.
 */
export function bsmPrice(
  right: OptionRight,
  spot: number,
  strike: number,
  time: number,
  rate: number,
  dividendYield: number,
  volatility: number,
): number {
  return bsmGreeksInto(priceOnly, right, spot, strike, time, rate, dividendYield, volatility).price;
}
