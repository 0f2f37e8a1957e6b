/**
 * Where and at what price a resting order fills inside one OHLC bar. A bar only tells us four
 * prices, so the path between them is an assumption: the price goes open → first extreme →
 * second extreme → close, and which extreme comes first is chosen by {@link IntrabarPath}.
 */

/**
 * Which extreme of a bar is reached first when several orders could fill in it.
 * - `stop-first` (default, conservative): the extreme against the open position comes first,
 *   so a bar touching both the stop and the target fills the stop.
 * - `target-first`: the favourable extreme comes first (optimistic).
 * - `bar-shape`: a bar that closes at or above its open dipped first (open → low → high →
 *   close); one that closes below rallied first (open → high → low → close).
 */
export type IntrabarPath = 'stop-first' | 'target-first' | 'bar-shape';

/** True when the bar is assumed to reach its low before its high. */
export function lowFirst(path: IntrabarPath, positionQty: number, open: number, close: number): boolean {
  if (positionQty === 0 || path === 'bar-shape') return close >= open;
  const long = positionQty > 0;
  return path === 'stop-first' ? long : !long;
}

/** The kind of trigger a resting order has, as far as matching is concerned. */
export type TriggerKind = 'market' | 'limit' | 'stop';

/** Where an order fills in a bar: `at` orders fills along the path, `price` in dollars. */
export interface PathFill {
  /** 0 at the open, then 1–2 along the first leg and 2–3 along the second. */
  readonly at: number;
  readonly price: number;
  /** True when the bar opened through the level (a gap): filled at the open. */
  readonly gapped: boolean;
}

/**
 * Finds the first point on the bar's path where an order can fill.
 * - market: at the open.
 * - buy limit: at the open if it is at or below the limit, else at the limit when the low reaches
 *   it (sell limit mirrored) — a limit fills at the limit or better.
 * - buy stop: at the open if it is at or above the stop (gap), else at the stop when the high
 *   reaches it (sell stop mirrored). The stop price is the trigger; slippage is applied later.
 * Returns undefined when the bar never reaches the level.
 */
export function findFill(
  kind: TriggerKind,
  side: 'buy' | 'sell',
  level: number,
  open: number,
  high: number,
  low: number,
  isLowFirst: boolean,
): PathFill | undefined {
  if (kind === 'market') return { at: 0, price: open, gapped: false };
  // A buy limit and a sell stop fill when the price falls to the level; the others when it rises.
  const fallsTo = (kind === 'limit') === (side === 'buy');
  if (fallsTo ? open <= level : open >= level) return { at: 0, price: open, gapped: true };
  if (fallsTo ? low > level : high < level) return undefined;
  // The level lies strictly inside the move from the open to the extreme in its direction.
  const extreme = fallsTo ? low : high;
  const leg = fallsTo === isLowFirst ? 1 : 2;
  const from = leg === 1 ? open : fallsTo ? high : low;
  const span = Math.abs(extreme - from);
  const fraction = span > 0 ? Math.abs(level - from) / span : 0;
  return { at: leg + fraction, price: level, gapped: false };
}
