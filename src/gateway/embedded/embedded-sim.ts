import { randomWalkFeed } from '../../broker/sim/price-feed.ts';
import { SimExchange } from '../../broker/sim/sim-exchange.ts';
import { readSimState, type SimStateError } from '../../broker/sim/state-file.ts';
import type { Bar, Quote } from '../../core/market.ts';
import { roundToTick } from '../../core/tick.ts';
import { BarBuilder } from '../monitors/bar-builder.ts';

/** The symbols and starting prices (dollars) the embedded exchange replays. */
export const EMBEDDED_SYMBOLS: Readonly<Record<string, number>> = {
  AAPL: 190,
  MSFT: 410,
  SPY: 560,
  TSLA: 250,
};

/** The file in the gateway's data directory that keeps the embedded exchange's account and orders. */
export const EMBEDDED_STATE_FILE = 'exchange.json';

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
 * starts with `startingCash` dollars (the profile's starting equity), unless `stateFile` holds
 * the account, positions and orders of an earlier run: then those come back, and each symbol's
 * walk is scaled so the market goes on from its last saved quote instead of jumping.
 */
export async function startEmbeddedSim(options: {
  readonly seed: number;
  readonly speed: number;
  readonly barIntervalMs: number;
  readonly startingCash: number;
  readonly historyBars?: number;
  /** Where the exchange keeps its state across restarts; none: it starts empty every time. */
  readonly stateFile?: string;
  readonly onStateError?: (error: SimStateError) => void;
}): Promise<EmbeddedSim> {
  const now = Date.now();
  const saved = options.stateFile === undefined ? undefined : readSimState(options.stateFile);
  const historyMs = options.barIntervalMs * (options.historyBars ?? 30);
  const walk = randomWalkFeed({
    symbols: EMBEDDED_SYMBOLS,
    seed: options.seed,
    startMs: now - historyMs,
    intervalMs: 1000,
  });
  const builder = new BarBuilder(options.barIntervalMs);
  const bars: Bar[] = [];
  const walkMid = new Map<string, number>();
  // The walk is read by hand, not with `for…of`: leaving a `for…of` early closes the generator,
  // and a closed walk would quote once and never again.
  let first: Quote | undefined;
  for (let step = walk.next(); !step.done; step = walk.next()) {
    const quote = step.value;
    if (quote.time >= now) {
      first = quote;
      break;
    }
    const mid = (quote.bid + quote.ask) / 2;
    walkMid.set(quote.symbol, mid);
    const bar = builder.add(quote.symbol, mid, quote.time);
    if (bar !== undefined) bars.push(bar);
  }
  const scale = new Map<string, number>();
  for (const q of saved?.quotes ?? []) {
    const mid = walkMid.get(q.symbol);
    if (mid !== undefined && mid > 0) scale.set(q.symbol, (q.bid + q.ask) / 2 / mid);
  }
  const history = bars.map((bar) => scaleBar(bar, scale.get(bar.symbol)));
  function* rest(): Generator<Quote> {
    if (first !== undefined) yield scaleQuote(first, scale.get(first.symbol));
    for (const quote of walk) yield scaleQuote(quote, scale.get(quote.symbol));
  }
  const exchange = await SimExchange.start({
    clock: { mode: 'real', startMs: now, speed: options.speed },
    feed: rest(),
    pumpIntervalMs: 100,
    account: { cash: options.startingCash },
    // The gateway polls quotes every second and the account with them; the broker's 200/min
    // limit would starve a demo, and the real limit is the broker's business, not the simulator's.
    rateLimit: { limit: 100_000 },
    ...(options.stateFile !== undefined ? { stateFile: options.stateFile } : {}),
    ...(options.onStateError !== undefined ? { onStateError: options.onStateError } : {}),
  });
  return { exchange, history };
}

function scaleBar(bar: Bar, factor: number | undefined): Bar {
  if (factor === undefined) return bar;
  const price = (p: number) => roundToTick(p * factor);
  return {
    ...bar,
    open: price(bar.open),
    high: price(bar.high),
    low: price(bar.low),
    close: price(bar.close),
  };
}

function scaleQuote(quote: Quote, factor: number | undefined): Quote {
  if (factor === undefined) return quote;
  const bid = Math.max(0.01, roundToTick(quote.bid * factor, 'down'));
  const ask = Math.max(roundToTick(quote.ask * factor, 'up'), roundToTick(bid + 0.01, 'up'));
  return { ...quote, bid, ask };
}
