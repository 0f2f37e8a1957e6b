import type { RiskEngine } from '../../core/engine.ts';
import { bsmGreeks } from '../../core/options/black-scholes.ts';
import { expiryEpochMs, yearFraction } from '../../core/options/expiry-time.ts';
import {
  type PositionGreeks,
  positionGreeksInto,
  zeroPositionGreeks,
} from '../../core/options/greek-units.ts';
import { isOptionInstrument } from '../../core/options/greeks-book.ts';
import { greeksMeasures } from '../../core/options/greeks-limits.ts';
import type { PortfolioTotals, UnderlyingGreeks } from '../../core/options/portfolio-snapshot.ts';

/** Where an option's volatility came from. */
export type VolatilitySource = 'quote' | 'surface' | 'none';

/** An option's life: valued as live, expiring today (before 16:00 New York), or expired. */
export type ExpiryStatus = 'live' | 'expiring' | 'expired';

/** One option position with its inputs, raw per-unit Greeks and exposures. */
export interface PositionGreeksView {
  readonly symbol: string;
  readonly underlying: string;
  readonly expiry: string;
  readonly strike: number;
  readonly right: 'call' | 'put';
  /** Signed contracts. */
  readonly qty: number;
  readonly multiplier: number;
  readonly status: ExpiryStatus;
  readonly inputs: {
    readonly spot: number | null;
    /** Epoch ms of the underlying price. */
    readonly spotTime: number | null;
    /** Fraction per √year. */
    readonly volatility: number | null;
    readonly volatilitySource: VolatilitySource;
    /** Years, ACT/365, from the valuation time. */
    readonly timeToExpiry: number;
    readonly rate: number;
    readonly dividendYield: number;
  };
  /** Raw BSM figures per unit of underlying (price, Δ, Γ, vega per 1.00 σ, θ per year, ρ per 1.00 r); null without inputs. */
  readonly perUnit: {
    readonly price: number;
    readonly delta: number;
    readonly gamma: number;
    readonly vega: number;
    readonly theta: number;
    readonly rho: number;
  } | null;
  /** Exposures in `PositionGreeks` units (dollars, shares); null without inputs. */
  readonly greeks: PositionGreeks | null;
}

/** One limit of the profile, its figure now and the room left (limit − size, in the limit's unit). */
export interface LimitView {
  readonly code: string;
  readonly measure: string;
  /** `portfolio`, or the underlying it applies to. */
  readonly scope: string;
  readonly limit: number;
  readonly value: number;
  readonly headroom: number;
}

/** `GET /v1/greeks`. */
export interface GreeksView {
  /** False when the profile has no `options` section (nothing below is computed). */
  readonly enabled: boolean;
  /** Epoch ms the figures are valued at. */
  readonly valuationTime: number | null;
  readonly rate: number | null;
  /** The engine's totals: what the limits check (expired contracts at intrinsic, no time value). */
  readonly totals: PortfolioTotals | null;
  readonly byUnderlying: Readonly<Record<string, UnderlyingGreeks>>;
  /** Option exposures by expiry date `YYYY-MM-DD`, with the bucket's status. */
  readonly byExpiry: Readonly<Record<string, PositionGreeks & { contracts: number; status: ExpiryStatus }>>;
  readonly positions: readonly PositionGreeksView[];
  readonly limits: readonly LimitView[];
}

/** The status of a contract expiring on `expiry` at `now` (epoch ms). */
export function expiryStatus(expiry: string, now: number): ExpiryStatus {
  const at = expiryEpochMs(expiry) ?? 0;
  if (now >= at) return 'expired';
  // The expiry day in New York starts 16 hours before its 16:00 close.
  return at - now <= 16 * 3_600_000 ? 'expiring' : 'live';
}

/**
 * Builds the Greeks view from the engine: totals and underlyings as the engine keeps them
 * (incrementally), each option position revalued from the same inputs (so their sum is the
 * totals), buckets by expiry, and the profile's limits with their headroom.
 */
export function greeksView(
  engine: RiskEngine,
  now: number,
  volatilitySource: (symbol: string) => VolatilitySource,
): GreeksView {
  const book = engine.greeks;
  const options = engine.profile.options;
  if (book === undefined || options === undefined) {
    return {
      enabled: false,
      valuationTime: null,
      rate: null,
      totals: null,
      byUnderlying: {},
      byExpiry: {},
      positions: [],
      limits: [],
    };
  }
  const snapshot = book.snapshot();
  const positions: PositionGreeksView[] = [];
  const byExpiry: Record<string, PositionGreeks & { contracts: number; status: ExpiryStatus }> = {};
  for (const entry of engine.book.symbols.values()) {
    const qty = entry.position?.qty ?? 0;
    const instrument = entry.instrument;
    if (qty === 0 || !isOptionInstrument(instrument)) continue;
    const { underlying, expiry, strike, right } = instrument.option;
    const spot = book.underlyingPrice(underlying);
    const iv = book.impliedVolatility(entry.symbol);
    const dividendYield = options.dividendYields[underlying] ?? 0;
    const t = Math.max(0, yearFraction(snapshot.valuationTime, expiryEpochMs(expiry) ?? 0));
    const status = expiryStatus(expiry, now);
    let perUnit: PositionGreeksView['perUnit'] = null;
    let greeks: PositionGreeks | null = null;
    if (spot !== undefined && (Number.isFinite(iv) || t === 0)) {
      const raw = bsmGreeks({
        right,
        spot: spot.price,
        strike,
        timeToExpiry: t,
        rate: snapshot.rate,
        dividendYield,
        volatility: Number.isFinite(iv) ? iv : 0,
      });
      perUnit = {
        price: raw.price,
        delta: raw.delta,
        gamma: raw.gamma,
        vega: raw.vega,
        theta: raw.theta,
        rho: raw.rho,
      };
      greeks = positionGreeksInto(zeroPositionGreeks(), raw, spot.price, instrument.multiplier, qty);
      const bucket = (byExpiry[expiry] ??= { ...zeroPositionGreeks(), contracts: 0, status });
      for (const k of Object.keys(greeks) as (keyof PositionGreeks)[]) bucket[k] += greeks[k];
      bucket.contracts += Math.abs(qty);
    }
    positions.push({
      symbol: entry.symbol,
      underlying,
      expiry,
      strike,
      right,
      qty,
      multiplier: instrument.multiplier,
      status,
      inputs: {
        spot: spot?.price ?? null,
        spotTime: spot?.time ?? null,
        volatility: Number.isFinite(iv) ? iv : null,
        volatilitySource: Number.isFinite(iv) ? volatilitySource(entry.symbol) : 'none',
        timeToExpiry: t,
        rate: snapshot.rate,
        dividendYield,
      },
      perUnit,
      greeks,
    });
  }
  positions.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return {
    enabled: true,
    valuationTime: snapshot.valuationTime,
    rate: snapshot.rate,
    totals: snapshot.totals,
    byUnderlying: snapshot.byUnderlying,
    byExpiry,
    positions,
    limits: limitsView(options.limits, snapshot.totals, snapshot.byUnderlying),
  };
}

function limitsView(
  limits: Parameters<typeof greeksMeasures>[0],
  totals: PortfolioTotals,
  byUnderlying: Readonly<Record<string, UnderlyingGreeks>>,
): LimitView[] {
  const measures = greeksMeasures(limits);
  const out: LimitView[] = [];
  const add = (code: string, measure: string, scope: string, limit: number, value: number, size: number) =>
    out.push({ code, measure, scope, limit, value, headroom: limit - size });
  for (const m of measures.total) {
    const value = m.value(totals);
    add(m.code, m.name, 'portfolio', m.limit, value, m.size(value));
  }
  for (const [underlying, figures] of Object.entries(byUnderlying)) {
    for (const m of measures.perUnderlying) {
      const value = m.value(figures);
      add(m.code, m.name, underlying, m.limit, value, m.size(value));
    }
    if (measures.contractsPerUnderlying !== undefined) {
      const gross = figures.contracts.gross;
      add('CONTRACTS_EXCEEDED', 'contracts', underlying, measures.contractsPerUnderlying, gross, gross);
    }
    if (measures.contractsPerExpiry !== undefined) {
      for (const [expiry, count] of Object.entries(figures.contractsByExpiry)) {
        const limit = measures.contractsPerExpiry;
        add(
          'CONTRACTS_EXCEEDED',
          'contractsPerExpiry',
          `${underlying} ${expiry}`,
          limit,
          count.gross,
          count.gross,
        );
      }
    }
  }
  return out;
}
