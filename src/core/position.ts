import type { Timeframe } from './bars/timeframe.ts';

/** An open position and the per-position facts that exit rules and reports use. */
export interface Position {
  readonly symbol: string;
  /** Signed quantity: positive long, negative short. */
  qty: number;
  /** Average entry price in dollars. */
  avgPrice: number;
  /** Realized P&L in dollars since the position opened (partial exits, commissions). */
  realizedPnl: number;
  /** Epoch ms of the fill that opened the position. */
  entryTime: number;
  /** Bars fed to the engine (of the feed's own length) seen after the entry bar. */
  barsHeld: number;
  /** Completed bars of each timeframe the profile counts in whose start is after the entry. */
  readonly barsHeldBy: Partial<Record<Timeframe, number>>;
  /** Maximum favourable excursion in dollars per share since entry (≥ 0). */
  mfe: number;
  /** Maximum adverse excursion in dollars per share since entry (≥ 0). */
  mae: number;
  /** Current protective stop price, if any. */
  stop: number | undefined;
  /** What a hit on the current stop is reported as: stop_loss, trailing_stop or breakeven_stop. */
  stopReason: 'stop_loss' | 'trailing_stop' | 'breakeven_stop';
  /** Current take-profit price, if any. */
  target: number | undefined;
  /** Stop distance at entry in dollars per share: the R that R multiples refer to. */
  initialRisk: number | undefined;
  /** Epoch ms when the stop was last set; a bar starting at or before it cannot trigger it. */
  stopSetAt: number;
  /** Latest mark price in dollars. */
  lastPrice: number;
  strategy: string | undefined;
  /** Scratch state of exit rules (trailing high-water marks, partial exits done). */
  readonly ruleState: Record<string, number>;
}

/** Unrealized P&L of a position at its last price, in dollars. */
export function unrealizedPnl(p: Position, multiplier = 1): number {
  return (p.lastPrice - p.avgPrice) * p.qty * multiplier;
}

/** A closed round trip, reported when a position returns to flat. */
export interface ClosedTrade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly qty: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly entryTime: number;
  readonly exitTime: number;
  /** Net P&L in dollars including commissions. */
  readonly pnl: number;
  /** P&L divided by the initial risk, when a stop defined R. */
  readonly rMultiple: number | undefined;
  readonly barsHeld: number;
  readonly mfe: number;
  readonly mae: number;
  readonly exitReason: string;
  readonly strategy: string | undefined;
}
