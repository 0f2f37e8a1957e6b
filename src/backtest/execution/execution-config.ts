import type { BacktestOptions, TradeRecord } from '../backtest-types.ts';
import type { StrategyFill } from '../strategy.ts';
import type { BorrowModel } from './borrow.ts';
import type { CommissionModel, SlippageModel } from './costs.ts';
import type { IntrabarPath } from './fill-model.ts';

/** Execution settings with defaults applied. */
export interface ResolvedExecution {
  readonly marketFill: 'next-open' | 'this-close';
  readonly intrabarPath: IntrabarPath;
  readonly slippage: SlippageModel;
  readonly commission: CommissionModel;
  /** Fraction of a bar's volume fills may take; undefined for no cap. */
  readonly maxParticipation: number | undefined;
  readonly borrow: BorrowModel | undefined;
  readonly roundToTick: boolean;
  readonly cancelEntriesOnTrip: boolean;
}

/** The bar a symbol is on, so market orders in `this-close` mode can fill at its close. */
export interface CurrentBar {
  readonly time: number;
  readonly close: number;
  readonly volume: number;
}

/** Where fills and trades go. */
export interface FlowListener {
  onTrade(trade: TradeRecord): void;
  onFill(fill: StrategyFill): void;
}

/** Applies the documented defaults to execution options and checks their ranges. */
export function resolveExecution(options: BacktestOptions['execution'] = {}): ResolvedExecution {
  const cap = options.maxParticipation;
  if (cap !== undefined && !(cap > 0 && cap <= 1))
    throw new RangeError(`maxParticipation must be a fraction in (0, 1], got ${cap}`);
  const k = options.slippage?.impact?.k;
  if (k !== undefined && !(k >= 0 && Number.isFinite(k)))
    throw new RangeError(`slippage.impact.k must be a number ≥ 0, got ${k}`);
  return {
    marketFill: options.marketFill ?? 'next-open',
    intrabarPath: options.intrabarPath ?? 'stop-first',
    slippage: options.slippage ?? {},
    commission: options.commission ?? {},
    maxParticipation: cap,
    borrow: options.borrow,
    roundToTick: options.roundToTick ?? true,
    cancelEntriesOnTrip: options.cancelEntriesOnTrip ?? true,
  };
}
