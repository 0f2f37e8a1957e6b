import type { RiskEngine } from '../core/engine.ts';
import type { Bar } from '../core/market.ts';
import type { Side } from '../core/side.ts';
import type { SizeRequest, SizeSuggestion } from '../core/sizing.ts';
import type { TradingState } from '../core/trading-state.ts';
import type { BarSeries } from './data/bar-series.ts';
import type { OrderFlow } from './execution/order-flow.ts';
import { type MarketView, recentCloseMean } from './market-view.ts';
import { atrMean, RecursiveIndicators, windowExtreme } from './series-indicators.ts';
import type {
  BarField,
  OrderOptions,
  OrderTicket,
  OrderView,
  PositionView,
  StrategyContext,
} from './strategy.ts';

const EMPTY = new Float64Array(0);
const NO_ORDERS: readonly OrderView[] = Object.freeze([]);

function flatView(symbol: string): PositionView {
  return {
    symbol,
    qty: 0,
    avgPrice: Number.NaN,
    stop: undefined,
    target: undefined,
    barsHeld: 0,
    unrealizedPnl: 0,
  };
}

/** The {@link StrategyContext} of a backtest run: reads the market view and trades through the order flow. */
export class BacktestContext<State> implements StrategyContext<State> {
  readonly state: State;
  readonly symbols: readonly string[];
  readonly indicators = new RecursiveIndicators();
  readonly #engine: RiskEngine;
  readonly #flow: OrderFlow;
  readonly #view: MarketView;
  readonly #log: string[];
  /** One frozen view per symbol for the common case of a flat position (no allocation per call). */
  readonly #flat = new Map<string, PositionView>();
  #lastSymbol = '';
  #lastId = -1;

  constructor(engine: RiskEngine, flow: OrderFlow, view: MarketView, state: State, log: string[]) {
    this.#engine = engine;
    this.#flow = flow;
    this.#view = view;
    this.state = state;
    this.symbols = view.symbols;
    this.#log = log;
  }

  get time(): number {
    return this.#engine.now();
  }
  get equity(): number {
    return this.#engine.equity;
  }
  get cash(): number {
    return this.#engine.equity - this.#engine.book.marketValue;
  }
  get tradingState(): TradingState {
    return this.#engine.tradingState;
  }

  buy(symbol: string, qty: number, options: OrderOptions = {}): OrderTicket {
    return this.#send(symbol, 'buy', qty, options);
  }

  sell(symbol: string, qty: number, options: OrderOptions = {}): OrderTicket {
    return this.#send(symbol, 'sell', qty, options);
  }

  close(symbol: string, options: Pick<OrderOptions, 'reason'> = {}): OrderTicket | undefined {
    const qty = this.#flow.positionQty(symbol);
    if (qty === 0) return undefined;
    const ticket = this.#flow.submit(symbol, qty > 0 ? 'sell' : 'buy', Math.abs(qty), options, 'exit');
    if (ticket.status === 'working') this.#flow.legs.cancel(symbol);
    return ticket;
  }

  #send(symbol: string, side: Side, qty: number, options: OrderOptions): OrderTicket {
    if (!(qty > 0) || !Number.isFinite(qty))
      throw new RangeError(`${side}(${symbol}): qty must be a positive number of shares, got ${qty}`);
    const type = options.type ?? 'market';
    if ((type === 'limit' || type === 'stop_limit') && !(options.limitPrice! > 0))
      throw new RangeError(`${side}(${symbol}): a ${type} order needs a positive limitPrice`);
    if ((type === 'stop' || type === 'stop_limit') && !(options.stopPrice! > 0))
      throw new RangeError(`${side}(${symbol}): a ${type} order needs a positive stopPrice`);
    return this.#flow.submit(symbol, side, qty, options, 'entry');
  }

  cancel(orderId: string): boolean {
    const order = this.#flow.broker.get(orderId);
    if (order === undefined) return false;
    this.#flow.cancel(order);
    return true;
  }

  openOrders(symbol?: string): readonly OrderView[] {
    const orders = symbol === undefined ? [...this.#flow.broker.all()] : this.#flow.broker.working(symbol);
    if (orders.length === 0) return NO_ORDERS;
    return orders.map((o) => ({
      id: o.id,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      role: o.role,
      remaining: o.remaining,
      limitPrice: o.limitPrice,
      stopPrice: o.stopPrice,
    }));
  }

  position(symbol: string): PositionView {
    const p = this.#engine.book.symbols.get(symbol)?.position;
    if (p === undefined || p.qty === 0) {
      let flat = this.#flat.get(symbol);
      if (flat === undefined) this.#flat.set(symbol, (flat = Object.freeze(flatView(symbol))));
      return flat;
    }
    return {
      symbol,
      qty: p.qty,
      avgPrice: p.avgPrice,
      stop: p.stop,
      target: p.target,
      barsHeld: p.barsHeld,
      unrealizedPnl: (p.lastPrice - p.avgPrice) * p.qty,
    };
  }

  /** Series id of a symbol (−1 when unknown); the last answer is kept, as strategies ask about one symbol at a time. */
  #id(symbol: string): number {
    if (symbol !== this.#lastSymbol) {
      this.#lastSymbol = symbol;
      this.#lastId = this.#view.seriesOf.get(symbol) ?? -1;
    }
    return this.#lastId;
  }

  /** The series of a symbol, or undefined when the data has no such symbol. */
  #series(symbol: string): BarSeries | undefined {
    const id = this.#id(symbol);
    return id < 0 ? undefined : this.#view.series[id];
  }

  /** Index of the bar `ago` bars back (negative before the data starts). */
  #index(symbol: string, ago: number): number {
    const id = this.#id(symbol);
    return id < 0 ? -1 : this.#view.cursor[id]! - ago;
  }

  bar(symbol: string, ago = 0): Bar | undefined {
    const s = this.#series(symbol);
    const i = this.#index(symbol, ago);
    if (s === undefined || i < 0) return undefined;
    return {
      kind: 'bar',
      symbol,
      time: s.time[i]!,
      open: s.open[i]!,
      high: s.high[i]!,
      low: s.low[i]!,
      close: s.close[i]!,
      volume: s.volume[i]!,
    };
  }

  barCount(symbol: string): number {
    return this.#index(symbol, 0) + 1;
  }

  history(symbol: string, field: BarField, length: number): Float64Array {
    const s = this.#series(symbol);
    const end = this.#index(symbol, 0) + 1;
    if (s === undefined || end <= 0) return EMPTY;
    return s[field].subarray(Math.max(0, end - length), end);
  }

  sma(symbol: string, period: number, ago = 0): number {
    const id = this.#id(symbol);
    return id < 0 ? Number.NaN : recentCloseMean(this.#view, id, this.#view.cursor[id]! - ago, period);
  }

  ema(symbol: string, period: number): number {
    const s = this.#series(symbol);
    return s === undefined
      ? Number.NaN
      : this.indicators.ema(symbol, s.close, this.#index(symbol, 0), period);
  }

  atr(symbol: string, period: number, ago = 0): number {
    const s = this.#series(symbol);
    return s === undefined ? Number.NaN : atrMean(s.high, s.low, s.close, this.#index(symbol, ago), period);
  }

  highest(symbol: string, period: number, field: BarField = 'high', ago = 0): number {
    const s = this.#series(symbol);
    return s === undefined ? Number.NaN : windowExtreme(s[field], this.#index(symbol, ago), period, true);
  }

  lowest(symbol: string, period: number, field: BarField = 'low', ago = 0): number {
    const s = this.#series(symbol);
    return s === undefined ? Number.NaN : windowExtreme(s[field], this.#index(symbol, ago), period, false);
  }

  rsi(symbol: string, period: number): number {
    const s = this.#series(symbol);
    return s === undefined
      ? Number.NaN
      : this.indicators.rsi(symbol, s.close, this.#index(symbol, 0), period);
  }

  suggestSize(request: SizeRequest): SizeSuggestion {
    return this.#engine.suggestSize(request);
  }

  log(message: string): void {
    this.#log.push(`${new Date(this.#engine.now()).toISOString()} ${message}`);
  }
}
