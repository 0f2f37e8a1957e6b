import type { RearmPolicy } from '../core/breaker.ts';
import type { RiskProfile } from '../core/config/load-profile.ts';
import type { ExitSignal, RiskEngineOptions } from '../core/engine-types.ts';
import type { TradingState } from '../core/trading-state.ts';
import type { MarketData } from './data/bar-series.ts';
import type { BorrowModel } from './execution/borrow.ts';
import type { CommissionModel, SlippageModel } from './execution/costs.ts';
import type { IntrabarPath } from './execution/fill-model.ts';
import type { Metrics } from './metrics.ts';
import type { StopHistory } from './stop-track.ts';
import type { Strategy } from './strategy.ts';

/** How the simulated broker fills orders. Every field has a default. */
export interface ExecutionOptions {
  /** When market orders fill: at the next bar's open (default) or at the close of the bar they were sent on. */
  readonly marketFill?: 'next-open' | 'this-close';
  /** Which extreme a bar reaches first when several orders could fill in it. Default `stop-first`. */
  readonly intrabarPath?: IntrabarPath;
  readonly slippage?: SlippageModel;
  readonly commission?: CommissionModel;
  /**
   * Largest fraction (0–1] of a bar's volume that fills in one symbol may take (at least one
   * share a bar); the rest of an order stays working for later bars (day orders expire with the
   * session). Unset: no cap. A bar with zero volume counts as volume unknown and is not capped.
   */
  readonly maxParticipation?: number;
  /** Borrow fee on short positions held overnight. Unset: shorts cost nothing to hold. */
  readonly borrow?: BorrowModel;
  /**
   * Round stop and limit levels to the tick before they rest at the broker (stops away from the
   * price, targets toward the entry), as a real broker requires. Default true.
   */
  readonly roundToTick?: boolean;
  /** Cancel working entry orders when a breaker trips. Default true. */
  readonly cancelEntriesOnTrip?: boolean;
}

/** What the run paid in dollars, by kind. */
export interface RunCosts {
  readonly commission: number;
  /** All slippage: `slippageByKind.fixed + spread + impact`. */
  readonly slippage: number;
  /** Fixed bps, half-spread, and square-root impact. */
  readonly slippageByKind: { readonly fixed: number; readonly spread: number; readonly impact: number };
  /** Borrow fees on shorts held overnight. */
  readonly borrow: number;
}

/** Everything one backtest run needs. */
export interface BacktestOptions {
  readonly data: MarketData;
  // biome-ignore lint/suspicious/noExplicitAny: a strategy's state type is its own business.
  readonly strategy: Strategy<any>;
  readonly profile: RiskProfile;
  /** First instant (epoch ms) the strategy trades; earlier bars only warm up indicators. */
  readonly from?: number;
  /** Last instant (epoch ms) processed. */
  readonly to?: number;
  readonly execution?: ExecutionOptions;
  /** Sector per symbol; wins over the data's sectors, loses to the profile's `sectors`. */
  readonly sectors?: Readonly<Record<string, string>>;
  /** Close positions still open after the last bar at its close (exit reason `end_of_data`). Default false. */
  readonly closeAtEnd?: boolean;
  /**
   * The simulated operator for `manual` latches: resets the engine (back to `active`, breakers
   * re-armed) once a manual latch has held the account out of `active` for this many days and,
   * when the profile has a VIX breaker, the VIX is below its `resumeBelow`. Latches with an
   * automatic policy (`next-session`, `when-clear`) lift by themselves and do not wait for it.
   * A backtest has nobody to press reset, so by default (unset) a manual latch holds to the end;
   * the run reports which policy each breaker has and warns when a latch holds too long.
   */
  readonly resetAfterDays?: number;
  /** Called now and then with slices done and the total (for a progress bar). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Extra rules, exit rules and breakers for the risk engine. */
  readonly engine?: Pick<RiskEngineOptions, 'rules' | 'exitRules' | 'breakers'>;
}

/** One closed round trip. Prices in dollars, times in epoch ms. */
export interface TradeRecord {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Largest size held, in shares. */
  readonly qty: number;
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Net P&L in dollars after commissions. */
  readonly pnl: number;
  /** P&L in units of the initial risk (stop distance × shares), when a stop defined it. */
  readonly rMultiple: number | undefined;
  readonly barsHeld: number;
  readonly exitReason: string;
  /** Best and worst excursion in dollars per share. */
  readonly mfe: number;
  readonly mae: number;
}

/** A position still open at the end of the run. */
export interface OpenPositionRecord {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly lastPrice: number;
  readonly entryTime: number;
  /** Unrealized P&L in dollars. */
  readonly unrealizedPnl: number;
}

/** Counts of what happened to orders. */
export interface OrderCounts {
  submitted: number;
  accepted: number;
  modified: number;
  denied: number;
  filled: number;
  partiallyFilled: number;
  canceled: number;
  expired: number;
  fills: number;
}

/** What the risk engine did during the run. */
export interface RiskActivity {
  /** Denied orders per violation code, most frequent first, with one example message each. */
  readonly denials: readonly { code: string; count: number; example: string }[];
  readonly trips: readonly {
    time: number;
    code: string;
    /** What the trip did: latched the account (`reducing`, `halted`) or paused entries for a cooldown. */
    action: 'reducing' | 'halted' | 'pause';
    flatten: boolean;
    message: string;
  }[];
  /** The trading state over time: each interval with the code that started it. */
  readonly states: readonly { state: TradingState; from: number; to: number; code: string; reason: string }[];
  /** Share of the run (by time) spent in each state, 0–1, and the time in days. */
  readonly timeInState: Readonly<Record<TradingState, { fraction: number; days: number }>>;
  /** Exit signals raised by the engine per reason (stops, time exits, flattening, ...). */
  readonly exitSignals: Readonly<Record<string, number>>;
  /** How latches were lifted, how long they held and what to change when they held too long. */
  readonly latch: LatchReport;
}

/** The latches of a run: policies, the simulated operator, re-arms, time latched, warnings. */
export interface LatchReport {
  /** Each breaker's latch policy (`manual`, `next-session`, `when-clear`). */
  readonly policies: readonly { id: string; code: string; rearm: RearmPolicy }[];
  /**
   * The simulated operator who resets `manual` latches (`resetAfterDays`, `--reset-after-days`):
   * null days when there is none, so a manual latch holds to the end of the run.
   */
  readonly operator: { readonly resetAfterDays: number | null; readonly resets: number };
  /** Latches lifted by their breaker's policy, in order. */
  readonly rearms: readonly { time: number; code: string; policy: RearmPolicy; reason: string }[];
  /** Share of the run (by time) spent `reducing` or `halted`, 0–1. */
  readonly latchedFraction: number;
  /** Latched time per breaker code that held the latch (the most severe one held). */
  readonly latchedBy: Readonly<Record<string, { fraction: number; days: number }>>;
  /** The state at the end and the breaker holding it (`INITIAL`/`RESET`/`REARM` when active). */
  readonly end: { readonly state: TradingState; readonly code: string; readonly since: number };
  /** Ends latched, or latched more than half the run: naming the breaker and the fix. */
  readonly warnings: readonly string[];
}

/** The outcome of a run. */
export interface BacktestResult {
  readonly strategy: string;
  readonly symbols: readonly string[];
  /** First and last instants of the equity curve, epoch ms. */
  readonly start: number;
  readonly end: number;
  readonly startingEquity: number;
  readonly finalEquity: number;
  readonly trades: readonly TradeRecord[];
  /** Every exit signal the engine raised (exit rules, breakers), in order, with its event's time. */
  readonly exits: readonly ExitSignal[];
  /** Each symbol's protective stop level after every slice where it changed (NaN: none from then on). */
  readonly stops: Readonly<Record<string, StopHistory>>;
  readonly openPositions: readonly OpenPositionRecord[];
  /** Equity in dollars after each slice from `from` on, with gross exposure in dollars. */
  readonly equity: {
    readonly time: Float64Array;
    readonly equity: Float64Array;
    readonly gross: Float64Array;
  };
  readonly orders: Readonly<OrderCounts>;
  readonly costs: RunCosts;
  readonly risk: RiskActivity;
  readonly metrics: Metrics;
  /** Bars processed, slices, and the event loop's wall time (data loading excluded). */
  readonly stats: { readonly bars: number; readonly slices: number; readonly loopMs: number };
  /** Lines the strategy wrote with `ctx.log`. */
  readonly log: readonly string[];
}
