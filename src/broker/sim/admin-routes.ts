import type { FaultSpec } from './faults.ts';
import type { Router } from './http-kit.ts';
import { rfc3339 } from './sim-clock.ts';
import type { SimExchange } from './sim-exchange.ts';

function bad(message: string) {
  return { status: 400, body: { code: 40010000, message } };
}

function asTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * Test-control endpoints under `/admin` (no auth, no faults, no rate limit): faults, quotes, the
 * clock, day expiry and the request log. They exist so a process outside can drive the simulator.
 */
export function adminRoutes(router: Router, exchange: SimExchange): void {
  router
    .on('GET', '/admin/faults', () => ({ status: 200, body: exchange.faults.list() }))
    .on('POST', '/admin/faults', ({ body }) => {
      const specs = (Array.isArray(body) ? body : [body]) as FaultSpec[];
      try {
        return { status: 201, body: { ids: specs.map((spec) => exchange.faults.add(spec)) } };
      } catch (error) {
        return bad(error instanceof Error ? error.message : String(error));
      }
    })
    .on('DELETE', '/admin/faults', () => {
      exchange.faults.clear();
      return { status: 204 };
    })
    .on('DELETE', '/admin/faults/:id', ({ params }) =>
      exchange.faults.remove(params.id!)
        ? { status: 204 }
        : { status: 404, body: { message: 'no such fault' } },
    )
    .on('POST', '/admin/quotes', ({ body }) => {
      const quotes = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>;
      for (const q of quotes) {
        const { symbol, bid, ask } = q ?? {};
        if (
          typeof symbol !== 'string' ||
          typeof bid !== 'number' ||
          typeof ask !== 'number' ||
          !(bid > 0 && ask >= bid)
        ) {
          return bad('expected {symbol, bid, ask} with 0 < bid <= ask');
        }
      }
      for (const q of quotes) exchange.setQuote(q.symbol as string, q.bid as number, q.ask as number);
      return { status: 200, body: { time: rfc3339(exchange.clock.now()) } };
    })
    .on('POST', '/admin/clock', async ({ body }) => {
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.steps !== undefined) {
        if (!(Number.isInteger(b.steps) && (b.steps as number) > 0))
          return bad('steps must be a positive integer');
        for (let i = 0; i < (b.steps as number); i++) await exchange.step();
      }
      if (b.advanceBy !== undefined) {
        if (!(typeof b.advanceBy === 'number' && b.advanceBy >= 0))
          return bad('advanceBy must be milliseconds >= 0');
        await exchange.advanceTo(exchange.clock.now() + b.advanceBy);
      }
      if (b.advanceTo !== undefined) {
        const to = asTime(b.advanceTo);
        if (to === undefined) return bad('advanceTo must be epoch ms or an RFC 3339 time');
        await exchange.advanceTo(to);
      }
      return { status: 200, body: { time: rfc3339(exchange.clock.now()) } };
    })
    .on('POST', '/admin/expire-day', () => ({
      status: 200,
      body: { expired: exchange.venue.expireDayOrders() },
    }))
    .on('GET', '/admin/requests', () => ({ status: 200, body: exchange.requests }));
}
