import type { ExposureBook, SymbolBook } from './book.ts';
import type { Fill } from './market.ts';
import type { ClosedTrade, Position } from './position.ts';

/** What a fill did to its symbol's position. */
export interface FillOutcome {
  /** The position after the fill (undefined when flat). */
  readonly position: Position | undefined;
  /** Set when the fill closed a round trip (or the first leg of a flip). */
  readonly closedTrade: ClosedTrade | undefined;
  /** True when the fill opened a new position (from flat or by flipping). */
  readonly opened: boolean;
  /** Realized P&L of this fill in dollars, net of its commission. */
  readonly realizedPnl: number;
}

function newPosition(fill: Fill, qty: number): Position {
  return {
    symbol: fill.symbol,
    qty,
    avgPrice: fill.price,
    realizedPnl: 0,
    entryTime: fill.time,
    barsHeld: 0,
    barsHeldBy: {},
    mfe: 0,
    mae: 0,
    stop: undefined,
    stopReason: 'stop_loss',
    target: undefined,
    initialRisk: undefined,
    stopSetAt: fill.time,
    lastPrice: fill.price,
    strategy: fill.strategy,
    ruleState: {},
  };
}

/**
 * Applies a fill to one symbol's position and to the book's market value, in O(1).
 * Returns the cash change in dollars (negative for a buy) through `outcome`.
 */
export function applyFill(
  book: ExposureBook,
  entry: SymbolBook,
  fill: Fill,
  exitReason: string,
): { outcome: FillOutcome; cashDelta: number } {
  const mult = entry.instrument.multiplier;
  if (!Number.isFinite(entry.price)) {
    entry.price = fill.price;
    entry.priceTime = fill.time;
  }
  const mark = entry.price;
  const before = entry.position;
  const qBefore = before?.qty ?? 0;
  const signed = fill.side === 'buy' ? fill.qty : -fill.qty;
  const commission = fill.commission ?? 0;
  const cashDelta = -signed * fill.price * mult - commission;
  book.marketValue -= qBefore * mark * mult;

  let position = before;
  let closedTrade: ClosedTrade | undefined;
  let opened = false;
  let realized = -commission;
  if (position === undefined || qBefore === 0) {
    position = newPosition(fill, signed);
    opened = true;
  } else if (Math.sign(signed) === Math.sign(qBefore)) {
    const total = Math.abs(qBefore) + fill.qty;
    position.avgPrice = (position.avgPrice * Math.abs(qBefore) + fill.price * fill.qty) / total;
    position.qty = qBefore + signed;
  } else {
    const closing = Math.min(fill.qty, Math.abs(qBefore));
    const pnl = (fill.price - position.avgPrice) * closing * Math.sign(qBefore) * mult;
    realized += pnl;
    position.realizedPnl += pnl;
    const remaining = qBefore + signed;
    if (Math.abs(remaining) < 1e-9 || Math.sign(remaining) !== Math.sign(qBefore)) {
      const totalPnl = position.realizedPnl - commission;
      closedTrade = {
        symbol: position.symbol,
        side: qBefore > 0 ? 'long' : 'short',
        qty: Math.abs(position.ruleState['entry.maxQty'] ?? qBefore),
        entryPrice: position.avgPrice,
        exitPrice: fill.price,
        entryTime: position.entryTime,
        exitTime: fill.time,
        pnl: totalPnl,
        rMultiple:
          position.initialRisk !== undefined && position.initialRisk > 0
            ? totalPnl /
              (position.initialRisk * Math.abs(position.ruleState['entry.maxQty'] ?? qBefore) * mult)
            : undefined,
        barsHeld: position.barsHeld,
        mfe: position.mfe,
        mae: position.mae,
        exitReason: fill.reason ?? exitReason,
        strategy: position.strategy,
      };
      position = Math.abs(remaining) < 1e-9 ? undefined : newPosition(fill, remaining);
      opened = position !== undefined;
    } else {
      position.qty = remaining;
    }
  }
  // The fill's commission belongs to the round trip it is part of.
  if (position !== undefined && closedTrade === undefined) position.realizedPnl -= commission;
  if (position !== undefined) {
    const maxQty = position.ruleState['entry.maxQty'] ?? 0;
    if (Math.abs(position.qty) > maxQty) position.ruleState['entry.maxQty'] = Math.abs(position.qty);
  }

  const wasOpen = qBefore !== 0;
  entry.position = position;
  const isOpen = position !== undefined;
  if (wasOpen !== isOpen) book.openPositions += isOpen ? 1 : -1;
  book.marketValue += (position?.qty ?? 0) * mark * mult;
  book.updatePendingOpen(entry);
  book.refresh(entry);
  return { outcome: { position, closedTrade, opened, realizedPnl: realized }, cashDelta };
}
