import { Gauge } from 'prom-client';
import type { LatestQuote } from '../../broker/market-types.ts';
import { expiryEpochMs, yearFraction } from '../../core/options/expiry-time.ts';
import { isOptionInstrument } from '../../core/options/greeks-book.ts';
import {
  DEFAULT_VOLATILITY_SURFACE,
  surfaceVolatility,
  type VolatilitySurface,
} from '../../core/options/volatility-surface.ts';
import type { GatewayContext } from '../context.ts';
import { type GreeksView, greeksView, type VolatilitySource } from './greeks-view.ts';

const MEASURES = [
  'value',
  'dollarDelta',
  'dollarGamma',
  'dollarVega',
  'dollarThetaPerDay',
  'dollarRhoPerPercent',
] as const;

/**
 * Keeps the gateway's portfolio Greeks live. The engine revalues an underlying's options on
 * every quote of it and solves each option's implied volatility from the option's own quote;
 * after every poll this feeds the volatility surface to the options whose quote is missing or
 * older than the profile's `marketData.maxQuoteAgeMs` (so a stale quote never values a
 * position), then publishes the totals as a `greeks` event and to the metrics when they moved.
 */
export class GreeksLive {
  readonly #ctx: GatewayContext;
  readonly #surface: () => VolatilitySurface | undefined;
  readonly #sources = new Map<string, VolatilitySource>();
  readonly #total: Gauge<'measure'>;
  readonly #byUnderlying: Gauge<'underlying' | 'measure'>;
  #publishedVersion = -1;
  #gaugedUnderlyings = new Set<string>();

  /** `surface` gives the configured fallback surface; {@link DEFAULT_VOLATILITY_SURFACE} when it gives none. */
  constructor(ctx: GatewayContext, surface: () => VolatilitySurface | undefined = () => undefined) {
    this.#ctx = ctx;
    this.#surface = surface;
    const registers = [ctx.metrics.registry];
    this.#total = new Gauge({
      name: 'riskgate_greeks_total',
      help: 'Portfolio Greeks of the positions held, dollars (value, dollar delta, dollar gamma per 1% move, dollar vega per vol point, dollar theta per day, dollar rho per 1%)',
      labelNames: ['measure'],
      registers,
    });
    this.#byUnderlying = new Gauge({
      name: 'riskgate_greeks_underlying',
      help: 'Greeks of the positions held on one underlying, dollars (sharesDelta in shares)',
      labelNames: ['underlying', 'measure'],
      registers,
    });
    // Read when scraped: the limits view walks every underlying, too much for every poll.
    const headroom: Gauge<'code' | 'scope'> = new Gauge({
      name: 'riskgate_greeks_limit_headroom',
      help: "Room left under each of the profile's Greeks limits, in the limit's unit",
      labelNames: ['code', 'scope'],
      registers,
      collect: () => {
        headroom.reset();
        for (const l of this.view().limits) headroom.set({ code: l.code, scope: l.scope }, l.headroom);
      },
    });
  }

  /** Where the volatility of an option position came from at the last poll. */
  source(symbol: string): VolatilitySource {
    return this.#sources.get(symbol) ?? 'quote';
  }

  /** The full view (`GET /v1/greeks`). */
  view(now = Date.now()): GreeksView {
    return greeksView(this.#ctx.risk.engine, now, (s) => this.source(s));
  }

  /** After a poll's quotes reached the engine: surface fallback for stale options, then publish. */
  afterQuotes(quotes: ReadonlyMap<string, LatestQuote>, now = Date.now()): void {
    const engine = this.#ctx.risk.engine;
    const book = engine.greeks;
    if (book === undefined) return;
    const maxAge = engine.profile.marketData.maxQuoteAgeMs;
    const surface = this.#surface() ?? DEFAULT_VOLATILITY_SURFACE;
    for (const entry of engine.book.symbols.values()) {
      const instrument = entry.instrument;
      if ((entry.position?.qty ?? 0) === 0 || !isOptionInstrument(instrument)) continue;
      const quote = quotes.get(entry.symbol);
      const fresh =
        quote !== undefined && now - quote.time <= maxAge && quote.bid > 0 && quote.ask >= quote.bid;
      if (fresh && book.impliedVolatilityError(entry.symbol) === undefined) {
        this.#sources.set(entry.symbol, 'quote');
        continue;
      }
      const { underlying, strike, expiry } = instrument.option;
      const spot = book.underlyingPrice(underlying);
      if (spot === undefined) continue;
      const t = yearFraction(now, expiryEpochMs(expiry) ?? now);
      const volatility = surfaceVolatility(surface, strike, spot.price, t);
      if (!Number.isFinite(volatility)) continue;
      engine.onMarket({ kind: 'iv', symbol: entry.symbol, time: now, value: volatility });
      this.#sources.set(entry.symbol, 'surface');
    }
    this.publish();
  }

  /** Publishes the totals (SSE `greeks`, metrics) when the engine's Greeks changed since the last time. */
  publish(): void {
    const engine = this.#ctx.risk.engine;
    const book = engine.greeks;
    if (book === undefined || book.version === this.#publishedVersion) return;
    this.#publishedVersion = book.version;
    const snapshot = book.snapshot();
    this.#ctx.hub.publish('greeks', {
      valuationTime: snapshot.valuationTime,
      totals: snapshot.totals,
      byUnderlying: snapshot.byUnderlying,
    });
    for (const m of MEASURES) this.#total.set({ measure: m }, snapshot.totals[m]);
    const seen = new Set<string>();
    for (const [underlying, g] of Object.entries(snapshot.byUnderlying)) {
      seen.add(underlying);
      for (const m of [...MEASURES, 'sharesDelta'] as const)
        this.#byUnderlying.set({ underlying, measure: m }, g[m]);
    }
    for (const gone of this.#gaugedUnderlyings) {
      if (!seen.has(gone))
        for (const m of [...MEASURES, 'sharesDelta'])
          this.#byUnderlying.remove({ underlying: gone, measure: m });
    }
    this.#gaugedUnderlyings = seen;
  }
}
