import type { FastifyInstance } from 'fastify';
import type { GatewayServices } from '../services.ts';
import { MAX_FUTURE_SKEW_MS, parseIndexReadings } from '../wire/parse-index-readings.ts';
import { invalidReply } from './alpaca-errors.ts';
import { guard } from './auth-hook.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `POST /v1/market/indices`: market index readings (the VIX) from a data feed, for keys with the
 * `feed` role only. A body with any bad reading changes nothing; readings not newer than the
 * last of their index are ignored and listed.
 */
export function indexRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx, indices } = services;
  app.post('/v1/market/indices', { preHandler: guard(ctx, 'post-indices') }, async (request, reply) => {
    const parsed = parseIndexReadings(request.body, {
      accepted: indices.accepted(),
      now: Date.now(),
      maxFutureMs: MAX_FUTURE_SKEW_MS,
    });
    if (!parsed.ok) {
      const r = invalidReply(parsed.issues);
      return reply.code(r.status).send(r.body);
    }
    const result = indices.accept(parsed.value, 'api');
    return reply.send({
      accepted: result.accepted.map((r) => ({ name: r.name, value: r.value, time: iso(r.time) })),
      ignored: result.ignored.map((i) => ({
        name: i.reading.name,
        value: i.reading.value,
        time: iso(i.reading.time),
        reason: i.reason,
        last: { value: i.last.value, time: iso(i.last.time) },
      })),
      trips: result.trips.map((t) => ({
        code: t.code,
        action: t.action,
        flatten: t.flatten,
        message: t.message,
      })),
      tradingState: ctx.risk.engine.tradingState,
    });
  });
}
