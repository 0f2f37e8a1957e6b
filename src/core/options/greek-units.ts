/**
 * Conversions from raw Black-Scholes-Merton Greeks (per unit of underlying, per 1.00 of vol and
 * rate, per year) to the units traders quote, and to dollar exposures of a position.
 *
 * Conventions (m = contract multiplier, n = signed quantity in contracts or shares):
 * - vega per vol point = vega / 100; theta per calendar day = theta / 365 (T is ACT/365);
 *   rho per 1% = rho / 100.
 * - shares delta = Δ·m·n (shares of the underlying); dollar delta = Δ·S·m·n.
 * - gamma (shares) = Γ·m·n: change in shares delta for a $1 move of the underlying.
 * - **dollar gamma = Γ·S²/100·m·n** ("gamma cash"): the change in shares delta when the
 *   underlying moves 1% (Γ·S/100 per unit), valued in dollars at S; that is, the dollars of
 *   stock to trade to re-hedge after a 1% move. It carries no ½: the gamma P&L of a move of k%
 *   is ½·Γ·(k·S/100)²·m·n = dollar gamma · k²/200, i.e. dollar gamma / 200 for a 1% move.
 * - dollar vega = vega/100·m·n per vol point; dollar theta = theta/365·m·n per calendar day;
 *   dollar rho = rho/100·m·n per 1% of rate.
 */
import type { Greeks } from './black-scholes.ts';

/** Calendar days per year of the ACT/365 day count used for time to expiry. */
export const DAYS_PER_YEAR = 365;

/** Vega per volatility point (0.01 of σ), from raw vega per 1.00 of σ. Currency per unit. */
export function vegaPerVolPoint(vega: number): number {
  return vega / 100;
}

/** Theta per calendar day, from raw theta per year. Currency per unit per day. */
export function thetaPerDay(theta: number): number {
  return theta / DAYS_PER_YEAR;
}

/** Rho per 1% of the interest rate, from raw rho per 1.00. Currency per unit. */
export function rhoPerPercent(rho: number): number {
  return rho / 100;
}

/** Shares-equivalent delta Δ·m·n, in shares of the underlying. */
export function sharesDelta(delta: number, multiplier: number, quantity: number): number {
  return delta * multiplier * quantity;
}

/** Dollar delta Δ·S·m·n: the value, in dollars, of the stock position with the same delta (a 1% move gains 1% of it). */
export function dollarDelta(delta: number, spot: number, multiplier: number, quantity: number): number {
  return delta * spot * multiplier * quantity;
}

/** Dollar gamma Γ·S²/100·m·n: the change in shares delta for a 1% move of the underlying, in dollars at S. */
export function dollarGamma(gamma: number, spot: number, multiplier: number, quantity: number): number {
  return ((gamma * spot * spot) / 100) * multiplier * quantity;
}

/** Dollar vega: dollars per volatility point (vega/100·m·n). */
export function dollarVega(vega: number, multiplier: number, quantity: number): number {
  return vegaPerVolPoint(vega) * multiplier * quantity;
}

/** Dollar theta: dollars per calendar day (theta/365·m·n). */
export function dollarThetaPerDay(theta: number, multiplier: number, quantity: number): number {
  return thetaPerDay(theta) * multiplier * quantity;
}

/** Dollar rho: dollars per 1% of the interest rate (rho/100·m·n). */
export function dollarRhoPerPercent(rho: number, multiplier: number, quantity: number): number {
  return rhoPerPercent(rho) * multiplier * quantity;
}

/** The risk of one position in trader units; every field scales with the signed quantity. */
export interface PositionGreeks {
  /** Market value, dollars (price·m·n). */
  value: number;
  /** Shares of the underlying (Δ·m·n). */
  sharesDelta: number;
  /** Dollars (Δ·S·m·n). */
  dollarDelta: number;
  /** Shares per $1 move of the underlying (Γ·m·n). */
  gamma: number;
  /** Dollars: change in shares delta for a 1% move, valued at S (Γ·S²/100·m·n). */
  dollarGamma: number;
  /** Dollars per volatility point. */
  dollarVega: number;
  /** Dollars per calendar day. */
  dollarThetaPerDay: number;
  /** Dollars per 1% of the interest rate. */
  dollarRhoPerPercent: number;
}

/** A PositionGreeks object with every field 0. */
export function zeroPositionGreeks(): PositionGreeks {
  return {
    value: 0,
    sharesDelta: 0,
    dollarDelta: 0,
    gamma: 0,
    dollarGamma: 0,
    dollarVega: 0,
    dollarThetaPerDay: 0,
    dollarRhoPerPercent: 0,
  };
}

/**
 * Scales raw Greeks of one unit of underlying to a position of `quantity` contracts of
 * `multiplier` units each at underlying price `spot`, writing into `out` (no allocation).
 */
export function positionGreeksInto(
  out: PositionGreeks,
  raw: Greeks,
  spot: number,
  multiplier: number,
  quantity: number,
): PositionGreeks {
  const units = multiplier * quantity;
  out.value = raw.price * units;
  out.sharesDelta = raw.delta * units;
  out.dollarDelta = raw.delta * spot * units;
  out.gamma = raw.gamma * units;
  out.dollarGamma = ((raw.gamma * spot * spot) / 100) * units;
  out.dollarVega = (raw.vega / 100) * units;
  out.dollarThetaPerDay = (raw.theta / DAYS_PER_YEAR) * units;
  out.dollarRhoPerPercent = (raw.rho / 100) * units;
  return out;
}

/** The exposure of a stock position: shares delta = m·n, dollar delta = value = S·m·n, no other Greeks. */
export function stockPositionGreeksInto(
  out: PositionGreeks,
  spot: number,
  multiplier: number,
  quantity: number,
): PositionGreeks {
  const shares = multiplier * quantity;
  out.value = spot * shares;
  out.sharesDelta = shares;
  out.dollarDelta = spot * shares;
  out.gamma = 0;
  out.dollarGamma = 0;
  out.dollarVega = 0;
  out.dollarThetaPerDay = 0;
  out.dollarRhoPerPercent = 0;
  return out;
}

/** Adds `sign` × `source` to `target` field by field (sign −1 subtracts); returns `target`. */
export function accumulatePositionGreeks(
  target: PositionGreeks,
  source: PositionGreeks,
  sign: 1 | -1 = 1,
): PositionGreeks {
  target.value += sign * source.value;
  target.sharesDelta += sign * source.sharesDelta;
  target.dollarDelta += sign * source.dollarDelta;
  target.gamma += sign * source.gamma;
  target.dollarGamma += sign * source.dollarGamma;
  target.dollarVega += sign * source.dollarVega;
  target.dollarThetaPerDay += sign * source.dollarThetaPerDay;
  target.dollarRhoPerPercent += sign * source.dollarRhoPerPercent;
  return target;
}

/** Copies every field of `source` into `target`; returns `target`. */
export function copyPositionGreeks(target: PositionGreeks, source: PositionGreeks): PositionGreeks {
  target.value = source.value;
  target.sharesDelta = source.sharesDelta;
  target.dollarDelta = source.dollarDelta;
  target.gamma = source.gamma;
  target.dollarGamma = source.dollarGamma;
  target.dollarVega = source.dollarVega;
  target.dollarThetaPerDay = source.dollarThetaPerDay;
  target.dollarRhoPerPercent = source.dollarRhoPerPercent;
  return target;
}
