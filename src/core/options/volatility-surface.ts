/**
 * A parametric volatility surface: the volatility an option is priced or valued with when no
 * market implied volatility is at hand (the simulated exchange prices every option with it; the
 * gateway falls back to it when an option's quote is stale).
 *
 * σ(K, S, T) = base + skew·m + curvature·m² + termSlope·(T − 0.25), with m = ln(K/S), clamped
 * to [minVolatility, maxVolatility]. A negative skew makes low strikes dearer (the equity smirk);
 * the curvature gives the smile; the term slope tilts the surface by maturity around 3 months.
 */
export interface VolatilitySurface {
  /** At-the-money volatility at 3 months, a fraction per √year (0.25 = 25 vol). */
  readonly base: number;
  /** Change of σ per unit of log-moneyness ln(K/S); negative for the usual equity skew. */
  readonly skew: number;
  /** Change of σ per unit of squared log-moneyness (the smile). */
  readonly curvature: number;
  /** Change of σ per year of maturity, measured from 3 months. */
  readonly termSlope: number;
  /** Floor of the surface, fraction per √year. */
  readonly minVolatility: number;
  /** Cap of the surface, fraction per √year. */
  readonly maxVolatility: number;
}

/** A plain equity surface: 25 vol at the money, a downward skew, a mild smile, flat term. */
export const DEFAULT_VOLATILITY_SURFACE: VolatilitySurface = {
  base: 0.25,
  skew: -0.15,
  curvature: 0.3,
  termSlope: 0,
  minVolatility: 0.05,
  maxVolatility: 3,
};

/**
 * The surface's volatility for a strike and spot (dollars) and a time to expiry (years, ACT/365),
 * a fraction per √year; NaN when spot or strike is not positive.
 */
export function surfaceVolatility(
  surface: VolatilitySurface,
  strike: number,
  spot: number,
  timeToExpiry: number,
): number {
  if (!(strike > 0) || !(spot > 0)) return Number.NaN;
  const m = Math.log(strike / spot);
  const t = Number.isFinite(timeToExpiry) ? Math.max(0, timeToExpiry) : 0;
  const sigma = surface.base + surface.skew * m + surface.curvature * m * m + surface.termSlope * (t - 0.25);
  return Math.min(surface.maxVolatility, Math.max(surface.minVolatility, sigma));
}
