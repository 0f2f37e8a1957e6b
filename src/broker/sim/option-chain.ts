import type { OptionTerms } from '../../core/instrument.ts';
import type { Quote } from '../../core/market.ts';
import { bsmPrice } from '../../core/options/black-scholes.ts';
import { expiryEpochMs, MS_PER_DAY, yearFraction } from '../../core/options/expiry-time.ts';
import { formatOccSymbol, parseOccSymbol } from '../../core/options/occ-symbol.ts';
import { OPTION_MULTIPLIER } from '../../core/options/option-instrument.ts';
import {
  DEFAULT_VOLATILITY_SURFACE,
  surfaceVolatility,
  type VolatilitySurface,
} from '../../core/options/volatility-surface.ts';
import type { WireOptionContract } from '../wire/option-wire.ts';

/** How the simulated exchange lists and prices option contracts. */
export interface SimOptionsConfig {
  /** The volatility every contract is priced with. Default {@link DEFAULT_VOLATILITY_SURFACE}. */
  readonly surface?: VolatilitySurface;
  /** Risk-free rate, continuously compounded, fraction per year. Default 0.04. */
  readonly rate?: number;
  /** Continuous dividend yields by underlying, fraction per year; 0 where absent. */
  readonly dividendYields?: Readonly<Record<string, number>>;
  /** Listed strikes span spot × (1 ± this fraction). Default 0.3. */
  readonly strikeRange?: number;
  /** Quoted bid-ask spread as a fraction of the model price (at least one cent). Default 0.02. */
  readonly spread?: number;
}

/** The listing facts of a contract the exchange trades. */
export interface ChainContract extends OptionTerms {
  readonly symbol: string;
  /** Epoch ms of the expiry instant (16:00 New York on the expiry date). */
  readonly expiresAt: number;
}

/**
 * The simulated exchange's option chains: every OCC contract on a listed stock is tradable until
 * its expiry, priced from the underlying's quote with Black-Scholes-Merton and a volatility
 * surface. Listings show weekly Fridays for four weeks, the monthly (third Friday) expiries of
 * the next twelve months and the January expiries of the next two years, with strikes on a grid
 * around the underlying's mid.
 */
export class OptionChain {
  readonly surface: VolatilitySurface;
  readonly rate: number;
  readonly #dividendYields: Readonly<Record<string, number>>;
  readonly #strikeRange: number;
  readonly #spread: number;
  readonly #terms = new Map<string, ChainContract | null>();

  constructor(
    config: SimOptionsConfig,
    /** Whether the symbol is a listed stock (an underlying). */
    readonly isUnderlying: (symbol: string) => boolean,
    /** The latest quote of a stock. */
    readonly underlyingQuote: (symbol: string) => Quote | undefined,
  ) {
    this.surface = config.surface ?? DEFAULT_VOLATILITY_SURFACE;
    this.rate = config.rate ?? 0.04;
    this.#dividendYields = config.dividendYields ?? {};
    this.#strikeRange = config.strikeRange ?? 0.3;
    this.#spread = config.spread ?? 0.02;
  }

  /** The contract of an OCC symbol on a listed stock, or undefined (cached: symbols repeat). */
  contract(symbol: string): ChainContract | undefined {
    let known = this.#terms.get(symbol);
    if (known === undefined) {
      const parsed = parseOccSymbol(symbol);
      const expiresAt = parsed.ok ? expiryEpochMs(parsed.value.expiry) : undefined;
      known =
        parsed.ok && expiresAt !== undefined && this.isUnderlying(parsed.value.underlying)
          ? { ...parsed.value, symbol, expiresAt }
          : null;
      if (this.#terms.size > 100_000) this.#terms.clear();
      this.#terms.set(symbol, known);
    }
    return known ?? undefined;
  }

  /** Whether the contract can be traded at `now` (listed underlying, not yet expired). */
  isTradable(symbol: string, now: number): boolean {
    const c = this.contract(symbol);
    return c !== undefined && c.expiresAt > now;
  }

  /** The model price of a contract, dollars per unit of underlying; undefined without a spot. */
  modelPrice(c: ChainContract, now: number): { price: number; spot: number; volatility: number } | undefined {
    const q = this.underlyingQuote(c.underlying);
    if (q === undefined) return undefined;
    const spot = (q.bid + q.ask) / 2;
    const t = Math.max(0, yearFraction(now, c.expiresAt));
    const volatility = surfaceVolatility(this.surface, c.strike, spot, t);
    const dividendYield = this.#dividendYields[c.underlying] ?? 0;
    const price = bsmPrice(c.right, spot, c.strike, t, this.rate, dividendYield, volatility);
    return Number.isFinite(price) ? { price, spot, volatility } : undefined;
  }

  /** The exchange's quote of a contract at `now`: the model price ± half the spread, on the cent. */
  quote(symbol: string, now: number): Quote | undefined {
    const c = this.contract(symbol);
    if (c === undefined) return undefined;
    const model = this.modelPrice(c, now);
    if (model === undefined) return undefined;
    const half = Math.max(0.005, (model.price * this.#spread) / 2);
    // Options trade in cents: no sub-penny prices, and a bid never below zero.
    const bid = Math.max(0, Math.floor((model.price - half) * 100 + 1e-7) / 100);
    const ask = Math.max(0.01, Math.ceil((model.price + half) * 100 - 1e-7) / 100, bid + 0.01);
    return { kind: 'quote', symbol, time: now, bid, ask: Math.round(ask * 100) / 100 };
  }

  /** Expiry dates listed at `now`, `YYYY-MM-DD`, ascending. */
  expiries(now: number): string[] {
    const dates = new Set<string>();
    const day = new Date(Math.floor(now / MS_PER_DAY) * MS_PER_DAY);
    for (let i = 0; i < 35; i++) {
      const d = new Date(day.getTime() + i * MS_PER_DAY);
      if (d.getUTCDay() === 5) dates.add(isoDate(d));
    }
    const y = day.getUTCFullYear();
    const m = day.getUTCMonth();
    for (let k = 0; k <= 12; k++) dates.add(thirdFriday(y, m + k));
    for (let k = 1; k <= 2; k++) dates.add(thirdFriday(y + k, 0));
    return [...dates].filter((d) => (expiryEpochMs(d) ?? 0) > now).sort();
  }

  /** Strikes listed around a spot, dollars, ascending. */
  strikes(spot: number): number[] {
    const step = spot < 25 ? 1 : spot < 100 ? 2.5 : spot < 300 ? 5 : 10;
    const low = Math.max(step, Math.ceil((spot * (1 - this.#strikeRange)) / step) * step);
    const high = Math.floor((spot * (1 + this.#strikeRange)) / step) * step;
    const out: number[] = [];
    for (let k = low; k <= high + 1e-9; k += step) out.push(Math.round(k * 1000) / 1000);
    return out;
  }

  /** Every listed contract of an underlying at `now` (none before its first quote). */
  *listed(underlying: string, now: number): Generator<ChainContract> {
    const q = this.underlyingQuote(underlying);
    if (q === undefined) return;
    const strikes = this.strikes((q.bid + q.ask) / 2);
    for (const expiry of this.expiries(now)) {
      const expiresAt = expiryEpochMs(expiry)!;
      for (const right of ['call', 'put'] as const) {
        for (const strike of strikes) {
          const symbol = formatOccSymbol({ underlying, expiry, strike, right }, 'compact');
          if (symbol.ok) yield { underlying, expiry, strike, right, symbol: symbol.value, expiresAt };
        }
      }
    }
  }

  /** Renders a contract as `GET /v2/options/contracts` lists it. */
  render(c: ChainContract, now: number): WireOptionContract {
    const model = this.modelPrice(c, now);
    const hex = Buffer.from(c.symbol.padEnd(16, '_')).toString('hex').slice(0, 32).padEnd(32, '0');
    const [year, month, day] = c.expiry.split('-');
    return {
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-9${hex.slice(17, 20)}-${hex.slice(20, 32)}`,
      symbol: c.symbol,
      name: `${c.underlying} ${month}/${day}/${year} ${c.right === 'call' ? 'Call' : 'Put'} $${c.strike.toFixed(2)}`,
      status: 'active',
      tradable: c.expiresAt > now,
      expiration_date: c.expiry,
      root_symbol: c.underlying,
      underlying_symbol: c.underlying,
      underlying_asset_id: null,
      type: c.right,
      style: 'american',
      strike_price: String(c.strike),
      multiplier: String(OPTION_MULTIPLIER),
      size: String(OPTION_MULTIPLIER),
      open_interest: null,
      open_interest_date: null,
      close_price: model === undefined ? null : model.price.toFixed(2),
      close_price_date: model === undefined ? null : isoDate(new Date(now)),
    };
  }
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The third Friday of a month (`month` may run past 11: it rolls into later years). */
function thirdFriday(year: number, month: number): string {
  const first = new Date(Date.UTC(year, month, 1));
  const offset = (5 - first.getUTCDay() + 7) % 7;
  return isoDate(new Date(Date.UTC(year, month, 1 + offset + 14)));
}
