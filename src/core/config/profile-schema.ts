import { z } from 'zod';
import { TIMEFRAMES, type Timeframe } from '../bars/timeframe.ts';
import { CorrelationBreakerConfig } from './correlation-schema.ts';
import { OptionsConfig } from './options-schema.ts';

/**
 * The risk profile schema. Every limit that the seeds state both ways accepts a percent (of
 * the exposure basis) and an absolute dollar amount; when both are set the tighter one applies.
 */

const positive = z.number().positive().finite();
const nonNegative = z.number().nonnegative().finite();
const percent = z.number().positive().max(10_000, 'expected a percent, e.g. 10 for 10%');

const TIMEFRAME_LIST = TIMEFRAMES.join(', ');

/** A bar length: one of `1m`, `5m`, `15m`, `1h`, `1d` (a `1d` bar is one New York trading day). */
export const TimeframeSchema = z.enum(TIMEFRAMES as [Timeframe, ...Timeframe[]], {
  error: `expected a timeframe: one of ${TIMEFRAME_LIST}`,
});

/**
 * Why an untimed bar count is refused: the gateway builds one-minute bars from marks while a
 * daily backtest feeds daily bars, so the same number would mean minutes in one and days in the
 * other. Guessing either for a trader's real money is worse than asking.
 */
const UNTIMED = 'a bare count of bars means minutes in the gateway and days in a daily backtest';

/** A limit in percent of the basis, in dollars, or both (the tighter applies). */
export const Limit = z
  .strictObject({
    percent: percent.optional().describe('percent of the exposure basis'),
    usd: positive.optional().describe('dollars'),
  })
  .refine((l) => l.percent !== undefined || l.usd !== undefined, { message: 'set percent, usd, or both' });
export type Limit = z.infer<typeof Limit>;

const BreakerAction = z.enum(['reducing', 'halted']);

/**
 * How a breaker's latch re-arms (see docs/ENGINE.md, "Latch policies"): `manual` waits for an
 * authorised reset; `next-session` lifts it at the open of the next trading day on the exchange
 * calendar; `when-clear` lifts it once the breaker's input has been back below its re-arm level
 * for `clearFor` consecutive readings. The kill switch is always manual.
 */
export const REARM_POLICIES = ['manual', 'next-session', 'when-clear'] as const;
export type RearmPolicy = (typeof REARM_POLICIES)[number];

/** A `rearm` field offering some of the policies, with the breaker's default. */
function rearm<const P extends readonly [RearmPolicy, ...RearmPolicy[]]>(allowed: P, fallback: P[number]) {
  return z
    .enum(allowed, { error: `expected one of ${allowed.join(', ')}` })
    .default(fallback as never)
    .describe('how the latch re-arms');
}

/** Consecutive clear readings before a `when-clear` latch lifts (the hysteresis in time). */
const clearFor = z.number().int().min(1).max(10_000).optional().describe('readings below the re-arm level');

/** `clearFor` means something only with `when-clear`; it defaults to 1 there. */
function withClearFor<T extends { rearm: RearmPolicy; clearFor?: number | undefined }>(
  value: T,
  ctx: z.core.$RefinementCtx<T>,
): void {
  if (value.clearFor !== undefined && value.rearm !== 'when-clear')
    ctx.addIssue({
      code: 'custom',
      message: `clearFor applies only to rearm: when-clear (rearm is ${value.rearm})`,
      path: ['clearFor'],
    });
}

const withClearForDefault = <T extends { rearm: RearmPolicy; clearFor?: number | undefined }>(v: T) => ({
  ...v,
  clearFor: v.clearFor ?? 1,
});

export const BreakersConfig = z.strictObject({
  dailyLoss: z
    .strictObject({
      percent: percent.optional().describe('percent of day-start equity'),
      usd: positive.optional(),
      action: BreakerAction.default('halted'),
      flatten: z.boolean().default(false),
      rearm: rearm(['manual', 'next-session'], 'next-session'),
    })
    .refine((l) => l.percent !== undefined || l.usd !== undefined, { message: 'set percent, usd, or both' })
    .optional(),
  equityFloor: z
    .strictObject({
      usd: positive,
      action: BreakerAction.default('halted'),
      flatten: z.boolean().default(false),
      rearm: rearm(['manual', 'next-session'], 'manual'),
    })
    .optional(),
  maxDrawdown: z
    .strictObject({
      percent: percent,
      action: BreakerAction.default('reducing'),
      flatten: z.boolean().default(false),
      rearm: rearm(['manual', 'next-session'], 'manual'),
    })
    .optional(),
  lossStreak: z
    .strictObject({
      losses: z.number().int().min(1),
      cooldownMinutes: nonNegative.default(0),
      action: z.enum(['reducing', 'halted', 'pause']).default('pause'),
      flatten: z.boolean().default(false),
      /** For a latching action (`reducing`/`halted`); a `pause` ends after its cooldown. */
      rearm: rearm(['manual', 'next-session'], 'next-session'),
    })
    .optional(),
  vix: z
    .strictObject({
      above: positive.describe('trip when the VIX is at or above this level'),
      resumeBelow: positive.describe('re-arm only after the VIX falls below this level'),
      action: BreakerAction.default('reducing'),
      flatten: z.boolean().default(false),
      rearm: rearm(REARM_POLICIES, 'when-clear'),
      clearFor,
    })
    .refine((v) => v.resumeBelow <= v.above, {
      message: 'resumeBelow must be at or below above',
      path: ['resumeBelow'],
    })
    .superRefine(withClearFor)
    .transform(withClearForDefault)
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
  /**
   * Market exit after `maxBars` bars of `timeframe` after the entry bar, or `maxMinutes` of
   * wall-clock time since entry, whichever comes first.
   */
  timeExit: z
    .strictObject({
      maxBars: z.number().int().positive().optional(),
      timeframe: TimeframeSchema.optional().describe('the bars maxBars counts'),
      maxMinutes: positive.optional(),
    })
    .refine((l) => l.maxBars !== undefined || l.maxMinutes !== undefined, {
      message: 'set maxBars (with its timeframe) or maxMinutes',
    })
    .refine((l) => l.maxBars === undefined || l.timeframe !== undefined, {
      message: `maxBars needs the timeframe of the bars it counts, e.g. timeExit: { maxBars: 20, timeframe: 1d } (one of ${TIMEFRAME_LIST}), or use maxMinutes: ${UNTIMED}`,
      path: ['timeframe'],
    })
    .refine((l) => l.timeframe === undefined || l.maxBars !== undefined, {
      message: 'timeframe names the bars of maxBars: set maxBars too, or drop timeframe',
      path: ['timeframe'],
    })
    .optional(),
  breakeven: z.strictObject({ afterR: positive }).optional(),
  partialTakeProfit: z
    .array(z.strictObject({ r: positive, fraction: z.number().gt(0).max(1) }))
    .min(1)
    .optional(),
});

/** Old, untimed indicator fields: refused with a message that names the timed form. */
const LEGACY_INDICATOR_FIELDS: Readonly<Record<string, string>> = {
  atrPeriod: 'indicators: { atr: { period: 14, timeframe: 1d } }',
  atrMethod: 'indicators: { atr: { period: 14, method: wilder, timeframe: 1d } }',
  realizedVolatilityWindow: 'indicators: { realizedVolatility: { window: 20, timeframe: 1d } }',
};

/**
 * Indicator windows, each with the timeframe of the bars it is computed from. An indicator a
 * rule needs must be configured (see the cross-field checks in {@link ProfileConfig}).
 */
export const IndicatorsConfig = z
  .looseObject({
    /** Average true range in dollars over `period` bars of `timeframe`. */
    atr: z
      .strictObject({
        period: z.number().int().min(1).default(14),
        method: z.enum(['wilder', 'sma']).default('wilder'),
        timeframe: TimeframeSchema,
      })
      .optional(),
    /** Realized volatility of log returns over `window` closes of `timeframe`, annualized. */
    realizedVolatility: z
      .strictObject({ window: z.number().int().min(2).default(20), timeframe: TimeframeSchema })
      .optional(),
  })
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (key === 'atr' || key === 'realizedVolatility') continue;
      const instead = LEGACY_INDICATOR_FIELDS[key];
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message:
          instead === undefined
            ? `unknown field; expected atr or realizedVolatility`
            : `${key} is no longer accepted: name the bars it counts, e.g. ${instead} (timeframe one of ${TIMEFRAME_LIST}): ${UNTIMED}`,
      });
    }
  })
  .transform(({ atr, realizedVolatility }) => ({
    ...(atr !== undefined ? { atr } : {}),
    ...(realizedVolatility !== undefined ? { realizedVolatility } : {}),
  }))
  .prefault({});

export const RegimeConfig = z.strictObject({
  /** What decides the regime: the VIX level or the symbol's annualized realized volatility (percent). */
  by: z.enum(['vix', 'realizedVolatility']),
  /** Bands in ascending order: a regime applies while the measure is below `below`. */
  bands: z
    .array(z.strictObject({ name: z.string().min(1), below: positive.optional(), exits: ExitsConfig }))
    .min(1),
});

export const ProfileConfig = z
  .strictObject({
    /** Starting equity in dollars. */
    startingEquity: positive,
    /** What percent limits are measured against. */
    exposureBasis: z.enum(['starting', 'current', 'peak']).default('starting'),
    marketData: z.strictObject({ maxQuoteAgeMs: positive.default(5_000) }).prefault({}),
    indicators: IndicatorsConfig,
    orders: z.strictObject({
      maxQuantity: positive.describe(
        'shares or contracts per order; required so a missing limit cannot pass',
      ),
      maxNotional: Limit,
      priceCollarPercent: percent.optional(),
      rateLimit: z
        .strictObject({ perSecond: positive.optional(), perMinute: positive.optional() })
        .optional(),
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
  })
  .superRefine((profile, ctx) => {
    // An indicator a rule reads must name its bars: a missing ATR would otherwise fail closed on
    // every entry with no hint why.
    const atrUsers: string[] = [];
    const exitsUsingAtr = (exits: z.infer<typeof ExitsConfig>, at: string) => {
      if (exits.atrStop) atrUsers.push(`${at}.atrStop`);
      if (exits.trailingStop?.atrMultiple !== undefined) atrUsers.push(`${at}.trailingStop.atrMultiple`);
    };
    exitsUsingAtr(profile.exits, 'exits');
    profile.regime?.bands.forEach((b, i) => {
      exitsUsingAtr(b.exits, `regime.bands.${i}.exits`);
    });
    if (profile.protectiveStop?.method === 'atr') atrUsers.push('protectiveStop.method=atr');
    if (atrUsers.length > 0 && profile.indicators.atr === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators', 'atr'],
        message: `${atrUsers.join(', ')} use the ATR: configure it with the bars it is computed from, e.g. indicators: { atr: { period: 14, timeframe: 1d } } (timeframe one of ${TIMEFRAME_LIST})`,
      });
    }
    if (profile.regime?.by === 'realizedVolatility' && profile.indicators.realizedVolatility === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicators', 'realizedVolatility'],
        message: `regime.by=realizedVolatility needs it: configure it with the bars it is computed from, e.g. indicators: { realizedVolatility: { window: 20, timeframe: 1d } } (timeframe one of ${TIMEFRAME_LIST})`,
      });
    }
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
