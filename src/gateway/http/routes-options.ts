import type { FastifyInstance } from 'fastify';
import type { OptionContract, OptionContractQuery } from '../../broker/option-types.ts';
import { numberToDecimal } from '../../broker/wire/decimal.ts';
import { parseIsoDate } from '../../core/options/expiry-time.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import type { GatewayServices } from '../services.ts';
import type { FieldIssue } from '../wire/wire-object.ts';
import { invalidReply } from './alpaca-errors.ts';
import { guard } from './auth-hook.ts';

/** Renders a contract back in the broker's wire shape (decimals as strings). */
function renderContract(c: OptionContract): Record<string, unknown> {
  return {
    id: c.id,
    symbol: c.symbol,
    name: c.name,
    status: c.status,
    tradable: c.tradable,
    expiration_date: c.expirationDate,
    root_symbol: c.rootSymbol,
    underlying_symbol: c.underlyingSymbol,
    type: c.type,
    style: c.style,
    strike_price: numberToDecimal(c.strikePrice),
    multiplier: numberToDecimal(c.multiplier),
    size: numberToDecimal(c.size),
    open_interest: c.openInterest === undefined ? null : numberToDecimal(c.openInterest),
    close_price: c.closePrice === undefined ? null : numberToDecimal(c.closePrice),
  };
}

/** Reads the contract filters, naming every field that is wrong. */
function parseContractQuery(
  q: Record<string, string | undefined>,
): { ok: true; query: OptionContractQuery } | { ok: false; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const query: { -readonly [K in keyof OptionContractQuery]: OptionContractQuery[K] } = {};
  if (q.underlying_symbols)
    query.underlyingSymbols = q.underlying_symbols.split(',').map((s) => s.trim().toUpperCase());
  if (q.status !== undefined) {
    if (q.status === 'active' || q.status === 'inactive') query.status = q.status;
    else issues.push({ field: 'status', problem: `got '${q.status}'`, expected: 'active or inactive' });
  }
  if (q.type !== undefined) {
    if (q.type === 'call' || q.type === 'put') query.type = q.type;
    else issues.push({ field: 'type', problem: `got '${q.type}'`, expected: 'call or put' });
  }
  for (const [field, key] of [
    ['expiration_date', 'expirationDate'],
    ['expiration_date_gte', 'expirationDateGte'],
    ['expiration_date_lte', 'expirationDateLte'],
  ] as const) {
    const value = q[field];
    if (value === undefined) continue;
    if (parseIsoDate(value) === undefined)
      issues.push({ field, problem: `got '${value}'`, expected: 'a date YYYY-MM-DD' });
    else query[key] = value;
  }
  for (const [field, key] of [
    ['strike_price_gte', 'strikePriceGte'],
    ['strike_price_lte', 'strikePriceLte'],
  ] as const) {
    const value = q[field];
    if (value === undefined) continue;
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || n < 0)
      issues.push({ field, problem: `got '${value}'`, expected: 'a price in dollars ≥ 0' });
    else query[key] = n;
  }
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      issues.push({ field: 'limit', problem: `got '${q.limit}'`, expected: 'an integer from 1 to 10000' });
    else query.limit = n;
  }
  if (q.root_symbol) query.rootSymbol = q.root_symbol.toUpperCase();
  if (q.page_token) query.pageToken = q.page_token;
  return issues.length > 0 ? { ok: false, issues } : { ok: true, query };
}

/**
 * The option routes: `GET /v2/options/contracts` (the broker's listing, passed through with its
 * filters) and `/v2/options/contracts/{symbol_or_id}`, and `GET /v1/greeks`, the portfolio Greeks of the positions held — totals, by
 * underlying, by expiry, each option position with its inputs, and the profile's Greeks limits
 * with their headroom (`enabled: false` when the profile has no `options` section).
 */
export function optionRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx } = services;
  const read = { preHandler: guard(ctx, 'read') };
  app.get('/v1/greeks', read, async (_request, reply) => reply.send(services.greeks.view()));
  app.get('/v2/options/contracts/:symbol', read, async (request, reply) => {
    const { symbol } = request.params as { symbol: string };
    try {
      const contract = await ctx.broker.getOptionContract(symbol.toUpperCase(), { purpose: 'client' });
      return reply.send(renderContract(contract));
    } catch (error) {
      const r = brokerErrorReply(error);
      return reply.code(r.status).send(r.body);
    }
  });
  app.get('/v2/options/contracts', read, async (request, reply) => {
    const parsed = parseContractQuery(request.query as Record<string, string | undefined>);
    if (!parsed.ok) {
      const r = invalidReply(parsed.issues);
      return reply.code(r.status).send(r.body);
    }
    try {
      const page = await ctx.broker.listOptionContracts(parsed.query, { purpose: 'client' });
      return reply.send({
        option_contracts: page.contracts.map(renderContract),
        next_page_token: page.nextPageToken ?? null,
      });
    } catch (error) {
      const r = brokerErrorReply(error);
      return reply.code(r.status).send(r.body);
    }
  });
}
