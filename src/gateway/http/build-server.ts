import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import { docsRoutes } from '../openapi/docs-routes.ts';
import { openApiDocument } from '../openapi/openapi-document.ts';
import type { GatewayServices } from '../services.ts';
import { invalidReply, unavailableReply } from './alpaca-errors.ts';
import { installBodyReader } from './body-reader.ts';
import { isRiskReducingRequest, KeyRateLimiter, keyRateLimit } from './key-rate-limit.ts';
import { accountRoutes } from './routes-account.ts';
import { consoleRoutes } from './routes-console.ts';
import { equityRoutes } from './routes-equity.ts';
import { indexRoutes } from './routes-indices.ts';
import { optionRoutes } from './routes-options.ts';
import { profileRoutes } from './routes-profile.ts';
import { riskRoutes } from './routes-risk.ts';
import { sessionRoutes } from './routes-session.ts';
import { tradingRoutes } from './routes-trading.ts';

/** Builds the gateway's Fastify app: every route, CORS when configured, errors in the broker's envelope. */
export function buildServer(
  services: GatewayServices,
  options: { readonly serverFactory?: FastifyServerFactory } = {},
): FastifyInstance {
  const { ctx } = services;
  const app: FastifyInstance = Fastify({
    // No Fastify logger: with one, every request gets a child logger and response listeners,
    // which together cost more than the risk check. Unhandled errors are logged by the error
    // handler below, outcomes where they are decided, both through the gateway's logger.
    logger: false,
    bodyLimit: ctx.config.http.bodyLimitBytes,
    forceCloseConnections: true,
    ...(options.serverFactory !== undefined ? { serverFactory: options.serverFactory } : {}),
  });
  app.decorateRequest('principal', undefined);
  installBodyReader(app);

  const origins = new Set(ctx.config.http.corsOrigins);
  if (origins.size > 0) {
    app.addHook('onRequest', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin === undefined || !(origins.has(origin) || origins.has('*'))) return;
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'origin');
      if (request.method === 'OPTIONS') {
        reply.header('access-control-allow-methods', 'GET,POST,PUT,PATCH,DELETE');
        reply.header(
          'access-control-allow-headers',
          'content-type,apca-api-key-id,apca-api-secret-key,x-csrf-token,last-event-id',
        );
        return reply.code(204).send();
      }
    });
  }

  app.setErrorHandler((error: { statusCode?: number; message: string; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send({
        code: 41310000,
        message: `riskgate: request body larger than ${ctx.config.http.bodyLimitBytes} bytes`,
      });
    }
    if (status >= 400 && status < 500) {
      const r = invalidReply([{ field: '(body)', problem: error.message, expected: 'a JSON body' }]);
      return reply.code(status === 400 ? 422 : status).send(r.body);
    }
    ctx.log.error({ error: error.message }, 'unhandled error in a route');
    return reply.code(500).send({ code: 50010000, message: 'riskgate: internal error' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: 40410000, message: 'endpoint not found' }),
  );

  // Only the leader decides orders. A standby (or a leader whose lease may have lapsed) refuses
  // every change under /v2 with a retryable 503, and the load balancer routes to the leader by
  // /readyz. Forwarding was not chosen: a standby would have to trust an address read from the
  // store, and a retry on the leader costs the client one round trip.
  // Callback style: an async hook would cost every request a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const method = request.method;
    if (
      method === 'GET' ||
      method === 'HEAD' ||
      method === 'OPTIONS' ||
      !request.url.startsWith('/v2/') ||
      ctx.leadership.canAct()
    ) {
      done();
      return;
    }
    const view = ctx.leadership.view();
    const r = unavailableReply(
      'NOT_LEADER',
      view.role === 'leader'
        ? 'this instance cannot renew its leadership lease (store unreachable), so it decides nothing; retry shortly'
        : `this instance is a standby; the account is led by ${view.leaderId ?? 'another instance'} (epoch ${view.epoch ?? '?'}); send orders to the leader`,
    );
    reply.code(r.status).header('retry-after', '1').send(r.body);
  });

  const perKey = ctx.config.budgets.keyRequestsPerMinute;
  if (perKey > 0) {
    // Before the routes: the plugin appends its check to each route's own preHandlers.
    keyRateLimit(app, {
      limiter: new KeyRateLimiter(perKey),
      isExempt: (request) => isRiskReducingRequest(ctx, request),
    });
  }

  tradingRoutes(app, services);
  accountRoutes(app, services);
  riskRoutes(app, services);
  profileRoutes(app, services);
  sessionRoutes(app, services);
  indexRoutes(app, services);
  optionRoutes(app, services);
  equityRoutes(app, services);
  consoleRoutes(app);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const storeProblem = ctx.durability.storeProblem();
    const acting = ctx.leadership.canAct();
    const ready = ctx.readiness.ready && storeProblem === null && acting;
    return reply.code(ready ? 200 : 503).send({
      ready,
      reason: ready
        ? 'leads the account and reconciled with the broker'
        : !ctx.readiness.ready
          ? ctx.readiness.reason
          : !acting
            ? 'the leadership lease could not be renewed: orders are refused until it is'
            : storeProblem,
      store: ctx.store.isAvailable,
      durability: ctx.durability.status(),
      instance: ctx.leadership.view(),
    });
  });
  app.get('/metrics', async (_request, reply) => {
    services.monitor.refreshGauges();
    return reply
      .header('content-type', ctx.metrics.registry.contentType)
      .send(await ctx.metrics.registry.metrics());
  });
  app.get('/openapi.json', async (request) => openApiDocument(`${request.protocol}://${request.host}`));
  docsRoutes(app);
  return app;
}
