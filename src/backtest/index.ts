// The backtester's public API: explicit named exports.
export type {
  BacktestOptions,
  BacktestResult,
  ExecutionOptions,
  OpenPositionRecord,
  OrderCounts,
  RiskActivity,
  TradeRecord,
} from './backtest-types.ts';
export type {
  BarSeries,
  IndexSeries,
  MarketData,
  QuoteSeries,
  Resolution,
  SplitEvent,
} from './data/bar-series.ts';
export { BarSeriesBuilder, EMPTY_MARKET_DATA } from './data/bar-series.ts';
export { DataError, type DataErrorCode } from './data/data-error.ts';
export { type LoadOptions, type LoadResult, loadMarketData } from './data/load-market-data.ts';
export type { CommissionModel, SlippageModel } from './execution/costs.ts';
export { resolveExecution } from './execution/execution-config.ts';
export type { IntrabarPath } from './execution/fill-model.ts';
export { loadStrategy, StrategyLoadError } from './load-strategy.ts';
export { computeMetrics, drawdownSeries, type Metrics, profitFactor, sortinoRatio } from './metrics.ts';
export { toHtmlReport } from './report/html-report.ts';
export { toJsonReport } from './report/json-report.ts';
export {
  benchmarkSeries,
  calendarReturns,
  type DrawdownPeriod,
  drawdownPeriods,
  type MonthlyReturn,
  type SymbolResult,
  symbolResults,
  type YearlyReturn,
} from './report/report-figures.ts';
export {
  type Benchmark,
  BenchmarkError,
  type ReportFigures,
  type ReportOptions,
  reportFigures,
} from './report/report-model.ts';
export { toTextSummary } from './report/text-summary.ts';
export { BarResolutionError, runBacktest, StrategyError } from './run-backtest.ts';
export type { StopHistory } from './stop-track.ts';
export type {
  BarField,
  OrderOptions,
  OrderTicket,
  OrderView,
  PositionView,
  Strategy,
  StrategyContext,
  StrategyFill,
} from './strategy.ts';
export { defineStrategy, isStrategy } from './strategy.ts';
export {
  defaultSyntheticSymbols,
  gaussian,
  generateSyntheticMarket,
  type SyntheticMarketOptions,
  type SyntheticSymbol,
  seededRandom,
  weekdays,
} from './synthetic-market.ts';
