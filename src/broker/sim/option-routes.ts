import { parseIsoDate } from '../../core/options/expiry-time.ts';
import type { WireOptionContract } from '../wire/option-wire.ts';
import type { Router } from './http-kit.ts';
import type { ChainContract, OptionChain } from './option-chain.ts';
import { rfc3339 } from './sim-clock.ts';
import { notFound, unprocessable } from './sim-errors.ts';
import type { Venue } from './venue.ts';

/** The broker's default page and its ceiling. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

function dateParam(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (parseIsoDate(value) === undefined)
    throw unprocessable(`invalid ${name}: expected a date YYYY-MM-DD, got '${value}'`);
  return value;
}

function strikeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw unprocessable(`invalid ${name}: expected a price ≥ 0, got '${value}'`);
  return n;
}

/** The date of the coming Sunday (today when it is one): the broker's default `expiration_date_lte`. */
function nextWeekend(now: number): string {
  const d = new Date(now);
  const days = (7 - d.getUTCDay()) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}

/**
 * Registers the option endpoints: `GET /v2/options/contracts` (filters and paging as the broker
 * has them, including its default of contracts expiring by the coming weekend when no expiry
 * filter at all is given), `GET /v2/options/contracts/{symbol}` and the market-data
 * `GET /v1beta1/options/quotes/latest?symbols=`.
 */
export function optionRoutes(router: Router, venue: Venue, chain: OptionChain): void {
  const now = () => venue.state.clock.now();
  router
    .on('GET', '/v2/options/contracts', ({ query }) => {
      const underlyings = (query.get('underlying_symbols') ?? '')
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== '');
      const status = query.get('status') ?? 'active';
      if (status !== 'active' && status !== 'inactive')
        throw unprocessable(`invalid status: expected active or inactive, got '${status}'`);
      const type = query.get('type');
      if (type !== null && type !== 'call' && type !== 'put')
        throw unprocessable(`invalid type: expected call or put, got '${type}'`);
      const style = query.get('style');
      if (style !== null && style !== 'american' && style !== 'european')
        throw unprocessable(`invalid style: expected american or european, got '${style}'`);
      const exact = dateParam(query, 'expiration_date');
      const gte = dateParam(query, 'expiration_date_gte');
      const lte =
        dateParam(query, 'expiration_date_lte') ??
        (exact === undefined && gte === undefined ? nextWeekend(now()) : undefined);
      const strikeGte = strikeParam(query, 'strike_price_gte');
      const strikeLte = strikeParam(query, 'strike_price_lte');
      const root = query.get('root_symbol')?.toUpperCase();
      const limit = Number(query.get('limit') ?? DEFAULT_LIMIT);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw unprocessable(
          `invalid limit: expected an integer from 1 to ${MAX_LIMIT}, got '${query.get('limit')}'`,
        );
      const token = query.get('page_token');
      const offset =
        token === null || token === '' ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString(), 10);
      if (!Number.isInteger(offset) || offset < 0) throw unprocessable(`invalid page_token '${token}'`);
      const keep = (c: ChainContract) =>
        (exact === undefined || c.expiry === exact) &&
        (gte === undefined || c.expiry >= gte) &&
        (lte === undefined || c.expiry <= lte) &&
        (type === null || c.right === type) &&
        (strikeGte === undefined || c.strike >= strikeGte) &&
        (strikeLte === undefined || c.strike <= strikeLte) &&
        (root === undefined || root === '' || c.underlying === root);
      const t = now();
      // Every contract here is American and active until it expires; inactive lists none.
      const names =
        underlyings.length > 0
          ? underlyings
          : [...venue.state.assets.keys()].filter((s) => chain.isUnderlying(s)).sort();
      const page: WireOptionContract[] = [];
      let seen = 0;
      let more = false;
      outer: for (const underlying of names) {
        if (status === 'inactive' || style === 'european' || !chain.isUnderlying(underlying)) continue;
        for (const c of chain.listed(underlying, t)) {
          if (!keep(c)) continue;
          if (seen++ < offset) continue;
          if (page.length === limit) {
            more = true;
            break outer;
          }
          page.push(chain.render(c, t));
        }
      }
      const next = more ? Buffer.from(String(offset + limit)).toString('base64url') : null;
      return { status: 200, body: { option_contracts: page, next_page_token: next } };
    })
    .on('GET', '/v2/options/contracts/:symbol', ({ params }) => {
      const c = chain.contract(params.symbol!.toUpperCase());
      if (c === undefined) throw notFound(`option contract not found: ${params.symbol}`);
      return { status: 200, body: chain.render(c, now()) };
    })
    .on('GET', '/v1beta1/options/quotes/latest', ({ query }) => {
      const symbols = query.get('symbols');
      if (symbols === null || symbols === '') throw unprocessable('symbols is required');
      const out: Record<string, unknown> = {};
      const t = now();
      for (const symbol of symbols.split(',').map((s) => s.trim().toUpperCase())) {
        const q = venue.state.directlyQuoted.has(symbol)
          ? venue.state.quotes.get(symbol)
          : chain.quote(symbol, t);
        if (q !== undefined)
          out[symbol] = { ap: q.ask, as: 1, ax: 'C', bp: q.bid, bs: 1, bx: 'C', c: ' ', t: rfc3339(q.time) };
      }
      return { status: 200, body: { quotes: out } };
    });
}
