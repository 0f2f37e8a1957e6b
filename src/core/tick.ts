/**
 * US equity tick rules: prices at or above $1 trade in whole cents, prices below $1 in
 * hundredths of a cent. Arithmetic is done in integer ticks so that 0.1 + 0.2 never
 * produces an off-tick price.
 */

/** Tick size in dollars for a price: 0.01 at or above $1, 0.0001 below. */
export function tickSize(price: number): number {
  return Math.abs(price) >= 1 ? 0.01 : 0.0001;
}

const TICKS_PER_DOLLAR_HIGH = 100;
const TICKS_PER_DOLLAR_LOW = 10_000;

/** Direction of rounding: `down` toward −∞, `up` toward +∞, `nearest` half away from zero. */
export type RoundingDirection = 'down' | 'up' | 'nearest';

/**
 * Rounds a price to its band's tick. The band is decided on the rounded value so that
 * 0.99995 rounded up lands on 1.00, not 0.9999+.
 */
export function roundToTick(price: number, direction: RoundingDirection = 'nearest'): number {
  if (!Number.isFinite(price)) return price;
  const perDollar = Math.abs(price) >= 1 ? TICKS_PER_DOLLAR_HIGH : TICKS_PER_DOLLAR_LOW;
  const rounded = roundWith(price, perDollar, direction);
  // Crossing the $1 boundary changes the band; re-round in the band of the result.
  if (perDollar === TICKS_PER_DOLLAR_LOW && Math.abs(rounded) >= 1)
    return roundWith(price, TICKS_PER_DOLLAR_HIGH, direction);
  return rounded;
}

function roundWith(price: number, perDollar: number, direction: RoundingDirection): number {
  // Scale and strip float noise first: 1.005 * 100 = 100.49999999999999.
  const scaled = Number((price * perDollar).toFixed(6));
  let ticks: number;
  if (direction === 'down') ticks = Math.floor(scaled);
  else if (direction === 'up') ticks = Math.ceil(scaled);
  else ticks = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return ticks / perDollar;
}

/** True when a price sits exactly on its band's tick grid. */
export function isOnTick(price: number): boolean {
  if (!Number.isFinite(price)) return false;
  const perDollar = Math.abs(price) >= 1 ? TICKS_PER_DOLLAR_HIGH : TICKS_PER_DOLLAR_LOW;
  const scaled = price * perDollar;
  return Math.abs(scaled - Math.round(scaled)) < 1e-6;
}

/**
 * The conservative rounding direction for a protective stop: a sell stop (protecting a long)
 * never rounds up and a buy stop (protecting a short) never rounds down, so a rounded stop can
 * never cross the broker's base-price check (sell stop ≤ base − 0.01) it was computed to pass.
 */
export function protectiveStopDirection(stopSide: 'buy' | 'sell'): RoundingDirection {
  return stopSide === 'sell' ? 'down' : 'up';
}

/**
 * The conservative direction for a limit price: a buy limit rounds down (never pays more),
 * a sell limit rounds up (never receives less).
 */
export function limitDirection(side: 'buy' | 'sell'): RoundingDirection {
  return side === 'buy' ? 'down' : 'up';
}
