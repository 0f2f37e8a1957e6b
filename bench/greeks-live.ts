/**
 * Live portfolio Greeks benchmark: quote-to-totals latency in the gateway, in two parts.
 *
 * 1. **Poll processing at scale** (in process): the gateway's engine, instrument lookup and
 *    live Greeks (`GreeksLive`, the event hub, the metrics) with `BENCH_POSITIONS` (default
 *    10,000) option positions across `BENCH_UNDERLYINGS` (default 20) underlyings. One sample is
 *    one poll as the account monitor delivers it: one underlying moved, every underlying and
 *    every contract quoted (so each option's implied volatility is solved again), fed to the
 *    engine, then the surface fallback, the revaluation and the `greeks` event with the new
 *    totals. This is the time from the quotes in hand to the totals published.
 * 2. **End to end** (real HTTP): the simulated exchange in its own process
 *    (`greeks-live-exchange.ts`) holding `BENCH_E2E_POSITIONS` (default 10,000) protected
 *    option positions, each with its stop working there, the gateway here polling every
 *    `BENCH_MARK_INTERVAL_MS` (default 250) after reading every open order page by page at start.
 *    One sample: an underlying's quote moves at the exchange (`POST /admin/quotes`); the clock
 *    stops at the `greeks` event carrying its new price, so the wait for the next poll and the
 *    poll itself are included. Also timed: `GET /v1/greeks`.
 *
 * `npm run bench:greeks-live -- --json` prints one JSON object.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { AlpacaBroker } from '../src/broker/alpaca/alpaca-broker.ts';
import { listAllOpenOrders } from '../src/broker/list-open-orders.ts';
import type { LatestQuote } from '../src/broker/market-types.ts';
import { OptionChain } from '../src/broker/sim/option-chain.ts';
import { parseRiskProfileFile } from '../src/core/config/load-profile.ts';
import { RiskEngine } from '../src/core/engine.ts';
import { type Instrument, stock } from '../src/core/instrument.ts';
import type { Quote } from '../src/core/market.ts';
import type { GatewayEvent } from '../src/gateway/alerts/event-hub.ts';
import { EventHub } from '../src/gateway/alerts/event-hub.ts';
import { resolveGatewayConfig } from '../src/gateway/config/load-gateway-config.ts';
import type { GatewayContext } from '../src/gateway/context.ts';
import { startGateway } from '../src/gateway/gateway.ts';
import { GatewayMetrics } from '../src/gateway/metrics/gateway-metrics.ts';
import { GreeksLive } from '../src/gateway/options/greeks-live.ts';
import { instrumentLookup } from '../src/gateway/options/option-instruments.ts';
import { RiskHolder } from '../src/gateway/risk/risk-holder.ts';
import { systemClock } from '../src/platform/system-clock.ts';
import { forkPeer } from './fork-peer.ts';
import type { GreeksExchangeReady } from './greeks-live-exchange.ts';

const json = process.argv.slice(2).includes('--json');
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 100);
const POSITIONS = Number(process.env.BENCH_POSITIONS ?? 10_000);
const UNDERLYINGS = Number(process.env.BENCH_UNDERLYINGS ?? 20);
const E2E_POSITIONS = Number(process.env.BENCH_E2E_POSITIONS ?? 10_000);
const MARK_INTERVAL_MS = Number(process.env.BENCH_MARK_INTERVAL_MS ?? 250);
const SETUP_TIMEOUT_MS = Number(process.env.BENCH_SETUP_TIMEOUT_MS ?? 600_000);
const log = (line: string) => {
  if (!json) console.error(line);
};

const PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 1000000000
    marketData: { maxQuoteAgeMs: 3600000 }
    orders: { maxQuantity: 100000, maxNotional: { usd: 1000000000 } }
    exposure: { symbol: { usd: 1000000000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 90 }
    options:
      rate: 0.04
      timeStepSeconds: 60
`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function forkExchange() {
  return forkPeer<GreeksExchangeReady>('./greeks-live-exchange.ts', {
    BENCH_POSITIONS: String(E2E_POSITIONS),
    BENCH_UNDERLYINGS: String(UNDERLYINGS),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Part 1: one poll's processing with the whole book in the gateway's engine. */
function pollProcessing() {
  const profile = parseRiskProfileFile(PROFILE, 'bench profile');
  if (!profile.ok) throw new Error(JSON.stringify(profile.issues));
  const names = Array.from({ length: UNDERLYINGS }, (_, i) => `UND${String.fromCharCode(65 + (i % 26))}`);
  const stocks = new Map<string, Instrument>(names.map((n) => [n, stock(n)]));
  const engine = new RiskEngine({
    profile: profile.value,
    clock: systemClock,
    instruments: instrumentLookup(stocks),
  });
  const hub = new EventHub();
  const metrics = new GatewayMetrics();
  const ctx = { risk: new RiskHolder(engine), hub, metrics } as unknown as GatewayContext;
  const live = new GreeksLive(ctx);
  const spot = new Map<string, Quote>();
  // Strikes within ±60% of spot: enough contracts worth 50 cents or more on every underlying.
  const chain = new OptionChain(
    { strikeRange: 0.6 },
    (s) => stocks.has(s),
    (s) => spot.get(s),
  );
  let now = Date.now();
  names.forEach((n, i) => {
    const mid = 50 + i * 25;
    spot.set(n, { kind: 'quote', symbol: n, time: now, bid: mid - 0.01, ask: mid + 0.01 });
  });
  const contracts: string[] = [];
  const perUnderlying = Math.ceil(POSITIONS / UNDERLYINGS);
  for (const n of names) {
    const listed = [...chain.listed(n, now)].filter(
      (c) => c.expiresAt - now > 7 * 86_400_000 && (chain.quote(c.symbol, now)?.bid ?? 0) >= 0.5,
    );
    const step = Math.max(1, Math.floor(listed.length / perUnderlying));
    for (let k = 0; k < perUnderlying && contracts.length < POSITIONS; k++) {
      const c = listed[(k * step) % listed.length]!;
      if (contracts.includes(c.symbol)) continue;
      contracts.push(c.symbol);
    }
  }
  const toLatest = (q: Quote): LatestQuote => ({
    symbol: q.symbol,
    time: q.time,
    bid: q.bid,
    ask: q.ask,
    bidSize: 1,
    askSize: 1,
  });
  const pollQuotes = (): Map<string, LatestQuote> => {
    const quotes = new Map<string, LatestQuote>();
    for (const q of spot.values()) quotes.set(q.symbol, toLatest({ ...q, time: now }));
    for (const symbol of contracts) quotes.set(symbol, toLatest(chain.quote(symbol, now)!));
    return quotes;
  };
  const feed = (quotes: ReadonlyMap<string, LatestQuote>) => {
    for (const q of quotes.values())
      engine.onMarket({ kind: 'quote', symbol: q.symbol, time: q.time, bid: q.bid, ask: q.ask });
    live.afterQuotes(quotes, now);
  };
  feed(pollQuotes());
  contracts.forEach((symbol, i) => {
    const q = chain.quote(symbol, now)!;
    engine.onFill({
      executionId: `bench-${i}`,
      symbol,
      side: i % 2 === 0 ? 'buy' : 'sell',
      qty: 1 + (i % 5),
      price: (q.bid + q.ask) / 2,
      time: now,
    });
  });
  let published: { price: number | undefined } = { price: undefined };
  let watched = '';
  hub.subscribe((event) => {
    if (event.type !== 'greeks') return;
    published = {
      price: (event.data as { byUnderlying: Record<string, { price?: number }> }).byUnderlying[watched]
        ?.price,
    };
  });
  const times: number[] = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    now += 1;
    watched = names[i % names.length]!;
    const q = spot.get(watched)!;
    const delta = i % 4 < 2 ? 0.05 : -0.05;
    spot.set(watched, { ...q, bid: q.bid + delta, ask: q.ask + delta, time: now });
    const quotes = pollQuotes();
    const start = performance.now();
    feed(quotes);
    const elapsed = performance.now() - start;
    const mid = (spot.get(watched)!.bid + spot.get(watched)!.ask) / 2;
    if (published.price === undefined || Math.abs(published.price - mid) > 1e-9)
      throw new Error(`the totals did not carry ${watched}'s new price`);
    if (i >= 5) times.push(elapsed); // the first polls warm the JIT
  }
  const snap = engine.greeks!.snapshot();
  const sorted = times.sort((a, b) => a - b);
  return {
    symbols: [...names, ...contracts],
    positions: snap.totals.positions,
    underlyings: snap.totals.underlyings,
    quotesPerPoll: contracts.length + names.length,
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

async function main(): Promise<void> {
  log(`part 1: poll processing with ${POSITIONS} option positions on ${UNDERLYINGS} underlyings…`);
  const poll = pollProcessing();
  log(
    `  p50 ${poll.p50Ms} ms, p99 ${poll.p99Ms} ms per poll of ${poll.quotesPerPoll} quotes (${poll.positions} positions)`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'riskgate-greeks-bench-'));
  const cleanup: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const profilePath = join(dir, 'profile.yaml');
    writeFileSync(profilePath, PROFILE);
    log('loading the exchange book…');
    const exchange = await forkExchange();
    cleanup.unshift(() => exchange.child.kill());
    const { url, keyId, secretKey, underlyings, positions } = exchange.ready;
    const setupStart = performance.now();
    const gateway = await startGateway({
      config: resolveGatewayConfig({
        flags: {
          port: '0',
          dataDir: dir,
          profile: profilePath,
          broker: 'alpaca',
          alpacaMode: 'paper',
          alpacaUrl: url,
          markIntervalMs: String(MARK_INTERVAL_MS),
          reconcileIntervalMs: '600000',
          // Placing thousands of stops at start takes a while; the breaker is not what is measured.
          stopGraceMs: '600000',
          logLevel: 'error',
          demoKeys: 'false',
          keyRateLimit: '0',
          watchOrderSymbols: '0',
        },
        env: { ALPACA_API_KEY_ID: keyId, ALPACA_API_SECRET_KEY: secretKey },
      }),
      logDestination: new Writable({ write: (_c, _e, cb) => cb() }),
      brokerOverrides: { requestsPerMinute: 1_000_000_000, maxConcurrent: 64, clientSharePercent: 100 },
    });
    cleanup.unshift(() => gateway.close());
    const services = gateway.services;
    log(
      `gateway ready with ${positions} option positions on ${Object.keys(underlyings).length} underlyings; protecting them…`,
    );
    const deadline = Date.now() + SETUP_TIMEOUT_MS;
    let protectedCount = 0;
    for (;;) {
      protectedCount = services.protection.report().filter((p) => p.status === 'protected_at_broker').length;
      if (protectedCount >= positions || Date.now() > deadline) break;
      log(`  ${protectedCount} of ${positions} protected`);
      await sleep(5_000);
    }
    const setupSeconds = (performance.now() - setupStart) / 1000;
    log(`${protectedCount} positions protected after ${setupSeconds.toFixed(1)} s; measuring…`);

    const names = Object.keys(underlyings);
    const mids = new Map(Object.entries(underlyings));
    const latencies: number[] = [];
    let waiting: { underlying: string; price: number; resolve: () => void } | undefined;
    const unsubscribe = services.ctx.hub.subscribe((event: GatewayEvent) => {
      if (event.type !== 'greeks' || waiting === undefined) return;
      const data = event.data as { byUnderlying: Record<string, { price?: number }> };
      const price = data.byUnderlying[waiting.underlying]?.price;
      if (price !== undefined && Math.abs(price - waiting.price) < 1e-9) waiting.resolve();
    });
    cleanup.unshift(unsubscribe);
    for (let i = 0; i < SAMPLES; i++) {
      const underlying = names[i % names.length]!;
      // A few cents up and down: the protective stops (90% away) never trigger.
      const mid = Math.round((mids.get(underlying)! + (i % 4 < 2 ? 0.05 : -0.05)) * 100) / 100;
      mids.set(underlying, mid);
      const seen = new Promise<void>((resolve) => {
        waiting = { underlying, price: mid, resolve };
      });
      const start = performance.now();
      const posted = await fetch(`${url}/admin/quotes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ symbol: underlying, bid: mid - 0.01, ask: mid + 0.01 }),
      });
      if (!posted.ok) throw new Error(`the exchange refused the quote: ${posted.status}`);
      await Promise.race([
        seen,
        sleep(30_000).then(() => Promise.reject(new Error('no greeks event within 30 s'))),
      ]);
      latencies.push(performance.now() - start);
      waiting = undefined;
      // Samples start at random phases of the poll, as market quotes do.
      await sleep(Math.random() * MARK_INTERVAL_MS);
    }
    // The other part of a poll at full size: fetching every quote of the 10,000-position book
    // from the exchange over HTTP, as the gateway's adapter does (200 symbols a request).
    const adapter = new AlpacaBroker({
      baseUrl: url,
      keyId,
      secretKey,
      requestsPerMinute: 1_000_000_000,
      maxConcurrent: 64,
    });
    cleanup.unshift(() => adapter.close());
    const fetchMs: number[] = [];
    let fetched = 0;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      fetched = (await adapter.getLatestQuotes(poll.symbols)).size;
      fetchMs.push(performance.now() - start);
    }
    const fetches = fetchMs.slice(2).sort((a, b) => a - b);
    // One stop per position at the exchange: none was placed again by the gateway at start.
    const openAtExchange = (await listAllOpenOrders(adapter)).length;
    const key = await gateway.store.apiKeys.create({
      role: 'trader',
      label: 'bench',
      by: 'bench',
      at: Date.now(),
    });
    const viewMs: number[] = [];
    let viewPositions = 0;
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      const r = await fetch(`${gateway.url}/v1/greeks`, {
        headers: { 'APCA-API-KEY-ID': key.key.keyId, 'APCA-API-SECRET-KEY': key.secret },
      });
      const body = (await r.json()) as { positions: unknown[] };
      viewMs.push(performance.now() - start);
      viewPositions = body.positions.length;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const views = [...viewMs].sort((a, b) => a - b);
    const result = {
      benchmark: 'greeks-live',
      pollProcessing: { ...poll, symbols: undefined },
      endToEnd: {
        positions,
        underlyings: names.length,
        protectedPositions: protectedCount,
        markIntervalMs: MARK_INTERVAL_MS,
        samples: sorted.length,
        quoteToTotals: {
          p50Ms: round(percentile(sorted, 50)),
          p99Ms: round(percentile(sorted, 99)),
          maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
        },
        greeksEndpoint: { positions: viewPositions, p50Ms: round(percentile(views, 50)) },
        fullBookQuoteFetch: {
          symbols: poll.symbols.length,
          quoted: fetched,
          p50Ms: round(percentile(fetches, 50)),
          p99Ms: round(percentile(fetches, 99)),
        },
        openOrdersAtExchange: openAtExchange,
        setupSeconds: Math.round(setupSeconds * 10) / 10,
      },
      machine: {
        cpus: cpus().length,
        loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
        node: process.version,
      },
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        `poll processing, ${poll.positions} option positions on ${poll.underlyings} underlyings, ${poll.quotesPerPoll} quotes per poll: ` +
          `p50 ${poll.p50Ms} ms, p99 ${poll.p99Ms} ms, max ${poll.maxMs} ms over ${poll.samples} polls`,
      );
      console.log(
        `end to end, ${positions} protected option positions on ${names.length} underlyings (poll every ${MARK_INTERVAL_MS} ms): ` +
          `quote → totals p50 ${result.endToEnd.quoteToTotals.p50Ms} ms, p99 ${result.endToEnd.quoteToTotals.p99Ms} ms over ${sorted.length} samples`,
      );
      console.log(
        `GET /v1/greeks with ${viewPositions} positions: p50 ${result.endToEnd.greeksEndpoint.p50Ms} ms; ${openAtExchange} open orders at the exchange`,
      );
    }
  } finally {
    for (const step of cleanup) await step();
  }
}

await main();
process.exit(0);
