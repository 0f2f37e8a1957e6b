import type { Quote } from '../../core/market.ts';
import type { WireQuote } from '../wire/market-wire.ts';
import type { Router } from './http-kit.ts';
import { rfc3339 } from './sim-clock.ts';
import { badRequestField, notFound } from './sim-errors.ts';
import type { Venue } from './venue.ts';

function renderQuote(q: Quote): WireQuote {
  return { ap: q.ask, as: 1, ax: 'V', bp: q.bid, bs: 1, bx: 'V', c: ['R'], t: rfc3339(q.time), z: 'C' };
}

/** Registers the market-data latest-quote endpoints (data-API shape, numbers not strings). */
export function dataRoutes(router: Router, venue: Venue): void {
  const quotes = venue.state.quotes;
  router
    .on('GET', '/v2/stocks/quotes/latest', ({ query }) => {
      const symbols = query.get('symbols');
      if (symbols === null || symbols === '') throw badRequestField('symbols is required');
      const out: Record<string, WireQuote> = {};
      for (const symbol of symbols.split(',').map((s) => s.trim().toUpperCase())) {
        const q = quotes.get(symbol);
        if (q !== undefined) out[symbol] = renderQuote(q);
      }
      return { status: 200, body: { quotes: out } };
    })
    .on('GET', '/v2/stocks/:symbol/quotes/latest', ({ params }) => {
      const symbol = params.symbol!.toUpperCase();
      const q = quotes.get(symbol);
      if (q === undefined) throw notFound(`no quote for ${symbol}`);
      return { status: 200, body: { symbol, quote: renderQuote(q) } };
    });
}
