/**
 * Options: Black-Scholes-Merton pricing and Greeks, implied volatility, unit conversions,
 * OCC symbols, expiry time, incrementally maintained portfolio Greeks, the engine's Greeks book
 * and the Greeks limit measures.
 */
export {
  bsmGreeks,
  bsmGreeksInto,
  bsmPrice,
  emptyGreeks,
  type Greeks,
  type OptionParameters,
} from './black-scholes.ts';
export type { ContractCount } from './contract-counts.ts';
export {
  type CalendarDate,
  expiryEpochMs,
  MS_PER_DAY,
  MS_PER_YEAR,
  parseIsoDate,
  yearFraction,
} from './expiry-time.ts';
export {
  accumulatePositionGreeks,
  copyPositionGreeks,
  DAYS_PER_YEAR,
  dollarDelta,
  dollarGamma,
  dollarRhoPerPercent,
  dollarThetaPerDay,
  dollarVega,
  type PositionGreeks,
  positionGreeksInto,
  rhoPerPercent,
  sharesDelta,
  stockPositionGreeksInto,
  thetaPerDay,
  vegaPerVolPoint,
  zeroPositionGreeks,
} from './greek-units.ts';
export { createGreeksBatch, type GreeksBatch, revalueBatch, valueOptionAt } from './greeks-batch.ts';
export { GreeksBook, type GreeksSnapshot, isOptionInstrument } from './greeks-book.ts';
export {
  type ExposureFigures,
  type GreeksBreach,
  type GreeksLimitCode,
  type GreeksMeasure,
  type GreeksMeasures,
  greeksMeasures,
  type TotalFigures,
  totalBreaches,
  underlyingBreaches,
} from './greeks-limits.ts';
export {
  type ImpliedVolatilityErrorCode,
  type ImpliedVolatilityInput,
  type ImpliedVolatilityResult,
  impliedVolatility,
} from './implied-volatility.ts';
export { erf, erfc, normCdf, normPdf } from './normal-distribution.ts';
export { formatOccSymbol, type OccSymbolStyle, parseOccSymbol } from './occ-symbol.ts';
export { OPTION_MULTIPLIER, optionInstrument } from './option-instrument.ts';
export { PortfolioGreeks, type PortfolioGreeksOptions } from './portfolio-greeks.ts';
export type { PortfolioErrorCode, PortfolioRefusal, PortfolioUpdate } from './portfolio-position.ts';
export type { PortfolioTotals, UnderlyingGreeks } from './portfolio-snapshot.ts';
export {
  DEFAULT_VOLATILITY_SURFACE,
  surfaceVolatility,
  type VolatilitySurface,
} from './volatility-surface.ts';
