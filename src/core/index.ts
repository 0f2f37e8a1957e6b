// The risk core: pure domain code with no I/O. Explicit named exports, one concept per file.

export { barResolutionProblem, profileTimeframes } from './bars/profile-timeframes.ts';
export {
  barsPerYear,
  resolutionProblem,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type Timeframe,
} from './bars/timeframe.ts';
export { type CompletedBar, TimeframeBars } from './bars/timeframe-bars.ts';
export type { SymbolBook, WorkingOrder } from './book.ts';
export { ExposureBook } from './book.ts';
export type { Breaker, BreakerAction, BreakerFinding, RearmPolicy } from './breaker.ts';
export {
  buildBreakers,
  dailyLossBreaker,
  equityFloorBreaker,
  lossStreakBreaker,
  maxDrawdownBreaker,
  vixBreaker,
} from './breakers/account-breakers.ts';
export { correlationBreaker } from './breakers/correlation-breaker.ts';
export { greeksMonitorBreaker } from './breakers/greeks-monitor.ts';
export {
  closedReason,
  type ExchangeSession,
  exchangeSession,
  isEarlyClose,
  isTradingDay,
  nextSessionOpen,
  nextTradingDay,
  nyseHolidays,
} from './calendar/nyse-calendar.ts';
export type { Clock } from './clock.ts';
export { ManualClock } from './clock.ts';
export { BREAKER_CODES, type BreakerCode, DENIAL_CODES, type DenialCode } from './codes.ts';
export { CorrelationBreakerConfig } from './config/correlation-schema.ts';
export type { RiskProfile } from './config/load-profile.ts';
export { parseProfile, parseRiskProfileFile, parseSectorCsv, splitCsvLine } from './config/load-profile.ts';
export { GreeksLimitsConfig, OptionsConfig } from './config/options-schema.ts';
export type { ProfileInput } from './config/profile-schema.ts';
export { ProfileConfig, RiskProfileFile } from './config/profile-schema.ts';
export type { Decision, Modification, OrderEffect, Violation } from './decision.ts';
export { formatViolation, isRiskReducing } from './decision.ts';
export { classifyEffect, RiskEngine } from './engine.ts';
export type {
  ExitSignal,
  FillResult,
  InstrumentSource,
  ProtectionUpdate,
  RiskActions,
  RiskEngineOptions,
  RiskEvent,
  RiskEventListener,
  RiskSnapshot,
} from './engine-types.ts';
export type { EntryLevels, ExitProposal, ExitReason, ExitRule, LevelUpdate, PriceTick } from './exit-rule.ts';
export { buildExitRules, buildRegimeRule } from './exits/build-exit-rules.ts';
export {
  atrStopExit,
  breakevenExit,
  fixedStopExit,
  partialTakeProfitExit,
  takeProfitExit,
  trailingStopExit,
} from './exits/price-exits.ts';
export { type RegimeBand, regimeExit } from './exits/regime-exit.ts';
export { timeExit } from './exits/time-exit.ts';
export { Atr, type AtrMethod } from './indicators/atr.ts';
export { NamesCorrelation, type NamesCorrelationOptions } from './indicators/names-correlation.ts';
export { RealizedVolatility } from './indicators/realized-volatility.ts';
export {
  type AverageCorrelation,
  type PushResult,
  RollingCorrelation,
  type RollingCorrelationOptions,
} from './indicators/rolling-correlation.ts';
export { Sma } from './indicators/sma.ts';
export type { AssetClass, Instrument, OptionRight, OptionTerms } from './instrument.ts';
export { stock, UNKNOWN_SECTOR } from './instrument.ts';
export { REARM_BY, REARM_CODE } from './latch-rearm.ts';
export type {
  AccountSnapshot,
  Bar,
  Fill,
  ImpliedVolatilityReading,
  IndexLevel,
  Mark,
  MarketEvent,
  Quote,
  Split,
} from './market.ts';
export { MemoryRiskStateStore } from './memory-state-store.ts';
export {
  accumulatePositionGreeks,
  bsmGreeks,
  bsmGreeksInto,
  bsmPrice,
  type CalendarDate,
  type ContractCount,
  copyPositionGreeks,
  createGreeksBatch,
  DAYS_PER_YEAR,
  dollarDelta,
  dollarGamma,
  dollarRhoPerPercent,
  dollarThetaPerDay,
  dollarVega,
  type ExposureFigures,
  emptyGreeks,
  erf,
  erfc,
  expiryEpochMs,
  formatOccSymbol,
  type Greeks,
  type GreeksBatch,
  GreeksBook,
  type GreeksBreach,
  type GreeksLimitCode,
  type GreeksMeasure,
  type GreeksMeasures,
  type GreeksSnapshot,
  greeksMeasures,
  type ImpliedVolatilityErrorCode,
  type ImpliedVolatilityInput,
  type ImpliedVolatilityResult,
  impliedVolatility,
  isOptionInstrument,
  MS_PER_DAY,
  MS_PER_YEAR,
  normCdf,
  normPdf,
  type OccSymbolStyle,
  OPTION_MULTIPLIER,
  type OptionParameters,
  optionInstrument,
  type PortfolioErrorCode,
  PortfolioGreeks,
  type PortfolioGreeksOptions,
  type PortfolioRefusal,
  type PortfolioTotals,
  type PortfolioUpdate,
  type PositionGreeks,
  parseIsoDate,
  parseOccSymbol,
  positionGreeksInto,
  revalueBatch,
  rhoPerPercent,
  sharesDelta,
  stockPositionGreeksInto,
  type TotalFigures,
  thetaPerDay,
  totalBreaches,
  type UnderlyingGreeks,
  underlyingBreaches,
  valueOptionAt,
  vegaPerVolPoint,
  yearFraction,
  zeroPositionGreeks,
} from './options/index.ts';
export type { OrderInput, OrderIntent, OrderType, Protection, TimeInForce } from './order.ts';
export { parseOrderIntent } from './order.ts';
export type { ClosedTrade, Position } from './position.ts';
export { formatIssues, type Issue, type Parsed, ValidationError } from './result.ts';
export type { Adjustment, CheckInput, PreTradeRule, RiskContext, RuleFillEffect } from './rule.ts';
export { buildPreTradeRules } from './rules/build-rules.ts';
export { greeksLimitRules } from './rules/greeks-limits.ts';
export { indexFreshnessRule, requiredIndexNames } from './rules/index-freshness.ts';
export { resolveLimit, violation } from './rules/limits.ts';
export { isRegularHours, newYorkToEpoch, sessionDate } from './session.ts';
export { parseSide, type Side } from './side.ts';
export { type SizeBound, type SizeRequest, type SizeSuggestion, suggestSize } from './sizing.ts';
export type { BreakerTrip, DayStartEquity, PersistedRiskState, RiskStateStore } from './state-store.ts';
export { isOnTick, roundToTick, tickSize } from './tick.ts';
export type { TradingState, TradingStateRecord } from './trading-state.ts';
