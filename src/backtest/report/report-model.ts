import type { BacktestResult } from '../backtest-types.ts';
import type { MarketData } from '../data/bar-series.ts';
import {
  benchmarkSeries,
  calendarReturns,
  type DrawdownPeriod,
  drawdownPeriods,
  type MonthlyReturn,
  type SymbolResult,
  symbolResults,
  type YearlyReturn,
} from './report-figures.ts';

/** What the reports draw beyond the run itself. */
export interface ReportOptions {
  /** The run's market data: the benchmark and the price charts come from its bars (and splits). */
  readonly data?: MarketData;
  /** Symbol held for the buy-and-hold benchmark; default the run's first symbol. */
  readonly benchmark?: string;
  readonly title?: string;
}

/** A buy-and-hold of one symbol with the starting equity, at each equity point. */
export interface Benchmark {
  readonly symbol: string;
  readonly equity: Float64Array;
  readonly totalReturnPercent: number;
}

/** The figures the HTML and JSON reports add to the run's metrics. */
export interface ReportFigures {
  readonly benchmark: Benchmark | null;
  readonly monthly: readonly MonthlyReturn[];
  readonly yearly: readonly YearlyReturn[];
  /** The five deepest drawdowns. */
  readonly drawdowns: readonly DrawdownPeriod[];
  readonly symbols: readonly SymbolResult[];
}

/** A benchmark symbol with no bars in the run's data. */
export class BenchmarkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkError';
  }
}

/** Computes the report's figures; the benchmark needs `options.data`. */
export function reportFigures(result: BacktestResult, options: ReportOptions = {}): ReportFigures {
  const { time, equity } = result.equity;
  return {
    benchmark: benchmark(result, options),
    ...calendarReturns(time, equity, result.startingEquity),
    drawdowns: drawdownPeriods(time, equity, result.startingEquity, 5),
    symbols: symbolResults(result.trades, result.openPositions, time, result.symbols),
  };
}

function benchmark(result: BacktestResult, options: ReportOptions): Benchmark | null {
  const bars = options.data?.bars ?? [];
  const symbol = options.benchmark ?? result.symbols[0];
  if (symbol === undefined || bars.length === 0) {
    if (options.benchmark !== undefined)
      throw new BenchmarkError(`benchmark ${options.benchmark}: no market data given to compute it from`);
    return null;
  }
  const series = bars.find((b) => b.symbol === symbol);
  if (series === undefined)
    throw new BenchmarkError(
      `benchmark ${symbol}: no bars for it in the run; expected one of ${bars.map((b) => b.symbol).join(', ')}`,
    );
  const values = benchmarkSeries(result.equity.time, series, result.startingEquity, options.data?.splits);
  const last = values.length > 0 ? values[values.length - 1]! : Number.NaN;
  return { symbol, equity: values, totalReturnPercent: (last / result.startingEquity - 1) * 100 };
}
