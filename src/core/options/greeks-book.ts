/**
 * The risk engine's portfolio Greeks: two {@link PortfolioGreeks} kept up to date from the
 * engine's own events, one of the positions held and one of the positions plus every
 * risk-increasing working order as if it had filled. The engine owns one only when the profile
 * has an `options` section.
 *
 * Feeds: positions and working orders from the engine's book after every fill and order change
 * ({@link GreeksBook.sync}); underlying prices from marks, quotes (mid) and bars (close) of the
 * underlying's symbol; implied volatilities pushed as `iv` market events or solved from an
 * option's own price; the valuation time from the engine clock in steps of `timeStepSeconds`.
 * Whichever implied volatility arrived last is used.
 */
import type { SymbolBook } from '../book.ts';
import type { OptionsConfig } from '../config/options-schema.ts';
import type { Instrument, OptionTerms } from '../instrument.ts';
import { expiryEpochMs, yearFraction } from './expiry-time.ts';
import { impliedVolatility } from './implied-volatility.ts';
import { PortfolioGreeks } from './portfolio-greeks.ts';
import type { PortfolioTotals, UnderlyingGreeks } from './portfolio-snapshot.ts';

/** Portfolio Greeks of the positions held, for the engine's snapshot. */
export interface GreeksSnapshot {
  /** Valuation time, epoch ms (the engine clock, in steps of `timeStepSeconds`). */
  readonly valuationTime: number;
  /** Risk-free rate, fraction per year. */
  readonly rate: number;
  readonly totals: PortfolioTotals;
  /** Every underlying with a position; figures in `PositionGreeks` units. */
  readonly byUnderlying: Readonly<Record<string, UnderlyingGreeks>>;
}

/** A symbol as last synced: quantities in contracts or shares, signed. */
interface Synced {
  readonly underlying: string;
  readonly qty: number;
  readonly withWorking: number;
}

interface OptionPrice {
  readonly instrument: Instrument;
  readonly terms: OptionTerms;
  /** Option price per unit of underlying, dollars. */
  readonly price: number;
}

const NO_CHANGES: readonly string[] = [];

/** True for an instrument the Greeks value as an option. */
export function isOptionInstrument(
  instrument: Instrument,
): instrument is Instrument & { option: OptionTerms } {
  return instrument.assetClass === 'us_option' && instrument.option !== undefined;
}

/** The engine's incrementally maintained portfolio Greeks. */
export class GreeksBook {
  /** The positions held. */
  readonly positions: PortfolioGreeks;
  /** The positions plus every risk-increasing working order as if it had filled. */
  readonly withWorking: PortfolioGreeks;
  readonly config: OptionsConfig;
  readonly #stepMs: number;
  #timeMs: number;
  #version = 0;
  readonly #ivs = new Map<string, number>();
  readonly #ivErrors = new Map<string, string>();
  readonly #underlyingPrices = new Map<string, { price: number; time: number }>();
  /** Options with a price but no volatility yet, by underlying, waiting for the underlying's price. */
  readonly #waiting = new Map<string, Map<string, OptionPrice>>();
  readonly #synced = new Map<string, Synced>();
  readonly #refused = new Map<string, string>();
  /** Symbols with a position, per underlying. */
  readonly #held = new Map<string, number>();
  readonly #changed = new Set<string>();
  #allChanged = true;
  /** Symbols whose risk-increasing working orders make `withWorking` differ from `positions`. */
  #workingSymbols = 0;

  /** `timeMs` is the engine clock's time, epoch ms. */
  constructor(config: OptionsConfig, timeMs: number) {
    this.config = config;
    this.#stepMs = config.timeStepSeconds * 1000;
    this.#timeMs = timeMs;
    const options = { rate: config.rate, timeMs, dividendYields: config.dividendYields };
    this.positions = new PortfolioGreeks(options);
    this.withWorking = new PortfolioGreeks(options);
  }

  /** Increases on every change that can move a figure; equal versions mean equal figures. */
  get version(): number {
    return this.#version;
  }

  /** Valuation time, epoch ms. */
  get timeMs(): number {
    return this.#timeMs;
  }

  /** Moves the valuation time to `now` (epoch ms) once it is `timeStepSeconds` or more away. */
  advanceTo(now: number): void {
    if (!(Math.abs(now - this.#timeMs) >= this.#stepMs)) return;
    this.#timeMs = now;
    this.positions.setTime(now);
    this.withWorking.setTime(now);
    this.#allChanged = true;
    this.#version++;
  }

  /**
   * A price for `symbol` at `time` (epoch ms): an option's own price (dollars per unit) solves
   * its implied volatility; any other symbol is an underlying and revalues the positions on it.
   * `instrument` is undefined for a symbol the engine does not know (taken as an underlying).
   */
  onPrice(
    symbol: string,
    instrument: Instrument | undefined,
    price: number,
    time: number,
    now: number,
  ): void {
    if (!(price > 0 && Number.isFinite(price))) return;
    this.advanceTo(now);
    if (instrument !== undefined && isOptionInstrument(instrument)) {
      if (this.config.solveImpliedVolatility)
        this.#onOptionPrice({ instrument, terms: instrument.option, price });
      return;
    }
    this.#underlyingPrices.set(symbol, { price, time });
    this.positions.onUnderlyingPrice(symbol, price);
    this.withWorking.onUnderlyingPrice(symbol, price);
    this.#touch(symbol);
    const waiting = this.#waiting.get(symbol);
    if (waiting !== undefined) for (const option of waiting.values()) this.#solve(option, price);
  }

  /** Sets an option's implied volatility (fraction per √year); returns false for an invalid value. */
  onImpliedVol(symbol: string, iv: number, now: number): boolean {
    if (!(iv >= 0 && Number.isFinite(iv))) return false;
    this.advanceTo(now);
    // A volatility pushed later than an option's price wins over a solve still waiting for it.
    for (const waiting of this.#waiting.values()) waiting.delete(symbol);
    this.#setVolatility(symbol, iv);
    this.#ivErrors.delete(symbol);
    return true;
  }

  /**
   * Takes a symbol's position and risk-increasing working orders from the engine's book entry:
   * call after every fill, accepted order and released order, with the engine clock's time.
   */
  sync(entry: SymbolBook, now: number): void {
    this.advanceTo(now);
    const qty = entry.position?.qty ?? 0;
    const withWorking = qty + entry.workingBuy - entry.workingSell;
    const symbol = entry.symbol;
    const old = this.#synced.get(symbol);
    if (
      old !== undefined ? old.qty === qty && old.withWorking === withWorking : qty === 0 && withWorking === 0
    )
      return;
    const instrument = entry.instrument;
    const iv = this.#ivs.get(symbol);
    const held = this.positions.setPosition(instrument, qty, iv);
    if (!held.ok) {
      // Not valued at all: every check that needs the portfolio's totals fails closed meanwhile.
      if (qty === 0 && withWorking === 0) this.#refused.delete(symbol);
      else this.#refused.set(symbol, held.message);
      return;
    }
    this.withWorking.setPosition(instrument, withWorking, iv);
    const underlying = instrument.option?.underlying ?? symbol;
    this.#countHeld(underlying, (old?.qty ?? 0) !== 0, qty !== 0);
    this.#workingSymbols +=
      (withWorking !== qty ? 1 : 0) - (old !== undefined && old.withWorking !== old.qty ? 1 : 0);
    if (qty === 0 && withWorking === 0) this.#synced.delete(symbol);
    else this.#synced.set(symbol, { underlying, qty, withWorking });
    this.#touch(underlying);
  }

  /** The implied volatility in use for an option (fraction per √year), NaN when none is known. */
  impliedVolatility(symbol: string): number {
    return this.#ivs.get(symbol) ?? Number.NaN;
  }

  /** Why the last implied-volatility solve for an option failed, if it did. */
  impliedVolatilityError(symbol: string): string | undefined {
    return this.#ivErrors.get(symbol);
  }

  /** Last price of an underlying (dollars) and its time (epoch ms), or undefined before the first. */
  underlyingPrice(underlying: string): { readonly price: number; readonly time: number } | undefined {
    return this.#underlyingPrices.get(underlying);
  }

  /** True while some risk-increasing working order makes {@link withWorking} differ from {@link positions}. */
  get hasWorking(): boolean {
    return this.#workingSymbols > 0;
  }

  /** Positions the Greeks cannot value because their instrument was refused, with the reasons. */
  get refused(): ReadonlyMap<string, string> {
    return this.#refused;
  }

  /**
   * Underlyings with a position whose figures may have changed since the last call (all of them
   * after a time step, or when `all` is set); clears the record. For the monitoring breaker.
   */
  takeChanged(all: boolean): readonly string[] {
    if (!all && !this.#allChanged && this.#changed.size === 0) return NO_CHANGES;
    const source = all || this.#allChanged ? this.#held.keys() : this.#changed.values();
    const changed = [...source].filter((u) => this.#held.has(u));
    this.#changed.clear();
    this.#allChanged = false;
    return changed;
  }

  /** Greeks of the positions held, per underlying and in total. */
  snapshot(): GreeksSnapshot {
    const byUnderlying: Record<string, UnderlyingGreeks> = {};
    for (const underlying of this.#held.keys()) {
      const figures = this.positions.byUnderlying(underlying);
      if (figures !== undefined) byUnderlying[underlying] = figures;
    }
    return {
      valuationTime: this.#timeMs,
      rate: this.config.rate,
      totals: this.positions.totals(),
      byUnderlying,
    };
  }

  #onOptionPrice(option: OptionPrice): void {
    const underlying = option.terms.underlying;
    const spot = this.#underlyingPrices.get(underlying)?.price;
    if (spot !== undefined) {
      this.#solve(option, spot);
      return;
    }
    let waiting = this.#waiting.get(underlying);
    if (waiting === undefined) this.#waiting.set(underlying, (waiting = new Map()));
    waiting.set(option.instrument.symbol, option);
  }

  /** Solves an option's volatility at the book's time; a failed solve keeps the last one known. */
  #solve(option: OptionPrice, spot: number): void {
    const { instrument, terms, price } = option;
    const symbol = instrument.symbol;
    this.#waiting.get(terms.underlying)?.delete(symbol);
    const result = impliedVolatility({
      right: terms.right,
      price,
      spot,
      strike: terms.strike,
      timeToExpiry: yearFraction(this.#timeMs, expiryEpochMs(terms.expiry) ?? Number.NaN),
      rate: this.config.rate,
      dividendYield: this.config.dividendYields[terms.underlying] ?? 0,
    });
    if (!result.ok) {
      this.#ivErrors.set(symbol, result.message);
      return;
    }
    this.#ivErrors.delete(symbol);
    this.#setVolatility(symbol, result.volatility);
  }

  #setVolatility(symbol: string, iv: number): void {
    if (this.#ivs.get(symbol) === iv) return;
    this.#ivs.set(symbol, iv);
    const synced = this.#synced.get(symbol);
    if (synced === undefined) {
      this.#version++;
      return;
    }
    // Refused when the option is not in that portfolio (e.g. held, with no working orders).
    this.positions.onImpliedVol(symbol, iv);
    this.withWorking.onImpliedVol(symbol, iv);
    this.#touch(synced.underlying);
  }

  #countHeld(underlying: string, was: boolean, is: boolean): void {
    if (was === is) return;
    const count = (this.#held.get(underlying) ?? 0) + (is ? 1 : -1);
    if (count > 0) this.#held.set(underlying, count);
    else this.#held.delete(underlying);
  }

  #touch(underlying: string): void {
    this.#version++;
    if (this.#held.has(underlying)) this.#changed.add(underlying);
  }
}
