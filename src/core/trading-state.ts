/** The account's trading state: a latch that only an explicit reset moves back. */
export type TradingState = 'active' | 'reducing' | 'halted';

/** Severity order: a breaker can only move the latch to a more severe state. */
const SEVERITY: Readonly<Record<TradingState, number>> = { active: 0, reducing: 1, halted: 2 };

export function isMoreSevere(next: TradingState, current: TradingState): boolean {
  return SEVERITY[next] > SEVERITY[current];
}

/** The latch's current value with who moved it, when and why. */
export interface TradingStateRecord {
  readonly state: TradingState;
  /** Breaker or action code, e.g. `DAILY_LOSS_LIMIT`, `KILL_SWITCH`, `RESET`. */
  readonly code: string;
  readonly reason: string;
  /** Who moved it: `engine` for breakers, otherwise the operator's identity. */
  readonly by: string;
  /** Epoch ms of the transition. */
  readonly at: number;
}

export const INITIAL_TRADING_STATE: TradingStateRecord = {
  state: 'active',
  code: 'INITIAL',
  reason: 'initial state',
  by: 'engine',
  at: 0,
};
