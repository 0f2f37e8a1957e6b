import { randomWalkFeed } from '../../broker/sim/price-feed.ts';
import { SimExchange } from '../../broker/sim/sim-exchange.ts';
import type { Bar, MarketEvent } from '../../core/market.ts';
import { BarBuilder } from '../monitors/bar-builder.ts';

/** The symbols and starting prices (dollars) the embedded exchange replays. */
export const EMBEDDED_SYMBOLS: Readonly<Record<string, number>> = {
  AAPL: 190,
  MSFT: 410,
  SPY: 560,
  TSLA: 250,
};

/** The embedded exchange and the bars of the market's recent past, to warm the indicators. */
export interface EmbeddedSim {
  readonly exchange: SimExchange;
  /** Bars before now, oldest first: what the seeded market did before the gateway started. */
  readonly history: readonly Bar[];
}

/**
 * Starts the built-in simulated exchange on its own loopback port, replaying a seeded random walk
 * in real time (times `speed`). The walk starts `historyBars` bars in the past: that prefix is
 * returned as bars, so ATR-based stops can be computed from the first order on. The account
 * starts with `startingCash` dollars (the profile's starting equity).
 */
export async function startEmbeddedSim(options: {
  readonly seed: number;
  readonly speed: number;
  readonly barIntervalMs: number;
  readonly startingCash: number;
  readonly historyBars?: number;
}): Promise<EmbeddedSim> {
  const now = Date.now();
  const historyMs = options.barIntervalMs * (options.historyBars ?? 30);
  const walk = randomWalkFeed({
    symbols: EMBEDDED_SYMBOLS,
    seed: options.seed,
    startMs: now - historyMs,
    intervalMs: 1000,
  });
  const builder = new BarBuilder(options.barIntervalMs);
  const history: Bar[] = [];
  // The walk is read by hand, not with `for…of`: leaving a `for…of` early closes the generator,
  // and a closed walk would quote once and never again.
  let first: MarketEvent | undefined;
  for (let step = walk.next(); !step.done; step = walk.next()) {
    const quote = step.value;
    if (quote.time >= now) {
      first = quote;
      break;
    }
    const bar = builder.add(quote.symbol, (quote.bid + quote.ask) / 2, quote.time);
    if (bar !== undefined) history.push(bar);
  }
  function* rest(): Generator<MarketEvent> {
    if (first !== undefined) yield first;
    yield* walk;
  }
  const exchange = await SimExchange.start({
    clock: { mode: 'real', startMs: now, speed: options.speed },
    feed: rest(),
    pumpIntervalMs: 100,
    account: { cash: options.startingCash },
    // The gateway polls quotes every second and the account with them; the broker's 200/min
    // limit would starve a demo, and the real limit is the broker's business, not the simulator's.
    rateLimit: { limit: 100_000 },
  });
  return { exchange, history };
}
