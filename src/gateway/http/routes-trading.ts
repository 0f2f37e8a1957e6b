import type { FastifyInstance, FastifyReply } from 'fastify';
import { isBrokerError } from '../../broker/errors.ts';
import { listAllOpenOrders } from '../../broker/list-open-orders.ts';
import type { OrderQuery } from '../../broker/order-types.ts';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { isLive } from '../orders/order-index.ts';
import { recordFromOrder } from '../orders/order-record-view.ts';
import { isManaged } from '../protection/coverage.ts';
import type { GatewayServices } from '../services.ts';
import { parseNoBody } from '../wire/parse-control-requests.ts';
import { renderOrder } from '../wire/render.ts';
import { invalidReply, notFoundReply, unavailableReply } from './alpaca-errors.ts';
import { guard, principalOf } from './auth-hook.ts';
import { replaceOrder } from './replace-order.ts';

/** Reads proxied for a client are paced in the client share of the broker budget. */
const CLIENT = { purpose: 'client' } as const;

function send(reply: FastifyReply, r: { status: number; body: unknown }) {
  return reply.code(r.status).send(r.body);
}

function strategyOf(headers: Record<string, unknown>): string | undefined {
  const value = headers['x-riskgate-strategy'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Alpaca-compatible order endpoints under `/v2/orders`. */
export function tradingRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx, flow } = services;
  const read = { preHandler: guard(ctx, 'read') };
  const trade = { preHandler: guard(ctx, 'trade') };
  const notReady = () => unavailableReply('NOT_READY', `the gateway is starting: ${ctx.readiness.reason}`);

  app.post('/v2/orders', trade, async (request, reply) => {
    if (!ctx.readiness.ready) return send(reply, notReady());
    return send(reply, await flow.submit(request.body, principalOf(request), strategyOf(request.headers)));
  });

  app.get('/v2/orders', read, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const query: OrderQuery = {
      ...(q.status === 'open' || q.status === 'closed' || q.status === 'all' ? { status: q.status } : {}),
      ...(q.limit !== undefined && Number(q.limit) > 0 ? { limit: Math.min(500, Number(q.limit)) } : {}),
      ...(q.after !== undefined && !Number.isNaN(Date.parse(q.after)) ? { after: Date.parse(q.after) } : {}),
      ...(q.until !== undefined && !Number.isNaN(Date.parse(q.until)) ? { until: Date.parse(q.until) } : {}),
      ...(q.direction === 'asc' || q.direction === 'desc' ? { direction: q.direction } : {}),
      ...(q.nested !== undefined ? { nested: q.nested === 'true' } : {}),
      ...(q.symbols !== undefined && q.symbols !== '' ? { symbols: q.symbols.split(',') } : {}),
      ...(q.side === 'buy' || q.side === 'sell' ? { side: q.side } : {}),
    };
    try {
      const orders = await ctx.broker.listOrders(query, CLIENT);
      return reply.send(orders.map(renderOrder));
    } catch (error) {
      return send(reply, brokerErrorReply(error));
    }
  });

  // `::` is a literal colon in a Fastify path.
  app.get('/v2/orders::by_client_order_id', read, async (request, reply) => {
    const id = (request.query as Record<string, string | undefined>).client_order_id;
    if (id === undefined || id === '') return send(reply, notFoundReply('client_order_id is required'));
    try {
      return reply.send(renderOrder(await ctx.broker.getOrderByClientId(id, CLIENT)));
    } catch (error) {
      if (!isBrokerError(error, 'NOT_FOUND')) return send(reply, brokerErrorReply(error));
      const stored = await ctx.store.orders.get(id).catch(() => null);
      if (stored === null) return send(reply, notFoundReply('order not found'));
      return reply.send(renderOrder(recordFromOrder(stored)));
    }
  });

  app.get('/v2/orders/:id', read, async (request, reply) => {
    const { id } = request.params as { id: string };
    const nested = (request.query as Record<string, string | undefined>).nested === 'true';
    try {
      return reply.send(renderOrder(await ctx.broker.getOrder(id, { nested, ...CLIENT })));
    } catch (error) {
      return send(reply, brokerErrorReply(error));
    }
  });

  app.patch('/v2/orders/:id', trade, async (request, reply) => {
    if (!ctx.readiness.ready) return send(reply, notReady());
    const { id } = request.params as { id: string };
    return send(reply, await replaceOrder(services, id, request.body, principalOf(request)));
  });

  // Cancels are never blocked: not by limits, not by the trading state, not while starting.
  app.delete('/v2/orders/:id', trade, async (request, reply) => {
    const { id } = request.params as { id: string };
    const noBody = parseNoBody(request.body);
    if (!noBody.ok) return send(reply, invalidReply(noBody.issues));
    try {
      await ctx.metrics.timeBroker('cancelOrder', () => ctx.broker.cancelOrder(id));
      return reply.code(204).send();
    } catch (error) {
      return send(reply, brokerErrorReply(error));
    }
  });

  // Cancels the bot's open orders. The positions' protection is the gateway's, not the bot's: it
  // stays, and it is resized by the protection manager as the bot's orders go.
  app.delete('/v2/orders', trade, async (request, reply) => {
    const noBody = parseNoBody(request.body);
    if (!noBody.ok) return send(reply, invalidReply(noBody.issues));
    try {
      // All of them, page by page: a bot's order beyond the first page is still the bot's.
      const open = await listAllOpenOrders(ctx.broker);
      for (const o of open) ctx.orders.upsert(o);
      const get = (id: string) => ctx.orders.get(id);
      const targets = open.filter((o) => {
        const tracked = get(o.id);
        return isLive(o.status) && (tracked === undefined || !isManaged(tracked, get));
      });
      const results = await Promise.all(
        targets.map(async (o) => {
          try {
            await ctx.metrics.timeBroker('cancelOrder', () => ctx.broker.cancelOrder(o.id));
            return { id: o.id, status: 200, body: null };
          } catch (error) {
            const r = brokerErrorReply(error);
            return { id: o.id, status: r.status, body: r.body };
          }
        }),
      );
      for (const o of targets) services.manager.schedule(o.symbol);
      return reply.code(207).send(results);
    } catch (error) {
      return send(reply, brokerErrorReply(error));
    }
  });
}
