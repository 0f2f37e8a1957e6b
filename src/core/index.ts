// The risk core: pure domain code with no I/O. Explicit named exports, one concept per file.
export type { SymbolBook, WorkingOrder } from './book.ts';
export { ExposureBook } from './book.ts';
export type { Breaker, BreakerAction, BreakerFinding } from './breaker.ts';
export {
  buildBreakers,
  dailyLossBreaker,
  equityFloorBreaker,
  lossStreakBreaker,
  maxDrawdownBreaker,
  vixBreaker,
} from './breakers/account-breakers.ts';
export type { Clock } from './clock.ts';
export { ManualClock } from './clock.ts';
export { BREAKER_CODES, type BreakerCode, DENIAL_CODES, type DenialCode } from './codes.ts';
export type { RiskProfile } from './config/load-profile.ts';
export { parseProfile, parseRiskProfileFile, parseSectorCsv, splitCsvLine } from './config/load-profile.ts';
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
export { RealizedVolatility } from './indicators/realized-volatility.ts';
export { Sma } from './indicators/sma.ts';
export type { AssetClass, Instrument, OptionRight, OptionTerms } from './instrument.ts';
export { stock, UNKNOWN_SECTOR } from './instrument.ts';
export type { AccountSnapshot, Bar, Fill, IndexLevel, Mark, MarketEvent, Quote, Split } from './market.ts';
export { MemoryRiskStateStore } from './memory-state-store.ts';
export type { OrderInput, OrderIntent, OrderType, Protection, TimeInForce } from './order.ts';
export { parseOrderIntent } from './order.ts';
export type { ClosedTrade, Position } from './position.ts';
export { formatIssues, type Issue, type Parsed, ValidationError } from './result.ts';
export type { Adjustment, CheckInput, PreTradeRule, RiskContext, RuleFillEffect } from './rule.ts';
export { buildPreTradeRules } from './rules/build-rules.ts';
export { resolveLimit, violation } from './rules/limits.ts';
export { isRegularHours, newYorkToEpoch, sessionDate } from './session.ts';
export { parseSide, type Side } from './side.ts';
export { type SizeBound, type SizeRequest, type SizeSuggestion, suggestSize } from './sizing.ts';
export type { BreakerTrip, DayStartEquity, PersistedRiskState, RiskStateStore } from './state-store.ts';
export { isOnTick, roundToTick, tickSize } from './tick.ts';
export type { TradingState, TradingStateRecord } from './trading-state.ts';
