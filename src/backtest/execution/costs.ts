import type { QuoteSeries } from '../data/bar-series.ts';

/**
 * Commission schedule; the parts add up, then the per-order minimum and maximum apply.
 * Example (an IBKR-like fixed plan): `{ perShare: 0.005, minimum: 1, maximumPercent: 1 }`.
 */
export interface CommissionModel {
  /** Dollars per share. */
  readonly perShare?: number;
  /** Dollars per order (charged with the order's first fill). */
  readonly perOrder?: number;
  /** Basis points of the traded value. */
  readonly bps?: number;
  /** Minimum dollars per order. */
  readonly minimum?: number;
  /** Maximum per order in percent of the order's traded value. */
  readonly maximumPercent?: number;
}

/**
 * Commission owed for an order after `qty` shares worth `notional` dollars have filled in
 * total; a fill is charged the difference from what the order was charged before, so partial
 * fills pay the minimum once.
 */
export function orderCommission(model: CommissionModel, qty: number, notional: number): number {
  let c = (model.perShare ?? 0) * qty + (model.perOrder ?? 0) + ((model.bps ?? 0) * notional) / 10_000;
  if (model.minimum !== undefined) c = Math.max(c, model.minimum);
  if (model.maximumPercent !== undefined) c = Math.min(c, (model.maximumPercent / 100) * notional);
  return c;
}

/**
 * Square-root market impact: a fill of `qty` shares in a bar that traded `barVolume` shares
 * moves the price against the trader by the fraction `k · σ_daily · sqrt(qty / barVolume)`.
 */
export interface ImpactModel {
  /** Dimensionless coefficient k (published estimates for US equities are about 0.1 to 1). */
  readonly k: number;
  /** Sessions of daily log returns σ_daily is estimated from (default 20). */
  readonly window?: number;
  /** σ_daily (a fraction: 0.02 = 2 % a day) used until 5 daily returns exist (default 0.02). */
  readonly fallbackSigma?: number;
}

/** How market and stop fills are moved against the trader. Limit fills are never slipped. */
export interface SlippageModel {
  /** Fixed slippage in basis points of the price. */
  readonly bps?: number;
  /** Size-dependent square-root impact (none by default). */
  readonly impact?: ImpactModel;
  /**
   * Pay half the bid-ask spread: from the quote series when one covers the fill time (the
   * quote bar's open for fills at a bar's open or inside it, its close for fills at the close),
   * else from this assumed full spread in basis points.
   */
  readonly spreadBps?: number;
  /** Use quote data when present (default true). */
  readonly useQuotes?: boolean;
  /** Oldest quote bar, in ms before the fill, that may price the spread (default 60,000). */
  readonly maxQuoteAgeMs?: number;
}

/** Finds half-spreads in quote series by time, walking a cursor forward (fills come in time order). */
export class SpreadBook {
  readonly #series = new Map<string, { quotes: QuoteSeries; cursor: number }>();
  readonly #maxAgeMs: number;

  constructor(quotes: readonly QuoteSeries[], maxAgeMs = 60_000) {
    for (const q of quotes) this.#series.set(q.symbol, { quotes: q, cursor: 0 });
    this.#maxAgeMs = maxAgeMs;
  }

  /** Half the quoted spread in dollars at `time` (NaN when no recent quote). `atClose` picks the bar's close. */
  halfSpread(symbol: string, time: number, atClose: boolean): number {
    const s = this.#series.get(symbol);
    if (s === undefined) return Number.NaN;
    const q = s.quotes;
    let i = s.cursor;
    if (i < q.length && q.time[i]! > time) i = 0; // time went back (a new run): restart
    while (i + 1 < q.length && q.time[i + 1]! <= time) i++;
    s.cursor = i;
    if (i >= q.length || q.time[i]! > time || time - q.time[i]! > this.#maxAgeMs) return Number.NaN;
    const spread = atClose ? q.askClose[i]! - q.bidClose[i]! : q.askOpen[i]! - q.bidOpen[i]!;
    return spread / 2;
  }
}

/**
 * The square-root impact as a fraction of the price: `k · σ · sqrt(qty / barVolume)`. A bar
 * with volume 0 (volume unknown, e.g. a file without a volume column) counts as if the order
 * were the whole bar: `k · σ`.
 */
export function sqrtImpact(k: number, sigmaDaily: number, qty: number, barVolume: number): number {
  const share = barVolume > 0 ? qty / barVolume : 1;
  return k * sigmaDaily * Math.sqrt(share);
}

/** A fill's slippage in dollars per share, by kind. */
export interface SlippageParts {
  fixed: number;
  spread: number;
  impact: number;
}

/**
 * Works out a market or stop fill's slippage per share into `out` (reused, no allocation):
 * fixed bps, half the spread (quote, else the assumed `spreadBps`, else none) and the
 * square-root impact of `qty` shares against the bar's volume with daily volatility `sigma`.
 */
export function slippageParts(
  model: SlippageModel,
  spreads: SpreadBook | undefined,
  symbol: string,
  price: number,
  time: number,
  atClose: boolean,
  qty: number,
  barVolume: number,
  sigma: number,
  out: SlippageParts,
): void {
  let half =
    model.useQuotes === false || spreads === undefined
      ? Number.NaN
      : spreads.halfSpread(symbol, time, atClose);
  if (Number.isNaN(half)) half = model.spreadBps === undefined ? 0 : (price * model.spreadBps) / 20_000;
  out.fixed = (price * (model.bps ?? 0)) / 10_000;
  out.spread = half;
  out.impact = model.impact === undefined ? 0 : price * sqrtImpact(model.impact.k, sigma, qty, barVolume);
}

const SCRATCH: SlippageParts = { fixed: 0, spread: 0, impact: 0 };

/** Applies slippage to a market or stop fill price; returns the price paid (buy) or received (sell). */
export function slippedPrice(
  model: SlippageModel,
  spreads: SpreadBook | undefined,
  symbol: string,
  side: 'buy' | 'sell',
  price: number,
  time: number,
  atClose: boolean,
  qty = 0,
  barVolume = 0,
  sigma = 0,
): number {
  slippageParts(model, spreads, symbol, price, time, atClose, qty, barVolume, sigma, SCRATCH);
  const move = SCRATCH.fixed + SCRATCH.spread + SCRATCH.impact;
  return side === 'buy' ? price + move : Math.max(price - move, 0.0001);
}
