import { z } from 'zod';

/**
 * The `options` section of a risk profile: the inputs that value options (rate, dividend
 * yields), the portfolio Greeks limits checked before every entry, and the breaker that watches
 * them as the market moves. Units follow `docs/OPTIONS.md` ("Units layer").
 */

const positive = z.number().positive().finite();
const positiveInteger = z.number().int().positive();
const fraction = (what: string) =>
  z
    .number()
    .finite()
    .min(-1, `expected ${what} as a fraction per year, e.g. 0.04 for 4%`)
    .max(1, `expected ${what} as a fraction per year, e.g. 0.04 for 4%`);

/** A limit per underlying and/or on the whole portfolio, in the measure's unit. */
const PerUnderlyingAndTotal = (unit: string) =>
  z
    .strictObject({
      perUnderlying: positive.optional().describe(`${unit}, per underlying`),
      total: positive.optional().describe(`${unit}, the whole portfolio`),
    })
    .refine((l) => l.perUnderlying !== undefined || l.total !== undefined, {
      message: 'set perUnderlying, total, or both',
    });

export const GreeksLimitsConfig = z.strictObject({
  /** |net delta| of one underlying (options and stock): shares of the underlying and/or dollars (Δ·S·m·n). */
  netDelta: z
    .strictObject({
      shares: positive.optional().describe('shares of the underlying'),
      usd: positive.optional().describe('dollar delta'),
    })
    .refine((l) => l.shares !== undefined || l.usd !== undefined, { message: 'set shares, usd, or both' })
    .optional(),
  /** |net dollar delta| of the whole portfolio. Shares are refused: they only add up within one underlying. */
  totalNetDelta: z
    .strictObject({
      shares: z
        .never({ error: 'shares of different underlyings do not add up: limit the total in usd' })
        .optional(),
      usd: positive.describe('dollar delta'),
    })
    .optional(),
  /** |dollar gamma| Γ·S²/100·m·n: the change in dollar delta for a 1% move of the underlying. */
  gamma: PerUnderlyingAndTotal('dollar gamma per 1% move').optional(),
  /** |dollar vega|: dollars per volatility point (0.01 of σ). */
  vega: PerUnderlyingAndTotal('dollars per vol point').optional(),
  /** Time decay: the most the positions may lose per calendar day, a positive number of dollars. */
  thetaPerDay: PerUnderlyingAndTotal('dollars of decay per calendar day').optional(),
  /** Gross option contracts Σ|qty| on one underlying, and on one underlying in one expiry. */
  contracts: z
    .strictObject({
      perUnderlying: positiveInteger.optional().describe('contracts on one underlying'),
      perExpiry: positiveInteger.optional().describe('contracts on one underlying expiring on one date'),
    })
    .refine((l) => l.perUnderlying !== undefined || l.perExpiry !== undefined, {
      message: 'set perUnderlying, perExpiry, or both',
    })
    .optional(),
});
export type GreeksLimitsConfig = z.infer<typeof GreeksLimitsConfig>;

export const OptionsConfig = z.strictObject({
  /** Risk-free rate, continuously compounded, fraction per year (0.04 = 4%). Required: it moves every option value. */
  rate: fraction('the rate'),
  /** Continuous dividend yields by underlying, fraction per year; 0 where absent. */
  dividendYields: z
    .record(
      z.string(),
      z
        .number()
        .finite()
        .min(0)
        .max(1, 'expected a dividend yield as a fraction per year, e.g. 0.015 for 1.5%'),
    )
    .default({}),
  /**
   * The valuation time follows the engine clock in steps of this many seconds: when the clock
   * has moved by at least this much, every option is revalued (theta and gamma change with time).
   */
  timeStepSeconds: positive.default(60),
  /** Solve an option's implied volatility from its own mark, quote mid or bar close. */
  solveImpliedVolatility: z.boolean().default(true),
  limits: GreeksLimitsConfig.prefault({}),
  /**
   * The surface an option is valued with while its own quote is missing or stale (the gateway's
   * fallback); any parameter left out takes the default surface's value (25 vol, see
   * `volatility-surface.ts`).
   */
  volatilitySurface: z
    .strictObject({
      base: positive.max(5).default(0.25).describe('at-the-money volatility at 3 months, fraction per √year'),
      skew: z.number().finite().default(-0.15).describe('σ per unit of ln(K/S)'),
      curvature: z.number().finite().default(0.3).describe('σ per unit of ln(K/S)²'),
      termSlope: z.number().finite().default(0).describe('σ per year of maturity from 3 months'),
      minVolatility: positive.default(0.05),
      maxVolatility: positive.default(3),
    })
    .optional(),
  /** Continuous monitoring: a breaker that trips when the market pushes the positions beyond a limit. */
  monitor: z
    .strictObject({
      action: z.enum(['reducing', 'halted']).default('reducing'),
      flatten: z.boolean().default(false),
    })
    .optional(),
});
export type OptionsConfig = z.infer<typeof OptionsConfig>;
