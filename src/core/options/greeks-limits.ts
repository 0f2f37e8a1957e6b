/**
 * The portfolio Greeks limits of a profile as a list of measures, and the checks shared by the
 * pre-trade rule (`greeks-limits`) and the monitoring breaker (`GREEKS_LIMIT`).
 *
 * Every measure is a size ≥ 0 compared with a positive limit: |net delta| in shares or dollars,
 * |dollar gamma| per 1% move, |dollar vega| per vol point, theta decay per calendar day (only a
 * loss counts: positive theta has no limit), and gross contracts Σ|qty|. A size equal to its
 * limit (within 1e-7 relative) passes.
 */
import type { GreeksLimitsConfig } from '../config/options-schema.ts';
import { exceeds } from '../rules/limits.ts';
import type { PositionGreeks } from './greek-units.ts';
import type { UnderlyingGreeks } from './portfolio-snapshot.ts';

/** Denial codes of the Greeks limits. */
export type GreeksLimitCode =
  | 'NET_DELTA_EXCEEDED'
  | 'GAMMA_EXCEEDED'
  | 'VEGA_EXCEEDED'
  | 'THETA_EXCEEDED'
  | 'CONTRACTS_EXCEEDED';

/** The summed figures of the whole portfolio a measure reads, in `PositionGreeks` units. */
export type TotalFigures = Pick<
  PositionGreeks,
  'dollarDelta' | 'dollarGamma' | 'dollarVega' | 'dollarThetaPerDay'
>;
/** The summed figures of one underlying: shares delta adds up only within one underlying. */
export type ExposureFigures = TotalFigures & Pick<PositionGreeks, 'sharesDelta'>;

/** One limit on one measure of summed Greeks. */
export interface GreeksMeasure<F = ExposureFigures> {
  readonly code: GreeksLimitCode;
  /** The measure's name in messages, e.g. `netDeltaShares`. */
  readonly name: string;
  /** Positive limit in the measure's unit. */
  readonly limit: number;
  /** The figure as shown (signed; theta as decay, positive for a loss). */
  value(figures: F): number;
  /** The size compared with the limit. */
  size(value: number): number;
}

/** A measure beyond its limit: the code and the figures for the message. */
export interface GreeksBreach {
  readonly code: GreeksLimitCode;
  readonly values: Record<string, number | string>;
}

/** The measures a profile's limits ask for. */
export interface GreeksMeasures {
  readonly perUnderlying: readonly GreeksMeasure[];
  readonly total: readonly GreeksMeasure<TotalFigures>[];
  /** Gross contracts on one underlying, and on one underlying in one expiry. */
  readonly contractsPerUnderlying: number | undefined;
  readonly contractsPerExpiry: number | undefined;
  /** Every code some measure can report. */
  readonly codes: readonly GreeksLimitCode[];
}

const absolute = (v: number) => Math.abs(v);
const lossOnly = (v: number) => Math.max(0, v);

function measure<F>(
  code: GreeksLimitCode,
  name: string,
  limit: number | undefined,
  value: (f: F) => number,
  size: (v: number) => number = absolute,
): GreeksMeasure<F>[] {
  return limit === undefined ? [] : [{ code, name, limit, value, size }];
}

/** Builds the measures of a profile's `options.limits`. */
export function greeksMeasures(limits: GreeksLimitsConfig): GreeksMeasures {
  const decay = (f: TotalFigures) => -f.dollarThetaPerDay;
  const perUnderlying = [
    ...measure<ExposureFigures>(
      'NET_DELTA_EXCEEDED',
      'netDeltaShares',
      limits.netDelta?.shares,
      (f) => f.sharesDelta,
    ),
    ...measure<ExposureFigures>(
      'NET_DELTA_EXCEEDED',
      'netDeltaUsd',
      limits.netDelta?.usd,
      (f) => f.dollarDelta,
    ),
    ...measure<ExposureFigures>(
      'GAMMA_EXCEEDED',
      'dollarGamma',
      limits.gamma?.perUnderlying,
      (f) => f.dollarGamma,
    ),
    ...measure<ExposureFigures>(
      'VEGA_EXCEEDED',
      'dollarVega',
      limits.vega?.perUnderlying,
      (f) => f.dollarVega,
    ),
    ...measure<ExposureFigures>(
      'THETA_EXCEEDED',
      'thetaDecayPerDay',
      limits.thetaPerDay?.perUnderlying,
      decay,
      lossOnly,
    ),
  ];
  const total = [
    ...measure<TotalFigures>(
      'NET_DELTA_EXCEEDED',
      'netDeltaUsd',
      limits.totalNetDelta?.usd,
      (f) => f.dollarDelta,
    ),
    ...measure<TotalFigures>('GAMMA_EXCEEDED', 'dollarGamma', limits.gamma?.total, (f) => f.dollarGamma),
    ...measure<TotalFigures>('VEGA_EXCEEDED', 'dollarVega', limits.vega?.total, (f) => f.dollarVega),
    ...measure<TotalFigures>(
      'THETA_EXCEEDED',
      'thetaDecayPerDay',
      limits.thetaPerDay?.total,
      decay,
      lossOnly,
    ),
  ];
  const contractsPerUnderlying = limits.contracts?.perUnderlying;
  const contractsPerExpiry = limits.contracts?.perExpiry;
  const codes = new Set<GreeksLimitCode>([...perUnderlying, ...total].map((m) => m.code));
  if (contractsPerUnderlying !== undefined || contractsPerExpiry !== undefined)
    codes.add('CONTRACTS_EXCEEDED');
  return { perUnderlying, total, contractsPerUnderlying, contractsPerExpiry, codes: [...codes] };
}

/**
 * True when `size` is beyond `limit` and, if a size before the order is given, the order grew
 * it: an order that moves a measure toward zero is never a breach, even above the limit.
 */
function breached(size: number, limit: number, before: number | undefined): boolean {
  return exceeds(size, limit) && (before === undefined || exceeds(size, before));
}

/**
 * Appends the breaches of one underlying's figures to `out`. With `before` (the figures without
 * the order) only measures the order grew count.
 */
export function underlyingBreaches(
  measures: GreeksMeasures,
  after: UnderlyingGreeks,
  before: UnderlyingGreeks | undefined,
  out: GreeksBreach[],
): void {
  const underlying = after.underlying;
  for (const m of measures.perUnderlying) {
    const value = m.value(after);
    const was = before === undefined ? undefined : m.size(m.value(before));
    if (breached(m.size(value), m.limit, was))
      out.push({
        code: m.code,
        values: withBefore({ underlying, [m.name]: value, limit: m.limit }, before, m),
      });
  }
  const perUnderlying = measures.contractsPerUnderlying;
  if (
    perUnderlying !== undefined &&
    breached(after.contracts.gross, perUnderlying, before?.contracts.gross)
  ) {
    out.push({
      code: 'CONTRACTS_EXCEEDED',
      values: {
        underlying,
        contracts: after.contracts.gross,
        maxContracts: perUnderlying,
        ...(before === undefined ? {} : { contractsBefore: before.contracts.gross }),
      },
    });
  }
  const perExpiry = measures.contractsPerExpiry;
  if (perExpiry === undefined) return;
  for (const [expiry, count] of Object.entries(after.contractsByExpiry)) {
    const was = before === undefined ? undefined : (before.contractsByExpiry[expiry]?.gross ?? 0);
    if (!breached(count.gross, perExpiry, was)) continue;
    out.push({
      code: 'CONTRACTS_EXCEEDED',
      values: {
        underlying,
        expiry,
        contracts: count.gross,
        maxContracts: perExpiry,
        ...(was === undefined ? {} : { contractsBefore: was }),
      },
    });
  }
}

/** Appends the breaches of the portfolio's summed figures to `out`; `before` as in {@link underlyingBreaches}. */
export function totalBreaches(
  measures: GreeksMeasures,
  after: TotalFigures,
  before: TotalFigures | undefined,
  out: GreeksBreach[],
): void {
  for (const m of measures.total) {
    const value = m.value(after);
    const was = before === undefined ? undefined : m.size(m.value(before));
    if (breached(m.size(value), m.limit, was))
      out.push({
        code: m.code,
        values: withBefore({ scope: 'portfolio', [m.name]: value, limit: m.limit }, before, m),
      });
  }
}

function withBefore<F>(
  values: Record<string, number | string>,
  before: F | undefined,
  m: GreeksMeasure<F>,
): Record<string, number | string> {
  if (before !== undefined) values.before = m.value(before);
  return values;
}
