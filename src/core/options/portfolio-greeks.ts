/**
 * Greeks of a portfolio of options and stock, per underlying and in total, maintained
 * incrementally: a tick of one underlying revalues only that underlying's options, an implied
 * volatility change revalues only its option, and the totals move by the difference. Each
 * position caches its contribution so that it can be taken out again exactly.
 *
 * Conventions: stock has shares delta = quantity × multiplier and no other Greeks; options are
 * valued with Black-Scholes-Merton at the portfolio's rate, the underlying's dividend yield and
 * the position's implied volatility, with time to expiry in ACT/365 years to 16:00 New York on
 * the expiry date (`expiry-time.ts`). Units are those of `PositionGreeks` (`greek-units.ts`).
 *
 * A position whose underlying price (or, for an option, implied volatility) is not known yet
 * contributes nothing and is counted in `unpriced`: risk checks should fail closed while it is > 0.
 */
import type { Instrument } from '../instrument.ts';
import { type ContractBook, copyContractBook, countContracts } from './contract-counts.ts';
import { yearFraction } from './expiry-time.ts';
import {
  accumulatePositionGreeks,
  copyPositionGreeks,
  type PositionGreeks,
  zeroPositionGreeks,
} from './greek-units.ts';
import {
  checkVolatility,
  createPositionEntry,
  type PortfolioRefusal,
  type PortfolioUpdate,
  type PositionEntry,
  refuse,
  valuePosition,
} from './portfolio-position.ts';
import {
  type PortfolioTotals,
  totalsSnapshot,
  type UnderlyingGreeks,
  underlyingSnapshot,
} from './portfolio-snapshot.ts';

/** Construction parameters. */
export interface PortfolioGreeksOptions {
  /** Risk-free rate, continuously compounded, decimal per year. */
  readonly rate: number;
  /** Valuation time, epoch milliseconds (from the injected clock). */
  readonly timeMs: number;
  /** Continuous dividend yields by underlying, decimal per year; 0 where absent. */
  readonly dividendYields?: Readonly<Record<string, number>>;
}

interface Group {
  readonly underlying: string;
  price: number;
  dividendYield: number;
  readonly entries: Map<string, PositionEntry>;
  readonly sums: PositionGreeks;
  unpriced: number;
  readonly contracts: ContractBook;
}

const OK: PortfolioUpdate = { ok: true };
/** All-zero exposure to reset from; never written. */
const ZERO: Readonly<PositionGreeks> = zeroPositionGreeks();
/** Difference updates between exact rebuilds of the totals (bounds floating-point drift). */
const REBUILD_INTERVAL = 4096;

/** Incrementally maintained Greeks of a portfolio of options and stock. */
export class PortfolioGreeks {
  #rate: number;
  #timeMs: number;
  readonly #groups = new Map<string, Group>();
  readonly #entries = new Map<string, PositionEntry>();
  readonly #totals = zeroPositionGreeks();
  #unpriced = 0;
  #updatesSinceRebuild = 0;

  /** Throws RangeError if the rate, time or a dividend yield is not a finite number (a wiring error). */
  constructor(options: PortfolioGreeksOptions) {
    const yields = Object.entries(options.dividendYields ?? {});
    for (const [name, value] of [['rate', options.rate], ['timeMs', options.timeMs], ...yields] as const) {
      if (!Number.isFinite(value))
        throw new RangeError(`PortfolioGreeks: ${name} must be finite, got ${value}`);
    }
    this.#rate = options.rate;
    this.#timeMs = options.timeMs;
    for (const [underlying, q] of yields) this.#group(underlying).dividendYield = q;
  }

  /**
   * Sets the position in `instrument` to `qty` (contracts for options, shares for stock; 0 removes
   * it). For an option, `iv` is its implied volatility (decimal); when omitted a held option keeps
   * its volatility and a new one stays unpriced until {@link onImpliedVol}.
   */
  setPosition(instrument: Instrument, qty: number, iv?: number): PortfolioUpdate {
    const badVolatility = checkVolatility(instrument.symbol, iv);
    if (badVolatility !== undefined) return badVolatility;
    const old = this.#entries.get(instrument.symbol);
    const entry = createPositionEntry(instrument, qty, iv ?? old?.iv ?? Number.NaN, this.#timeMs);
    if (!('contribution' in entry)) return entry;
    if (old !== undefined) this.#remove(old);
    if (qty !== 0) this.#add(entry);
    return OK;
  }

  /** Revalues the positions on `underlying` at a new price (currency, > 0); totals move by the difference. */
  onUnderlyingPrice(underlying: string, price: number): PortfolioUpdate {
    if (!(price > 0 && Number.isFinite(price)))
      return refuse('INVALID_PRICE', `underlying=${underlying} price=${price}`);
    const group = this.#group(underlying);
    group.price = price;
    this.#revalueGroup(group);
    return OK;
  }

  /** Revalues one held option at a new implied volatility (decimal, ≥ 0). */
  onImpliedVol(symbol: string, iv: number): PortfolioUpdate {
    const badVolatility = checkVolatility(symbol, iv);
    if (badVolatility !== undefined) return badVolatility;
    const entry = this.#entries.get(symbol);
    if (entry?.expiry === undefined)
      return refuse('UNKNOWN_OPTION_POSITION', `symbol=${symbol} is not a held option`);
    entry.iv = iv;
    const group = this.#group(entry.underlying);
    this.#account(group, entry, -1);
    valuePosition(entry, group.price, this.#rate, group.dividendYield);
    this.#account(group, entry, 1);
    this.#noteUpdate();
    return OK;
  }

  /** Moves the valuation time (epoch ms), revalues every option and rebuilds the totals. */
  setTime(epochMs: number): PortfolioUpdate {
    if (!Number.isFinite(epochMs)) return refuse('INVALID_TIME', `time=${epochMs}`);
    this.#timeMs = epochMs;
    for (const entry of this.#entries.values()) entry.timeToExpiry = yearFraction(epochMs, entry.expiryMs);
    this.#revalueAll();
    return OK;
  }

  /** Changes the risk-free rate (continuously compounded, decimal) and revalues every option. */
  setRate(rate: number): PortfolioUpdate {
    if (!Number.isFinite(rate)) return refuse('INVALID_RATE', `rate=${rate}`);
    this.#rate = rate;
    this.#revalueAll();
    return OK;
  }

  /** Changes one underlying's dividend yield (continuously compounded, decimal) and revalues it. */
  setDividendYield(underlying: string, dividendYield: number): PortfolioUpdate {
    if (!Number.isFinite(dividendYield)) {
      return refuse('INVALID_RATE', `underlying=${underlying} dividendYield=${dividendYield}`);
    }
    const group = this.#group(underlying);
    group.dividendYield = dividendYield;
    this.#revalueGroup(group);
    return OK;
  }

  /** Portfolio totals now (a snapshot). */
  totals(): PortfolioTotals {
    return this.#totalsSnapshot(this.#totals, this.#unpriced, this.#entries.size, undefined);
  }

  /** Risk on one underlying now (a snapshot), or undefined if nothing was ever held or priced on it. */
  byUnderlying(underlying: string): UnderlyingGreeks | undefined {
    const group = this.#groups.get(underlying);
    if (group === undefined) return undefined;
    return this.#groupSnapshot(group, group.sums, group.unpriced, group.entries.size, group.contracts);
  }

  /**
   * Copies the summed exposure of one underlying (or, without one, of the whole portfolio) into
   * `out` without allocating, in `PositionGreeks` units; returns how many of its positions are
   * unpriced. An underlying never seen reads as all zero.
   */
  exposureInto(out: PositionGreeks, underlying?: string): number {
    if (underlying === undefined) {
      copyPositionGreeks(out, this.#totals);
      return this.#unpriced;
    }
    const group = this.#groups.get(underlying);
    copyPositionGreeks(out, group?.sums ?? ZERO);
    return group?.unpriced ?? 0;
  }

  /** Underlyings with at least one position. */
  underlyings(): string[] {
    return [...this.#groups.values()].filter((g) => g.entries.size > 0).map((g) => g.underlying);
  }

  /**
   * The Greeks of the underlying and of the portfolio after a hypothetical trade of `qtyDelta`
   * (signed) in `instrument`, with `iv` as in {@link setPosition}. Changes nothing.
   */
  whatIf(
    instrument: Instrument,
    qtyDelta: number,
    iv?: number,
  ):
    | { readonly ok: true; readonly underlying: UnderlyingGreeks; readonly totals: PortfolioTotals }
    | PortfolioRefusal {
    const badVolatility = checkVolatility(instrument.symbol, iv);
    if (badVolatility !== undefined) return badVolatility;
    const old = this.#entries.get(instrument.symbol);
    const qty = (old?.qty ?? 0) + qtyDelta;
    const trial = createPositionEntry(instrument, qty, iv ?? old?.iv ?? Number.NaN, this.#timeMs);
    if (!('contribution' in trial)) return trial;
    const group = this.#groups.get(trial.underlying) ?? this.#emptyGroup(trial.underlying);
    if (qty !== 0) valuePosition(trial, group.price, this.#rate, group.dividendYield);
    // The trade's effect: the new position's contribution minus the old one's.
    const change = copyPositionGreeks(zeroPositionGreeks(), trial.contribution);
    if (old !== undefined) accumulatePositionGreeks(change, old.contribution, -1);
    const unpriced = (qty !== 0 && !trial.priced ? 1 : 0) - (old !== undefined && !old.priced ? 1 : 0);
    const positions = (qty !== 0 ? 1 : 0) - (old !== undefined ? 1 : 0);
    const book = copyContractBook(group.contracts);
    if (old?.expiry !== undefined) countContracts(book, old.expiry, old.qty, -1);
    if (trial.expiry !== undefined && qty !== 0) countContracts(book, trial.expiry, qty, 1);
    const sums = accumulatePositionGreeks(copyPositionGreeks(zeroPositionGreeks(), group.sums), change);
    const totals = accumulatePositionGreeks(copyPositionGreeks(zeroPositionGreeks(), this.#totals), change);
    return {
      ok: true,
      underlying: this.#groupSnapshot(
        group,
        sums,
        group.unpriced + unpriced,
        group.entries.size + positions,
        book,
      ),
      totals: this.#totalsSnapshot(totals, this.#unpriced + unpriced, this.#entries.size + positions, {
        group,
        book,
        positions: group.entries.size + positions,
      }),
    };
  }

  #emptyGroup(underlying: string): Group {
    return {
      underlying,
      price: Number.NaN,
      dividendYield: 0,
      entries: new Map(),
      sums: zeroPositionGreeks(),
      unpriced: 0,
      contracts: new Map(),
    };
  }

  #group(underlying: string): Group {
    let group = this.#groups.get(underlying);
    if (group === undefined) {
      group = this.#emptyGroup(underlying);
      this.#groups.set(underlying, group);
    }
    return group;
  }

  /** Adds (sign 1) or takes out (sign −1) an entry's cached contribution from its group and the totals. */
  #account(group: Group, entry: PositionEntry, sign: 1 | -1): void {
    accumulatePositionGreeks(group.sums, entry.contribution, sign);
    accumulatePositionGreeks(this.#totals, entry.contribution, sign);
    if (!entry.priced) {
      group.unpriced += sign;
      this.#unpriced += sign;
    }
  }

  #add(entry: PositionEntry): void {
    const group = this.#group(entry.underlying);
    this.#entries.set(entry.instrument.symbol, entry);
    group.entries.set(entry.instrument.symbol, entry);
    if (entry.expiry !== undefined) countContracts(group.contracts, entry.expiry, entry.qty, 1);
    valuePosition(entry, group.price, this.#rate, group.dividendYield);
    this.#account(group, entry, 1);
    this.#noteUpdate();
  }

  #remove(entry: PositionEntry): void {
    const group = this.#group(entry.underlying);
    this.#account(group, entry, -1);
    if (entry.expiry !== undefined) countContracts(group.contracts, entry.expiry, entry.qty, -1);
    group.entries.delete(entry.instrument.symbol);
    this.#entries.delete(entry.instrument.symbol);
    this.#noteUpdate();
  }

  /** Revalues a group's entries, re-sums the group exactly and moves the totals by the difference. */
  #revalueGroup(group: Group): void {
    accumulatePositionGreeks(this.#totals, group.sums, -1);
    this.#unpriced -= group.unpriced;
    copyPositionGreeks(group.sums, ZERO);
    group.unpriced = 0;
    for (const entry of group.entries.values()) {
      valuePosition(entry, group.price, this.#rate, group.dividendYield);
      accumulatePositionGreeks(group.sums, entry.contribution);
      if (!entry.priced) group.unpriced++;
    }
    accumulatePositionGreeks(this.#totals, group.sums);
    this.#unpriced += group.unpriced;
    this.#noteUpdate();
  }

  #revalueAll(): void {
    for (const group of this.#groups.values()) this.#revalueGroup(group);
    this.#rebuildTotals();
  }

  /** Re-adds the totals from the group sums, discarding accumulated rounding. */
  #rebuildTotals(): void {
    copyPositionGreeks(this.#totals, ZERO);
    for (const group of this.#groups.values()) accumulatePositionGreeks(this.#totals, group.sums);
    this.#updatesSinceRebuild = 0;
  }

  #noteUpdate(): void {
    if (++this.#updatesSinceRebuild >= REBUILD_INTERVAL) this.#rebuildTotals();
  }

  #groupSnapshot(
    group: Group,
    sums: PositionGreeks,
    unpriced: number,
    positions: number,
    book: ContractBook,
  ) {
    return underlyingSnapshot(group.underlying, group.price, sums, unpriced, positions, book);
  }

  /** Totals snapshot; `replace` substitutes one group's hypothetical contract book and position count (what-if). */
  #totalsSnapshot(
    t: PositionGreeks,
    unpriced: number,
    positions: number,
    replace: { readonly group: Group; readonly book: ContractBook; readonly positions: number } | undefined,
  ): PortfolioTotals {
    const groups = [...this.#groups.values()];
    if (replace !== undefined && !this.#groups.has(replace.group.underlying)) groups.push(replace.group);
    const books = groups.map((g) => (g === replace?.group ? replace.book : g.contracts));
    const held = groups.filter((g) => (g === replace?.group ? replace.positions : g.entries.size) > 0);
    return totalsSnapshot(t, unpriced, positions, held.length, books);
  }
}
