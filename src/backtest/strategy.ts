import type { Decision, Violation } from '../core/decision.ts';
import type { Bar } from '../core/market.ts';
import type { SizeRequest, SizeSuggestion } from '../core/sizing.ts';
import type { TradingState } from '../core/trading-state.ts';

/** Options of an order sent from a strategy. Prices in dollars. */
export interface OrderOptions {
  /** Default `market`. Stop and stop-limit orders trigger on the bar's range. */
  readonly type?: 'market' | 'limit' | 'stop' | 'stop_limit';
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  /** Protective stop for the position this entry opens (a bracket leg, active after the fill bar). */
  readonly stopLoss?: number;
  /** Take-profit for the position this entry opens (the other bracket leg; OCO with the stop). */
  readonly takeProfit?: number;
  /** `gtc` (default) stays until filled or canceled; `day` expires after its first session. */
  readonly timeInForce?: 'day' | 'gtc';
  /** Orders with the same group cancel each other once one fills. */
  readonly oco?: string;
  /** Exit reason recorded when this order closes a position (default `strategy`). */
  readonly reason?: string;
}

/** What happened to an order when it was sent. */
export interface OrderTicket {
  /** Client order id, for {@link StrategyContext.cancel}. */
  readonly id: string;
  /** `working` at the broker, `filled` at once (close fills), or `denied` by the risk engine. */
  readonly status: 'working' | 'filled' | 'denied';
  /** The risk engine's decision, with any modifications it made (e.g. an attached stop). */
  readonly decision: Decision;
  /** Why it was denied (empty otherwise). */
  readonly violations: readonly Violation[];
}

/** A position as a strategy sees it; `qty` is 0 when flat. */
export interface PositionView {
  readonly symbol: string;
  /** Signed shares: positive long, negative short. */
  readonly qty: number;
  /** Average entry price in dollars (NaN when flat). */
  readonly avgPrice: number;
  /** Current protective stop and target in dollars, if any. */
  readonly stop: number | undefined;
  readonly target: number | undefined;
  /** Bars since the entry bar. */
  readonly barsHeld: number;
  /** Unrealized P&L in dollars at the last price. */
  readonly unrealizedPnl: number;
}

/** A working order as a strategy sees it. */
export interface OrderView {
  readonly id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly role: 'entry' | 'exit' | 'stop-leg' | 'target-leg';
  /** Shares still to fill. */
  readonly remaining: number;
  readonly limitPrice: number | undefined;
  readonly stopPrice: number | undefined;
}

/** A fill reported to {@link Strategy.onFill}. */
export interface StrategyFill {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** Dollars per share after slippage. */
  readonly price: number;
  readonly time: number;
  readonly reason: string | undefined;
}

/** Bar fields an indicator can read. */
export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Everything a strategy can see and do. Orders go through the risk engine first: a denied order
 * comes back with its violations and never reaches the broker.
 */
export interface StrategyContext<State = Record<string, unknown>> {
  /** Start of the current bar, epoch ms. */
  readonly time: number;
  /** Account equity in dollars (cash plus positions at their last price). */
  readonly equity: number;
  /** Cash in dollars. */
  readonly cash: number;
  readonly tradingState: TradingState;
  /** Every symbol in the data. */
  readonly symbols: readonly string[];
  /** Per-run scratch state, created by {@link Strategy.initialState}. */
  readonly state: State;
  buy(symbol: string, qty: number, options?: OrderOptions): OrderTicket;
  sell(symbol: string, qty: number, options?: OrderOptions): OrderTicket;
  /** Closes the whole position at market; undefined when flat. */
  close(symbol: string, options?: Pick<OrderOptions, 'reason'>): OrderTicket | undefined;
  /** Cancels a working order; false when it is no longer working. */
  cancel(orderId: string): boolean;
  openOrders(symbol?: string): readonly OrderView[];
  position(symbol: string): PositionView;
  /** A bar `ago` bars back (0 = current), or undefined before the data starts. */
  bar(symbol: string, ago?: number): Bar | undefined;
  /** Number of bars of `symbol` seen so far. */
  barCount(symbol: string): number;
  /** The last `length` values of a field, oldest first (a view: do not keep it across bars). */
  history(symbol: string, field: BarField, length: number): Float64Array;
  /** Simple moving average of the close over `period` bars, `ago` bars back (NaN while warming up). */
  sma(symbol: string, period: number, ago?: number): number;
  /** Exponential moving average of the close (seeded with the first `period` closes' mean). */
  ema(symbol: string, period: number): number;
  /** Average true range in dollars, simple average of `period` true ranges, `ago` bars back. */
  atr(symbol: string, period: number, ago?: number): number;
  /** Highest value of `field` (default high) over `period` bars ending `ago` bars back. */
  highest(symbol: string, period: number, field?: BarField, ago?: number): number;
  /** Lowest value of `field` (default low) over `period` bars ending `ago` bars back. */
  lowest(symbol: string, period: number, field?: BarField, ago?: number): number;
  /** Wilder's RSI of the close (0–100). */
  rsi(symbol: string, period: number): number;
  /**
   * Suggests a size from the risk engine: the profile's risk percent of equity lost if the stop
   * is hit, never more than the headroom left under the exposure limits and buying power (working
   * orders counted). `qty` is 0 when nothing fits; `bound` and `explanation` say why.
   */
  suggestSize(request: SizeRequest): SizeSuggestion;
  /** Writes a line to the run log (kept in the result, not printed). */
  log(message: string): void;
}

/** A backtest strategy. `onBar` runs once per bar after the risk engine has seen it. */
export interface Strategy<State = Record<string, unknown>> {
  readonly name: string;
  /** Fresh state for each run, reachable as `ctx.state`. */
  initialState?(): State;
  /** Called once before the first bar. */
  init?(ctx: StrategyContext<State>): void;
  onBar(bar: Bar, ctx: StrategyContext<State>): void;
  onFill?(fill: StrategyFill, ctx: StrategyContext<State>): void;
  /** Called once after the last bar. */
  onEnd?(ctx: StrategyContext<State>): void;
}

/**
 * Declares a strategy with type inference for its state. Checks the shape at once so a
 * mistake in a strategy file fails when it is loaded, not halfway through a run.
 */
export function defineStrategy<State = Record<string, unknown>>(strategy: Strategy<State>): Strategy<State> {
  if (typeof strategy !== 'object' || strategy === null) throw new TypeError('a strategy must be an object');
  if (typeof strategy.name !== 'string' || strategy.name.trim() === '')
    throw new TypeError('a strategy needs a non-empty name');
  if (typeof strategy.onBar !== 'function')
    throw new TypeError(`strategy ${strategy.name} needs an onBar(bar, ctx)`);
  return strategy;
}

/** Runtime check for a value loaded from a strategy file (its default export). */
export function isStrategy(value: unknown): value is Strategy<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Strategy<unknown>>;
  return typeof s.name === 'string' && s.name.trim() !== '' && typeof s.onBar === 'function';
}
