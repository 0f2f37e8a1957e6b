import { performance } from 'node:perf_hooks';
import { barResolutionProblem } from '../core/bars/profile-timeframes.ts';
import { ManualClock } from '../core/clock.ts';
import type { RiskProfile } from '../core/config/load-profile.ts';
import { RiskEngine } from '../core/engine.ts';
import { NO_ACTIONS, type RiskActions } from '../core/engine-types.ts';
import { type Instrument, stock, UNKNOWN_SECTOR } from '../core/instrument.ts';
import type { Bar } from '../core/market.ts';
import type { BacktestOptions, BacktestResult, OpenPositionRecord, TradeRecord } from './backtest-types.ts';
import type { BarSeries, IndexSeries } from './data/bar-series.ts';
import { BorrowAccrual } from './execution/borrow.ts';
import { SpreadBook } from './execution/costs.ts';
import { type CurrentBar, resolveExecution } from './execution/execution-config.ts';
import { OrderFlow } from './execution/order-flow.ts';
import { MarketView, RECENT_BARS } from './market-view.ts';
import { computeMetrics } from './metrics.ts';
import { OPERATOR, RiskActivityRecorder } from './risk-activity.ts';
import { StopTrack } from './stop-track.ts';
import { BacktestContext } from './strategy-context.ts';

/** A strategy's own code threw: the run stops, naming the strategy, the call and the bar. */
export class StrategyError extends Error {
  readonly code = 'STRATEGY_FAILED' as const;

  constructor(strategy: string, where: string, cause: unknown) {
    super(
      `strategy ${strategy} threw in ${where}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'StrategyError';
  }
}

/** The data's bars cannot feed the profile's timeframes (e.g. daily data for a `1m` rule). */
export class BarResolutionError extends Error {
  readonly code = 'BAR_RESOLUTION' as const;

  constructor(message: string) {
    super(message);
    this.name = 'BarResolutionError';
  }
}

const RECENT_MASK = RECENT_BARS - 1;

const BAR_MS: Readonly<Record<BarSeries['resolution'], number>> = {
  minute: 60_000,
  hour: 3_600_000,
  daily: 86_400_000,
  irregular: Number.NaN,
};

/** The length of a series' bars in ms, checked against every timeframe the profile counts in. */
function barLengthMs(series: BarSeries, profile: RiskProfile): number {
  const ms = BAR_MS[series.resolution];
  const problem = barResolutionProblem(profile, ms);
  if (problem !== null) {
    throw new BarResolutionError(
      `${series.symbol} (${series.source}) has ${series.resolution} bars: ${problem}; use finer data or a coarser timeframe in the profile`,
    );
  }
  return ms;
}

/**
 * Runs a strategy over market data with the risk engine on, in one shared account. Each slice of
 * bars sharing a start time goes through, for every bar of the slice in turn: (1) the broker
 * matches resting orders against the bar; (2) `engine.onMarket` marks, runs exit rules and
 * breakers; (3) the strategy sees the bar and sends orders; (4) each order goes through
 * `validateOrder`; (5) fills go back through `onFill`. Index levels and splits are delivered
 * before the first slice at or after their time. See docs/BACKTEST.md for every fill assumption.
 */
export function runBacktest(options: BacktestOptions): BacktestResult {
  const { strategy, profile } = options;
  const exec = resolveExecution(options.execution);
  const view = new MarketView(options.data);
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const sectors = { ...options.data.sectors, ...options.sectors, ...profile.sectors };
  const instruments = new Map<string, Instrument>(
    view.symbols.map((s) => [s, stock(s, sectors[s] ?? UNKNOWN_SECTOR)]),
  );
  // Each bar tells the engine its length, from which it builds the bars the profile counts in;
  // bars that cannot build them (daily data for a 1m rule) refuse the run before it starts.
  const barMs = view.series.map((s) => barLengthMs(s, profile));
  const clock = new ManualClock(view.slices > 0 ? view.sliceTime[0]! : 0);
  const engine = new RiskEngine({
    profile,
    clock,
    instruments: (s) => instruments.get(s),
    ...options.engine,
  });
  const resetAfterDays = options.resetAfterDays;
  if (resetAfterDays !== undefined && !(resetAfterDays >= 0))
    throw new RangeError(`resetAfterDays must be a number of days ≥ 0, got ${resetAfterDays}`);
  const activity = new RiskActivityRecorder(engine, resetAfterDays ?? null);
  const trades: TradeRecord[] = [];
  const log: string[] = [];
  const currentBar = (symbol: string): CurrentBar | undefined => {
    const id = view.seriesOf.get(symbol);
    if (id === undefined || view.cursor[id]! < 0) return undefined;
    const s = view.series[id]!;
    const i = view.cursor[id]!;
    return { time: s.time[i]!, close: s.close[i]!, volume: s.volume[i]! };
  };
  let ctx: BacktestContext<unknown> | undefined;
  const flow = new OrderFlow(
    engine,
    exec,
    strategy.name,
    options.data.quotes.length > 0
      ? new SpreadBook(options.data.quotes, exec.slippage.maxQuoteAgeMs)
      : undefined,
    {
      onTrade: (t) => trades.push(t),
      onFill: strategy.onFill === undefined ? () => {} : (f) => strategy.onFill!(f, ctx!),
    },
    currentBar,
  );
  const borrow = exec.borrow === undefined ? undefined : new BorrowAccrual(exec.borrow);
  const shortBook = { shorts: () => shortPositions(engine) };
  const volatility = flow.volatility;
  ctx = new BacktestContext(engine, flow, view, strategy.initialState?.() ?? {}, log);

  const indexEvents = mergeIndexes(options.data.indexes);
  const splits = [...options.data.splits].sort((a, b) => a.time - b.time);
  let nextIndex = 0;
  let nextSplit = 0;
  const pendingIndex = new Map<string, { time: number; value: number }>();
  let started = false;
  const eqTime = new Float64Array(view.slices);
  const eqValue = new Float64Array(view.slices);
  const eqGross = new Float64Array(view.slices);
  const stops = new StopTrack();
  let points = 0;
  let bars = 0;
  const sliceBars: Bar[] = [];
  const handle = (actions: RiskActions) => {
    if (actions.exits.length > 0 || actions.updates.length > 0 || actions.trips.length > 0)
      flow.handleActions(actions);
  };
  const deliverIndex = (name: string, time: number, value: number) => {
    clock.set(time);
    handle(engine.onMarket({ kind: 'index', name, time, value }));
  };

  strategy.init?.(ctx);
  const resetAfterMs = resetAfterDays === undefined ? undefined : resetAfterDays * 86_400_000;
  // The operator waits for the VIX to settle below the VIX breaker's re-arm level, if there is one.
  const vixResume = profile.breakers.vix?.resumeBelow;
  const calm = () => vixResume === undefined || !(engine.indexLevel('VIX') >= vixResume);
  /** When the oldest manual latch in force tripped (NaN with none). */
  const manualSince = () => {
    let since = Number.NaN;
    for (const trip of engine.latches)
      if ((trip.rearm ?? 'manual') === 'manual' && !(trip.at >= since)) since = trip.at;
    return since;
  };
  const progressEvery = Math.max(1, Math.floor(view.slices / 200));
  // Locals for the hot loop: typed arrays and the series list, read once.
  const { sliceTime, sliceStart, order, cursor, series, slab, recentClose } = view;
  const t0 = performance.now();
  let k = 0;
  for (; k < view.slices; k++) {
    const T = sliceTime[k]!;
    if (T > to) break;
    // Index readings known by now, oldest first; before `from` only the latest is kept.
    while (nextIndex < indexEvents.length && indexEvents[nextIndex]!.time <= T) {
      const e = indexEvents[nextIndex++]!;
      if (e.time < from) pendingIndex.set(e.name, e);
      else deliverIndex(e.name, e.time, e.value);
    }
    const live = T >= from;
    if (live && !started) {
      started = true;
      for (const [name, e] of pendingIndex) deliverIndex(name, e.time, e.value);
    }
    clock.set(T);
    // The simulated operator resets only manual latches: the others lift by their own policy.
    if (
      resetAfterMs !== undefined &&
      T - activity.latchedSince >= resetAfterMs &&
      T - manualSince() >= resetAfterMs &&
      calm()
    ) {
      engine.reset(OPERATOR, `scheduled review ${resetAfterDays} day(s) after the latch`);
    }
    while (nextSplit < splits.length && splits[nextSplit]!.time <= T) {
      const split = splits[nextSplit++]!;
      const id = view.seriesOf.get(split.symbol);
      if (id === undefined) continue;
      engine.onMarket({ kind: 'split', symbol: split.symbol, ratio: split.ratio, time: T });
      flow.broker.rescale(split.symbol, split.ratio);
      volatility?.split(split.symbol, split.ratio);
      view.applySplit(id, split.ratio);
      ctx.indicators.invalidate(split.symbol);
    }
    // Shorts held overnight pay their borrow fee at the first slice of a session.
    if (borrow !== undefined) {
      const fee = borrow.accrue(T, shortBook);
      if (fee > 0) handle(engine.onCashFlow({ time: T, amount: -fee, reason: 'borrow' }));
    }
    const first = sliceStart[k]!;
    const last = sliceStart[k + 1]!;
    // (1) resting orders against each bar
    for (let j = first; j < last; j++) {
      const id = order[j]!;
      const i = ++cursor[id]!;
      const s = series[id]!;
      recentClose[id * RECENT_BARS + (i & RECENT_MASK)] = slab !== undefined ? slab[j * 5 + 3]! : s.close[i]!;
      if (flow.broker.size === 0) continue;
      if (slab !== undefined) {
        const b = j * 5;
        flow.matchBar(s.symbol, T, slab[b]!, slab[b + 1]!, slab[b + 2]!, slab[b + 3]!, slab[b + 4]!);
      } else flow.matchBar(s.symbol, T, s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!);
    }
    // (2) the engine: marks, exit rules, breakers
    let barsInSlice = 0;
    for (let j = first; j < last; j++) {
      const id = order[j]!;
      const s = series[id]!;
      const i = cursor[id]!;
      const b = j * 5;
      const bar: Bar = {
        kind: 'bar',
        symbol: s.symbol,
        time: T,
        open: slab !== undefined ? slab[b]! : s.open[i]!,
        high: slab !== undefined ? slab[b + 1]! : s.high[i]!,
        low: slab !== undefined ? slab[b + 2]! : s.low[i]!,
        close: slab !== undefined ? slab[b + 3]! : s.close[i]!,
        volume: slab !== undefined ? slab[b + 4]! : s.volume[i]!,
        durationMs: barMs[id]!,
      };
      sliceBars[barsInSlice++] = bar;
      volatility?.observe(bar.symbol, T, bar.close);
      const actions = engine.onMarket(bar);
      if (
        actions !== NO_ACTIONS &&
        (actions.exits.length > 0 || actions.updates.length > 0 || actions.trips.length > 0)
      )
        flow.handleActions(actions);
    }
    bars += last - first;
    if (!live) continue;
    // (3)–(5) the strategy; its orders are validated and (for close fills) filled as it sends them
    for (let j = 0; j < barsInSlice; j++) {
      const bar = sliceBars[j]!;
      try {
        strategy.onBar(bar, ctx);
      } catch (error) {
        throw new StrategyError(
          strategy.name,
          `onBar(${bar.symbol} ${new Date(bar.time).toISOString()})`,
          error,
        );
      }
    }
    eqTime[points] = T;
    eqValue[points] = engine.equity;
    eqGross[points] = stops.record(T, engine.book);
    points++;
    if (options.onProgress !== undefined && k % progressEvery === 0) options.onProgress(k, view.slices);
  }
  const loopMs = performance.now() - t0;
  if (options.closeAtEnd === true) {
    for (const symbol of view.symbols) {
      const bar = currentBar(symbol);
      if (bar !== undefined) flow.liquidate(symbol, bar.close, 'end_of_data', bar.volume);
    }
    if (points > 0) eqValue[points - 1] = engine.equity;
  }
  strategy.onEnd?.(ctx);
  options.onProgress?.(view.slices, view.slices);
  const start = points > 0 ? eqTime[0]! : Number.NaN;
  const end = points > 0 ? eqTime[points - 1]! : Number.NaN;
  const equity = {
    time: eqTime.slice(0, points),
    equity: eqValue.slice(0, points),
    gross: eqGross.slice(0, points),
  };
  return {
    strategy: strategy.name,
    symbols: view.symbols,
    start,
    end,
    startingEquity: profile.startingEquity,
    finalEquity: engine.equity,
    trades,
    exits: flow.exitLog,
    stops: stops.bySymbol,
    openPositions: openPositions(engine),
    equity,
    orders: { ...flow.counts },
    costs: {
      commission: flow.commissionPaid,
      slippage: flow.slippageCost,
      slippageByKind: { ...flow.slippageByKind },
      borrow: borrow?.paid ?? 0,
    },
    risk: activity.finish(start, end, flow.exitSignals),
    metrics: computeMetrics(equity.time, equity.equity, equity.gross, trades, profile.startingEquity),
    stats: { bars, slices: k, loopMs },
    log,
  };
}

/** Open short positions with their last price, for the borrow fee. */
function* shortPositions(engine: RiskEngine): Generator<{ symbol: string; qty: number; price: number }> {
  if (engine.book.openPositions === 0) return;
  for (const entry of engine.book.symbols.values()) {
    const p = entry.position;
    if (p !== undefined && p.qty < 0)
      yield { symbol: p.symbol, qty: p.qty * entry.instrument.multiplier, price: entry.price };
  }
}

function openPositions(engine: RiskEngine): OpenPositionRecord[] {
  const out: OpenPositionRecord[] = [];
  for (const entry of engine.book.symbols.values()) {
    const p = entry.position;
    if (p === undefined || p.qty === 0) continue;
    out.push({
      symbol: p.symbol,
      qty: p.qty,
      avgPrice: p.avgPrice,
      lastPrice: p.lastPrice,
      entryTime: p.entryTime,
      unrealizedPnl: (p.lastPrice - p.avgPrice) * p.qty,
    });
  }
  return out;
}

/** All index readings in time order. */
function mergeIndexes(indexes: readonly IndexSeries[]): { name: string; time: number; value: number }[] {
  const events: { name: string; time: number; value: number }[] = [];
  for (const s of indexes)
    for (let i = 0; i < s.length; i++) events.push({ name: s.name, time: s.time[i]!, value: s.value[i]! });
  return events.sort((a, b) => a.time - b.time);
}
