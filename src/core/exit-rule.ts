import type { Instrument } from './instrument.ts';
import type { Position } from './position.ts';
import type { RiskContext } from './rule.ts';

/** Why a position is (partly) closed. Reports and the store use these words. */
export type ExitReason =
  | 'stop_loss'
  | 'take_profit'
  | 'trailing_stop'
  | 'breakeven_stop'
  | 'time_exit'
  | 'partial_take_profit'
  | 'breaker_flatten'
  | 'kill_switch'
  | 'manual'
  | 'end_of_data';

/** The prices of one market event, normalized: a bar, or a quote/mark with high = low = close. */
export interface PriceTick {
  readonly symbol: string;
  /** Epoch ms of the event (a bar's start). */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** True for a completed bar (bar counters advance only on bars). */
  readonly isBar: boolean;
}

/** An exit rule's request to close some or all of a position. */
export interface ExitProposal {
  readonly kind: 'exit';
  readonly reason: ExitReason;
  /** Quantity to close, positive, at most |position|. */
  readonly qty: number;
  /** Price at which the rule fired (stop or target level), or undefined for a market exit. */
  readonly price: number | undefined;
}

/** An exit rule's request to move the protective stop and/or target. */
export interface LevelUpdate {
  readonly kind: 'levels';
  readonly stop?: number;
  /** How a hit on the new stop is reported; defaults to `stop_loss`. */
  readonly stopReason?: 'stop_loss' | 'trailing_stop' | 'breakeven_stop';
  readonly target?: number;
  readonly reason: string;
}

/** Initial protective levels proposed when a position opens. */
export interface EntryLevels {
  readonly stop?: number;
  readonly target?: number;
}

/**
 * An exit rule: pure functions of the position, the tick and the context. Per-position
 * scratch state goes in `position.ruleState` under the rule's id.
 */
export interface ExitRule {
  readonly id: string;
  /** Levels to set when a position opens (the tightest stop among rules wins). */
  onEntry?(position: Position, instrument: Instrument, ctx: RiskContext): EntryLevels | null;
  /** Checks a position against a new price. */
  evaluate?(position: Position, tick: PriceTick, ctx: RiskContext): ExitProposal | LevelUpdate | null;
}

/** Ranking used to pick the most conservative exit when several fire on one event. */
export const EXIT_PRIORITY: Readonly<Record<string, number>> = {
  breaker_flatten: 0,
  kill_switch: 0,
  stop_loss: 1,
  trailing_stop: 2,
  breakeven_stop: 3,
  time_exit: 4,
  take_profit: 5,
  partial_take_profit: 6,
};
