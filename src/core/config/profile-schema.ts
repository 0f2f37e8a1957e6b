import { z } from 'zod';
import { CorrelationBreakerConfig } from './correlation-schema.ts';
import { OptionsConfig } from './options-schema.ts';

/**
 * The risk profile schema. Every limit that the seeds state both ways accepts a percent (of
 * the exposure basis) and an absolute dollar amount; when both are set the tighter one applies.
 */

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();
const percent = z.number().positive().max(10_000, 'expected a percent, e.g. 10 for 10%');

/** A limit in percent of the basis, in dollars, or both (the tighter applies). */
export const Limit = z
  .strictObject({
    percent: percent.optional().describe('percent of the exposure basis'),
    usd: positive.optional().describe('dollars'),
  })
  .refine((l) => l.percent !== undefined || l.usd !== undefined, { message: 'set percent, usd, or both' });
export type Limit = z.infer<typeof Limit>;

const BreakerAction = z.enum(['reducing', 'halted']);

export const BreakersConfig = z.strictObject({
  dailyLoss: z
    .strictObject({
      percent: percent.optional().describe('percent of day-start equity'),
      usd: positive.optional(),
      action: BreakerAction.default('halted'),
      flatten: z.boolean().default(false),
    })
    .refine((l) => l.percent !== undefined || l.usd !== undefined, { message: 'set percent, usd, or both' })
    .optional(),
  equityFloor: z
    .strictObject({
      usd: positive,
      action: BreakerAction.default('halted'),
      flatten: z.boolean().default(false),
    })
    .optional(),
  maxDrawdown: z
    .strictObject({
      percent: percent,
      action: BreakerAction.default('reducing'),
      flatten: z.boolean().default(false),
    })
    .optional(),
  lossStreak: z
    .strictObject({
      losses: z.number().int().min(1),
      cooldownMinutes: nonNegative.default(0),
      action: z.enum(['reducing', 'halted', 'pause']).default('pause'),
      flatten: z.boolean().default(false),
    })
    .optional(),
  vix: z
    .strictObject({
      above: positive.describe('trip when the VIX is at or above this level'),
      resumeBelow: positive.describe('re-arm only after the VIX falls below this level'),
      action: BreakerAction.default('reducing'),
      flatten: z.boolean().default(false),
    })
    .refine((v) => v.resumeBelow <= v.above, {
      message: 'resumeBelow must be at or below above',
      path: ['resumeBelow'],
    })
    .optional(),
  correlation: CorrelationBreakerConfig.optional(),
});

export const ProtectiveStopConfig = z.strictObject({
  required: z.boolean().default(true),
  /** `deny` refuses an entry without a stop; `attach` adds one computed by `method`. */
  policy: z.enum(['deny', 'attach']).default('attach'),
  method: z.enum(['percent', 'atr']).default('percent'),
  percent: percent.default(2),
  atrMultiple: positive.default(2),
  /** Attach a take-profit at this multiple of the stop distance (R). */
  takeProfitR: positive.optional(),
});

export const ExitsConfig = z.strictObject({
  fixedStop: z
    .strictObject({ percent: percent.optional(), usd: positive.optional() })
    .refine((l) => l.percent !== undefined || l.usd !== undefined, { message: 'set percent or usd' })
    .optional(),
  takeProfit: z
    .strictObject({ percent: percent.optional(), r: positive.optional() })
    .refine((l) => l.percent !== undefined || l.r !== undefined, { message: 'set percent or r' })
    .optional(),
  atrStop: z.strictObject({ multiple: positive }).optional(),
  trailingStop: z
    .strictObject({ percent: percent.optional(), atrMultiple: positive.optional() })
    .refine((l) => (l.percent === undefined) !== (l.atrMultiple === undefined), {
      message: 'set exactly one of percent or atrMultiple',
    })
    .optional(),
  timeExit: z
    .strictObject({ maxBars: z.number().int().positive().optional(), maxMinutes: positive.optional() })
    .refine((l) => l.maxBars !== undefined || l.maxMinutes !== undefined, {
      message: 'set maxBars or maxMinutes',
    })
    .optional(),
  breakeven: z.strictObject({ afterR: positive }).optional(),
  partialTakeProfit: z
    .array(z.strictObject({ r: positive, fraction: z.number().gt(0).max(1) }))
    .min(1)
    .optional(),
});

export const RegimeConfig = z.strictObject({
  /** What decides the regime: the VIX level or the symbol's annualized realized volatility (percent). */
  by: z.enum(['vix', 'realizedVolatility']),
  /** Bands in ascending order: a regime applies while the measure is below `below`. */
  bands: z
    .array(z.strictObject({ name: z.string().min(1), below: positive.optional(), exits: ExitsConfig }))
    .min(1),
});

export const ProfileConfig = z.strictObject({
  /** Starting equity in dollars. */
  startingEquity: positive,
  /** What percent limits are measured against. */
  exposureBasis: z.enum(['starting', 'current', 'peak']).default('starting'),
  marketData: z.strictObject({ maxQuoteAgeMs: positive.default(5_000) }).prefault({}),
  indicators: z
    .strictObject({
      atrPeriod: z.number().int().min(1).default(14),
      atrMethod: z.enum(['wilder', 'sma']).default('wilder'),
      realizedVolatilityWindow: z.number().int().min(2).default(20),
    })
    .prefault({}),
  orders: z.strictObject({
    maxQuantity: positive.describe('shares or contracts per order; required so a missing limit cannot pass'),
    maxNotional: Limit,
    priceCollarPercent: percent.optional(),
    rateLimit: z.strictObject({ perSecond: positive.optional(), perMinute: positive.optional() }).optional(),
    duplicateWindowSeconds: positive.default(86_400),
  }),
  positions: z
    .strictObject({
      maxQuantity: positive.optional(),
      maxNotional: Limit.optional(),
      maxOpen: z.number().int().positive().optional(),
    })
    .prefault({}),
  exposure: z
    .strictObject({
      symbol: Limit.optional(),
      sector: Limit.optional(),
      /** Limit for symbols whose sector is unknown; defaults to the tighter of the sector and symbol limits. */
      unknownSector: Limit.optional(),
      gross: Limit.optional(),
      net: Limit.optional(),
    })
    .prefault({}),
  sectors: z.record(z.string(), z.string()).default({}),
  /** Path of a CSV sector map (columns Symbol and Sector, as in sectors.csv). Read by the host. */
  sectorsFile: z.string().optional(),
  restrictedSymbols: z.array(z.string()).default([]),
  longOnly: z.boolean().default(false),
  protectiveStop: ProtectiveStopConfig.optional(),
  repeatedExecution: z
    .strictObject({ maxFills: z.number().int().positive(), windowSeconds: positive })
    .optional(),
  halted: z.strictObject({ allowExits: z.boolean().default(true) }).prefault({}),
  breakers: BreakersConfig.prefault({}),
  exits: ExitsConfig.prefault({}),
  regime: RegimeConfig.optional(),
  /** Portfolio Greeks: valuation inputs, limits and monitoring. Without it nothing options-related runs. */
  options: OptionsConfig.optional(),
  sizing: z
    .strictObject({
      riskPercent: percent.default(1).describe('percent of equity risked per trade'),
      atrMultiple: positive.default(2),
      minUsd: nonNegative.default(0),
      maxUsd: positive.optional(),
    })
    .prefault({}),
});
export type ProfileConfig = z.infer<typeof ProfileConfig>;
export type ProfileInput = z.input<typeof ProfileConfig>;

/**
 * The file: `mode` picks the profile in force. The cross-field checks (the chosen profile
 * exists; `live` needs `liveConfirmed: true`) run in {@link parseRiskProfileFile} so they are
 * reported together with every field problem.
 */
export const RiskProfileFile = z.strictObject({
  /** Which profile is in force. `live` needs `liveConfirmed: true` as a deliberate switch. */
  mode: z.enum(['paper', 'live']),
  liveConfirmed: z.boolean().default(false),
  profiles: z.strictObject({ paper: ProfileConfig.optional(), live: ProfileConfig.optional() }),
});
export type RiskProfileFile = z.infer<typeof RiskProfileFile>;
