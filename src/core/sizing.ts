import type { Limit } from './config/profile-schema.ts';
import type { Instrument } from './instrument.ts';
import { UNKNOWN_SECTOR } from './instrument.ts';
import type { RiskContext } from './rule.ts';
import { resolveLimit } from './rules/limits.ts';
import type { Side } from './side.ts';

/** What to size: a symbol, a side, an entry price and, optionally, the stop. */
export interface SizeRequest {
  readonly symbol: string;
  readonly side: Side;
  /** Expected entry price in dollars; defaults to the last price. */
  readonly entryPrice?: number;
  /** Planned stop in dollars; without it the stop distance is `atrMultiple` × ATR. */
  readonly stopPrice?: number;
  /** Percent of equity to risk; defaults to the profile's `sizing.riskPercent`. */
  readonly riskPercent?: number;
}

/** Which bound decided the size. */
export type SizeBound =
  | 'risk'
  | 'max-usd'
  | 'min-usd'
  | 'symbol-exposure'
  | 'sector-exposure'
  | 'gross-exposure'
  | 'position-notional'
  | 'order-notional'
  | 'order-quantity'
  | 'buying-power'
  | 'unavailable';

export interface SizeSuggestion {
  /** Whole shares or contracts to trade (0 when nothing fits). */
  readonly qty: number;
  /** Order value in dollars at the entry price. */
  readonly notional: number;
  /** Dollars lost if the stop is hit: qty × stop distance × multiplier. */
  readonly riskUsd: number;
  readonly entryPrice: number;
  readonly stopPrice: number;
  readonly bound: SizeBound;
  /** One line per candidate bound, the binding one marked. */
  readonly explanation: readonly string[];
}

function unavailable(entryPrice: number, reason: string): SizeSuggestion {
  return {
    qty: 0,
    notional: 0,
    riskUsd: 0,
    entryPrice,
    stopPrice: Number.NaN,
    bound: 'unavailable',
    explanation: [reason],
  };
}

/**
 * Suggests a position size: fixed-fraction risk (equity × risk% ÷ stop distance), the stop
 * distance taken from the planned stop or k × ATR, clamped to the profile's min/max dollars
 * and never more than the headroom left under the exposure limits (working orders counted)
 * and buying power. The explanation names every bound and which one applied.
 */
export function suggestSize(
  request: SizeRequest,
  instrument: Instrument | undefined,
  ctx: RiskContext,
): SizeSuggestion {
  const entry = request.entryPrice ?? ctx.book.symbols.get(request.symbol)?.price ?? Number.NaN;
  if (instrument === undefined) return unavailable(entry, `UNKNOWN_INSTRUMENT: symbol=${request.symbol}`);
  if (!(entry > 0)) return unavailable(entry, `NO_REFERENCE_PRICE: symbol=${request.symbol}`);
  const sizing = ctx.profile.sizing;
  let stop = request.stopPrice;
  if (stop === undefined) {
    const atr = ctx.atr(request.symbol);
    if (!(atr > 0)) {
      const why =
        ctx.profile.indicators.atr === undefined
          ? 'no ATR configured (indicators.atr)'
          : `no ATR yet for ${request.symbol}`;
      return unavailable(entry, `no stop given and ${why}`);
    }
    stop = request.side === 'buy' ? entry - sizing.atrMultiple * atr : entry + sizing.atrMultiple * atr;
  }
  const distance = request.side === 'buy' ? entry - stop : stop - entry;
  if (!(distance > 0))
    return unavailable(entry, `stop ${stop} is not on the protective side of entry ${entry}`);
  const mult = instrument.multiplier;
  const riskPercent = request.riskPercent ?? sizing.riskPercent;
  const basis = ctx.basisEquity();
  const book = ctx.book;
  const symbolBook = book.symbols.get(request.symbol);
  const candidates: [SizeBound, number][] = [
    ['risk', ((ctx.equity * riskPercent) / 100 / (distance * mult)) * entry * mult],
  ];
  if (sizing.maxUsd !== undefined) candidates.push(['max-usd', sizing.maxUsd]);
  const headroom = (bound: SizeBound, limit: Limit | undefined, used: number) => {
    if (limit !== undefined) candidates.push([bound, Math.max(0, resolveLimit(limit, basis) - used)]);
  };
  const exposure = ctx.profile.exposure;
  headroom('symbol-exposure', exposure.symbol, symbolBook?.exposure ?? 0);
  const sector = instrument.sector;
  headroom(
    'sector-exposure',
    sector === UNKNOWN_SECTOR ? (exposure.unknownSector ?? exposure.symbol) : exposure.sector,
    book.sectorExposure(sector),
  );
  headroom('gross-exposure', exposure.gross, book.gross);
  headroom('position-notional', ctx.profile.positions.maxNotional, symbolBook?.exposure ?? 0);
  headroom('order-notional', ctx.profile.orders.maxNotional, 0);
  candidates.push(['order-quantity', ctx.profile.orders.maxQuantity * entry * mult]);
  candidates.push(['buying-power', Math.max(0, ctx.buyingPower - book.reserved)]);

  let bound: SizeBound = 'risk';
  let dollars = Number.POSITIVE_INFINITY;
  for (const [name, value] of candidates) {
    if (value < dollars) {
      dollars = value;
      bound = name;
    }
  }
  let qty = Math.floor(dollars / (entry * mult) + 1e-9);
  const explanation = candidates.map(
    ([name, value]) => `${name === bound ? '* ' : '  '}${name}: ${value.toFixed(2)} USD`,
  );
  if (qty * entry * mult < sizing.minUsd) {
    explanation.push(`min-usd: ${sizing.minUsd.toFixed(2)} USD not reachable under ${bound}; size is 0`);
    bound = bound === 'risk' || bound === 'max-usd' ? 'min-usd' : bound;
    qty = 0;
  }
  return {
    qty,
    notional: qty * entry * mult,
    riskUsd: qty * distance * mult,
    entryPrice: entry,
    stopPrice: stop,
    bound,
    explanation,
  };
}
