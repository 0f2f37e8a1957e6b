import type { FastifyInstance } from 'fastify';
import type { GatewayServices } from '../services.ts';
import type { FieldIssue } from '../wire/wire-object.ts';
import { invalidReply, unavailableReply } from './alpaca-errors.ts';
import { guard } from './auth-hook.ts';

/** Most marks one request returns; the store takes one per account update. */
export const EQUITY_MAX_LIMIT = 10_000;

/**
 * `GET /v1/equity?from=&to=&limit=`: the stored account marks (equity, cash, buying power in
 * dollars, time in epoch ms) in `[from, to)`, oldest first for charting, the newest `limit`
 * of them (default 1,000); with the stored peak and the recent day-start equities.
 */
export function equityRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx } = services;
  app.get('/v1/equity', { preHandler: guard(ctx, 'read') }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    // Every parameter is read, so a misspelt one is never silently taken for another.
    const raw = { from: q.from, to: q.to, limit: q.limit };
    const issues: FieldIssue[] = [];
    const time = (field: 'from' | 'to') => {
      const v = raw[field];
      if (v === undefined) return undefined;
      const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (Number.isNaN(ms)) {
        issues.push({ field, problem: `got ${JSON.stringify(v)}`, expected: 'epoch ms or an RFC 3339 time' });
      }
      return ms;
    };
    const from = time('from');
    const to = time('to');
    let limit = 1_000;
    if (raw.limit !== undefined) {
      const n = /^\d+$/.test(raw.limit) ? Number(raw.limit) : Number.NaN;
      if (!(n >= 1 && n <= EQUITY_MAX_LIMIT)) {
        issues.push({
          field: 'limit',
          problem: `got ${JSON.stringify(raw.limit)}`,
          expected: `an integer from 1 to ${EQUITY_MAX_LIMIT}`,
        });
      } else limit = n;
    }
    if (from !== undefined && to !== undefined && !Number.isNaN(from) && !Number.isNaN(to) && to <= from) {
      issues.push({
        field: 'to',
        problem: `${raw.to} is not after from (${raw.from})`,
        expected: 'a time after from',
      });
    }
    if (issues.length > 0) {
      const r = invalidReply(issues);
      return reply.code(r.status).send(r.body);
    }
    try {
      await ctx.store.equity.flush();
      const [marks, peak, dayStarts] = await Promise.all([
        ctx.store.equity.marks({
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          limit,
        }),
        ctx.store.equity.peak(),
        ctx.store.equity.dayStarts(30),
      ]);
      return reply.send({
        marks: marks.reverse().map((m) => ({
          time: m.time,
          equity: m.equity,
          cash: m.cash,
          buyingPower: m.buyingPower,
        })),
        peak,
        dayStarts,
      });
    } catch (error) {
      // The history lives only in the store: while it cannot be read, say so rather than draw nothing.
      const r = unavailableReply(
        'STORE_UNAVAILABLE',
        `the equity history could not be read from the store (${(error as Error).message})`,
      );
      return reply.code(r.status).header('retry-after', '1').send(r.body);
    }
  });
}
