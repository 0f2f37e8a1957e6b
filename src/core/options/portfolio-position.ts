/**
 * One position of the portfolio Greeks aggregator: validation of its instrument, and its
 * valuation into a cached contribution that the aggregator adds to and takes out of its sums.
 */
import type { Instrument } from '../instrument.ts';
import { bsmGreeksInto, emptyGreeks } from './black-scholes.ts';
import { expiryEpochMs, yearFraction } from './expiry-time.ts';
import {
  copyPositionGreeks,
  type PositionGreeks,
  positionGreeksInto,
  stockPositionGreeksInto,
  zeroPositionGreeks,
} from './greek-units.ts';

/** Why a portfolio update was refused; the portfolio is left unchanged. */
export type PortfolioErrorCode =
  | 'INVALID_INSTRUMENT'
  | 'INVALID_QUANTITY'
  | 'INVALID_VOLATILITY'
  | 'INVALID_PRICE'
  | 'INVALID_RATE'
  | 'INVALID_TIME'
  | 'UNKNOWN_OPTION_POSITION';

/** A refused portfolio update: a stable code and a `CODE: key=value` message. */
export interface PortfolioRefusal {
  readonly ok: false;
  readonly code: PortfolioErrorCode;
  readonly message: string;
}

/** Outcome of a portfolio update. */
export type PortfolioUpdate = { readonly ok: true } | PortfolioRefusal;

/** Builds a refusal with its code prefixed to the message. */
export function refuse(code: PortfolioErrorCode, message: string): PortfolioRefusal {
  return { ok: false, code, message: `${code}: ${message}` };
}

/** Refuses an implied volatility that is given but is not a finite number ≥ 0. */
export function checkVolatility(symbol: string, iv: number | undefined): PortfolioRefusal | undefined {
  if (iv === undefined || (iv >= 0 && Number.isFinite(iv))) return undefined;
  return refuse('INVALID_VOLATILITY', `symbol=${symbol} iv=${iv}`);
}

/** A held (or hypothetical) position and its cached contribution to the sums. */
export interface PositionEntry {
  readonly instrument: Instrument;
  readonly underlying: string;
  /** Option expiry `YYYY-MM-DD`, or undefined for stock. */
  readonly expiry: string | undefined;
  /** Expiry instant, epoch ms (16:00 New York); NaN for stock. */
  readonly expiryMs: number;
  /** Contracts or shares, signed. */
  readonly qty: number;
  /** Implied volatility, decimal; NaN until known. */
  iv: number;
  /** ACT/365 years to expiry at the portfolio's time. */
  timeToExpiry: number;
  /** Whether `contribution` holds a valuation (false: inputs missing, contribution zero). */
  priced: boolean;
  readonly contribution: PositionGreeks;
}

/**
 * Validates an instrument and builds its entry, not yet valued; `iv` is NaN when unknown and
 * `timeMs` is the valuation time (epoch ms). Stock is any instrument that is not `us_option`
 * and carries no option terms; its underlying is its own symbol.
 */
export function createPositionEntry(
  instrument: Instrument,
  qty: number,
  iv: number,
  timeMs: number,
): PositionEntry | PortfolioRefusal {
  const symbol = instrument.symbol;
  if (!Number.isFinite(qty)) return refuse('INVALID_QUANTITY', `symbol=${symbol} qty=${qty}`);
  const terms = instrument.option;
  const isOption = instrument.assetClass === 'us_option';
  const expiryMs = terms === undefined ? undefined : expiryEpochMs(terms.expiry);
  const validTerms =
    terms !== undefined &&
    expiryMs !== undefined &&
    terms.strike > 0 &&
    Number.isFinite(terms.strike) &&
    (terms.right === 'call' || terms.right === 'put');
  const validMultiplier = instrument.multiplier > 0 && Number.isFinite(instrument.multiplier);
  if (!validMultiplier || (isOption ? !validTerms : terms !== undefined)) {
    return refuse(
      'INVALID_INSTRUMENT',
      `symbol=${symbol}: needs a positive multiplier, and option terms (YYYY-MM-DD expiry, strike > 0, call or put) exactly when assetClass is us_option`,
    );
  }
  const ms = expiryMs ?? Number.NaN;
  return {
    instrument,
    underlying: terms?.underlying ?? symbol,
    expiry: terms?.expiry,
    expiryMs: ms,
    qty,
    iv,
    timeToExpiry: isOption ? yearFraction(timeMs, ms) : 0,
    priced: false,
    contribution: zeroPositionGreeks(),
  };
}

const ZERO: Readonly<PositionGreeks> = zeroPositionGreeks();
// Output buffer of the Black-Scholes kernel; valuation is synchronous, so one is enough.
const raw = emptyGreeks();

/**
 * Values an entry into its cached contribution at underlying price `spot` (NaN if unknown),
 * `rate` and `dividendYield` (continuously compounded, decimal). Without a price, or an implied
 * volatility for an option, the entry is unpriced and contributes zero.
 */
export function valuePosition(entry: PositionEntry, spot: number, rate: number, dividendYield: number): void {
  const out = entry.contribution;
  const terms = entry.instrument.option;
  entry.priced = spot > 0 && (terms === undefined || entry.iv >= 0);
  if (!entry.priced) {
    copyPositionGreeks(out, ZERO);
  } else if (terms === undefined) {
    stockPositionGreeksInto(out, spot, entry.instrument.multiplier, entry.qty);
  } else {
    bsmGreeksInto(raw, terms.right, spot, terms.strike, entry.timeToExpiry, rate, dividendYield, entry.iv);
    positionGreeksInto(out, raw, spot, entry.instrument.multiplier, entry.qty);
  }
}
