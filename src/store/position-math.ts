import type { Side } from '../core/side.ts';

/** A net position in one symbol as the store rebuilds it. */
export interface StoredPosition {
  readonly symbol: string;
  /** Signed quantity: positive long, negative short. Never zero in a list of open positions. */
  readonly qty: number;
  /** Average entry price in dollars of the open quantity. */
  readonly avgPrice: number;
}

/** The part of a fill that moves a position. */
export interface PositionFill {
  readonly symbol: string;
  readonly side: Side;
  /** Positive quantity. */
  readonly qty: number;
  /** Price in dollars. */
  readonly price: number;
}

/** Quantities closer to zero than this are flat: float sums of fractional fills leave dust. */
const FLAT_EPSILON = 1e-9;

/**
 * Applies one fill to a position: adding to it averages the entry price, reducing it keeps
 * the entry price, and crossing zero opens the remainder at the fill price. Returns null when
 * the position ends flat.
 */
export function applyFill(position: StoredPosition | null, fill: PositionFill): StoredPosition | null {
  const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
  const qty = position?.qty ?? 0;
  const next = qty + signed;
  if (Math.abs(next) <= FLAT_EPSILON) return null;
  if (position === null || qty === 0) {
    return { symbol: fill.symbol, qty: next, avgPrice: fill.price };
  }
  if (Math.sign(signed) === Math.sign(qty)) {
    const avg = (Math.abs(qty) * position.avgPrice + fill.qty * fill.price) / Math.abs(next);
    return { symbol: fill.symbol, qty: next, avgPrice: avg };
  }
  if (Math.sign(next) === Math.sign(qty)) return { ...position, qty: next };
  return { symbol: fill.symbol, qty: next, avgPrice: fill.price };
}

/** Folds fills, in the order given, onto starting positions; returns the open positions sorted by symbol. */
export function replayFills(
  start: readonly StoredPosition[],
  fills: Iterable<PositionFill>,
): StoredPosition[] {
  const bySymbol = new Map<string, StoredPosition>();
  for (const position of start)
    if (Math.abs(position.qty) > FLAT_EPSILON) bySymbol.set(position.symbol, position);
  for (const fill of fills) {
    const next = applyFill(bySymbol.get(fill.symbol) ?? null, fill);
    if (next === null) bySymbol.delete(fill.symbol);
    else bySymbol.set(fill.symbol, next);
  }
  return [...bySymbol.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
