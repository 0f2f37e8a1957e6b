import { optionUnderlying } from '../options/option-instruments.ts';

/** Default number of recently ordered symbols kept watched after their orders are done. */
export const DEFAULT_WATCH_ORDER_SYMBOLS = 256;
/** Default number of symbols of dry runs and sizing requests kept watched. */
export const DEFAULT_WATCH_DRY_RUN_SYMBOLS = 64;

/** Options of {@link WatchList}. */
export interface WatchListOptions {
  /** Symbols always watched (the embedded exchange's listed symbols). */
  readonly base?: Iterable<string>;
  /** Symbols that must be watched right now: open positions and working orders. */
  readonly needed: () => Iterable<string>;
  /** Recently ordered symbols kept, least recently used dropped first. Default {@link DEFAULT_WATCH_ORDER_SYMBOLS}. */
  readonly orderSymbols?: number;
  /** Dry-run and sizing symbols kept, least recently used dropped first. Default {@link DEFAULT_WATCH_DRY_RUN_SYMBOLS}. */
  readonly dryRunSymbols?: number;
}

/** A set that remembers at most `capacity` keys, dropping the least recently touched. */
class RecentSet {
  readonly #keys = new Map<string, true>();
  readonly #capacity: number;
  /** The most recently touched key: touching it again changes nothing. */
  #last: string | undefined;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  touch(key: string): void {
    // A dry-run loop touches one symbol over and over; a delete and set for each would leave
    // the map's table full of holes to rehash.
    if (this.#capacity === 0 || key === this.#last) return;
    this.#last = key;
    this.#keys.delete(key);
    this.#keys.set(key, true);
    if (this.#keys.size > this.#capacity) this.#keys.delete(this.#keys.keys().next().value as string);
  }

  keys(): IterableIterator<string> {
    return this.#keys.keys();
  }

  get size(): number {
    return this.#keys.size;
  }
}

/**
 * The symbols whose quotes the monitors poll: every symbol with a position or a working order,
 * the base list, the symbols of recent real orders, and a few recent dry-run and sizing symbols.
 * Only the first two grow with the account itself; the rest are bounded, so no amount of dry
 * runs can grow the quote poll until the broker refuses it.
 */
export class WatchList {
  readonly #base: ReadonlySet<string>;
  readonly #needed: () => Iterable<string>;
  readonly #orders: RecentSet;
  readonly #dryRuns: RecentSet;

  constructor(options: WatchListOptions) {
    const orderSymbols = options.orderSymbols ?? DEFAULT_WATCH_ORDER_SYMBOLS;
    const dryRunSymbols = options.dryRunSymbols ?? DEFAULT_WATCH_DRY_RUN_SYMBOLS;
    for (const [name, n] of [
      ['orderSymbols', orderSymbols],
      ['dryRunSymbols', dryRunSymbols],
    ] as const) {
      if (!(Number.isInteger(n) && n >= 0)) {
        throw new RangeError(`WatchList: ${name} must be an integer >= 0, got ${n}`);
      }
    }
    this.#base = new Set(options.base ?? []);
    this.#needed = options.needed;
    this.#orders = new RecentSet(orderSymbols);
    this.#dryRuns = new RecentSet(dryRunSymbols);
  }

  /** Notes the symbol of a real order (sent or checked for sending). */
  noteOrder(symbol: string): void {
    this.#orders.touch(symbol);
  }

  /** Notes the symbol of a dry run or a sizing request. */
  noteDryRun(symbol: string): void {
    this.#dryRuns.touch(symbol);
  }

  /** Every symbol to poll now, each once. */
  symbols(): string[] {
    const all = new Set<string>(this.#base);
    for (const symbol of this.#needed()) all.add(symbol);
    for (const symbol of this.#orders.keys()) all.add(symbol);
    for (const symbol of this.#dryRuns.keys()) all.add(symbol);
    // An option's Greeks move with its underlying: every option's underlying is polled too.
    for (const symbol of [...all]) {
      const underlying = optionUnderlying(symbol);
      if (underlying !== undefined) all.add(underlying);
    }
    return [...all];
  }

  /** How many symbols each source holds (the bounded ones never exceed their capacity). */
  sizes(): { base: number; orders: number; dryRuns: number } {
    return { base: this.#base.size, orders: this.#orders.size, dryRuns: this.#dryRuns.size };
  }
}
