/**
 * The simulated exchange of `bench/greeks-live.ts`, in a process of its own: it lists
 * `BENCH_UNDERLYINGS` stocks, books `BENCH_POSITIONS` option positions spread evenly over them
 * (long and short, 1–5 contracts, at the model price), answers `{url, keyId, secretKey,
 * underlyings}` over IPC and closes when told to stop or when its parent goes away. Quotes are
 * moved through its `POST /admin/quotes`.
 */
import { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import { serveToParent } from './child-exchange.ts';

/** What the exchange process reports once its book is loaded. */
export interface GreeksExchangeReady {
  readonly type: 'ready';
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** Underlying symbols and their mid prices, dollars. */
  readonly underlyings: Readonly<Record<string, number>>;
  readonly positions: number;
}

const UNDERLYINGS = Number(process.env.BENCH_UNDERLYINGS ?? 20);
const POSITIONS = Number(process.env.BENCH_POSITIONS ?? 10_000);
const names = Array.from(
  { length: UNDERLYINGS },
  (_, i) =>
    `UND${String.fromCharCode(65 + (i % 26))}${i >= 26 ? String.fromCharCode(65 + Math.floor(i / 26)) : ''}`,
);
const exchange = await SimExchange.start({
  clock: { mode: 'real' },
  rateLimit: { limit: 1_000_000_000 },
  assets: names.map((symbol) => ({ symbol, name: `${symbol} Benchmark Corp` })),
  // Strikes within ±60% of spot: enough contracts worth 50 cents or more on every underlying.
  options: { strikeRange: 0.6 },
  // Cash enough that no buying-power check interferes with the book loaded below.
  account: { cash: 1e9 },
});
const underlyings: Record<string, number> = {};
names.forEach((symbol, i) => {
  const mid = 50 + i * 25;
  underlyings[symbol] = mid;
  exchange.setQuote(symbol, mid - 0.01, mid + 0.01);
});
const now = exchange.clock.now();
const perUnderlying = Math.ceil(POSITIONS / UNDERLYINGS);
let booked = 0;
for (const symbol of names) {
  // Contracts at least a week out and worth at least 50 cents, so that none expires during a
  // run and no protective stop sits at a zero bid.
  const listed = [...exchange.venue.options.listed(symbol, now)].filter(
    (c) =>
      c.expiresAt - now > 7 * 86_400_000 && (exchange.venue.options.quote(c.symbol, now)?.bid ?? 0) >= 0.5,
  );
  const step = Math.max(1, Math.floor(listed.length / perUnderlying));
  for (let k = 0; k < perUnderlying && booked < POSITIONS; k++) {
    const c = listed[(k * step) % listed.length]!;
    if (exchange.venue.state.ledger.positionQty(c.symbol) !== 0) continue;
    const q = exchange.venue.options.quote(c.symbol, now)!;
    const qty = 1 + (booked % 5);
    const price = Math.max(0.01, (q.bid + q.ask) / 2);
    const long = booked % 2 === 0;
    exchange.venue.state.ledger.applyFill(c.symbol, long ? 'buy' : 'sell', qty, price);
    // Each position comes with the gateway's protective stop already working (the client order
    // id marks it as the gateway's), far enough away never to trigger: placing ten thousand
    // stops is the protection benchmark's subject, not this one's.
    exchange.venue.submit({
      symbol: c.symbol,
      qty: String(qty),
      side: long ? 'sell' : 'buy',
      type: 'stop',
      time_in_force: 'gtc',
      stop_price: (long
        ? Math.max(0.01, Math.floor(price * 10) / 100)
        : Math.ceil(price * 190) / 100
      ).toFixed(2),
      client_order_id: `rgstop-bench-${booked}`,
    });
    booked++;
  }
}

serveToParent(exchange, { underlyings, positions: booked } satisfies Omit<
  GreeksExchangeReady,
  'type' | 'url' | 'keyId' | 'secretKey'
>);
