import type { MarketEvent, Quote } from '../../core/market.ts';
import { roundToTick } from '../../core/tick.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * A market replay for the simulated exchange: market events in time order. Any loader that yields
 * `Quote`, `Bar` or `Mark` events (for example the backtest CSV loaders) plugs in unchanged; other
 * event kinds are ignored. Sync and async sources are both accepted.
 */
export type PriceFeed = Iterable<MarketEvent> | AsyncIterable<MarketEvent>;

/** Options of {@link randomWalkFeed}. */
export interface RandomWalkOptions {
  /** Symbols and their starting mid prices in dollars. */
  readonly symbols: Readonly<Record<string, number>>;
  /** Seed of the generator: the same seed gives the same prices. */
  readonly seed: number;
  /** Time of the first quote, epoch ms. */
  readonly startMs: number;
  /** Milliseconds between quotes of one symbol. Default 1000. */
  readonly intervalMs?: number;
  /** Standard deviation of one step as a fraction of price. Default 0.001 (0.1 %). */
  readonly volatility?: number;
  /** Bid-ask spread in dollars. Default 0.02. */
  readonly spread?: number;
  /** Number of steps; infinite when omitted. */
  readonly steps?: number;
}

/** A tiny deterministic, seeded random walk of quotes, for the CLI and tests. */
export function* randomWalkFeed(options: RandomWalkOptions): Generator<Quote> {
  const random = seededRandom(options.seed);
  const interval = options.intervalMs ?? 1000;
  const volatility = options.volatility ?? 0.001;
  const spread = options.spread ?? 0.02;
  const mids = new Map(Object.entries(options.symbols));
  for (let step = 0; options.steps === undefined || step < options.steps; step++) {
    const time = options.startMs + step * interval;
    for (const [symbol, mid] of mids) {
      // Box-Muller from two uniforms: a normal step keeps the walk symmetric.
      const u = Math.max(random(), 1e-12);
      const v = random();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      const next = Math.max(0.01, mid * (1 + volatility * z));
      mids.set(symbol, next);
      const bid = roundToTick(next - spread / 2, 'down');
      const ask = Math.max(roundToTick(next + spread / 2, 'up'), roundToTick(bid + 0.01, 'up'));
      yield { kind: 'quote', symbol, time, bid, ask };
    }
  }
}

/** Pulls events from a feed one at a time, with a one-event look-ahead. */
export class FeedCursor {
  readonly #sync: Iterator<MarketEvent> | undefined;
  readonly #async: AsyncIterator<MarketEvent> | undefined;
  #peeked: MarketEvent | undefined;
  #done = false;

  constructor(feed: PriceFeed) {
    if (Symbol.asyncIterator in feed) this.#async = feed[Symbol.asyncIterator]();
    else this.#sync = feed[Symbol.iterator]();
  }

  /** The next event without consuming it; undefined when the feed is exhausted. */
  async peek(): Promise<MarketEvent | undefined> {
    if (this.#peeked !== undefined || this.#done) return this.#peeked;
    const result = this.#sync !== undefined ? this.#sync.next() : await this.#async!.next();
    if (result.done) this.#done = true;
    else this.#peeked = result.value;
    return this.#peeked;
  }

  /** Consumes and returns the next event. */
  async next(): Promise<MarketEvent | undefined> {
    const event = await this.peek();
    this.#peeked = undefined;
    return event;
  }

  async close(): Promise<void> {
    this.#done = true;
    await this.#async?.return?.();
    this.#sync?.return?.();
  }
}
