import type { FastifyInstance, FastifyReply } from 'fastify';
import { brokerErrorReply } from '../orders/broker-error-reply.ts';
import { closePosition } from '../risk/position-closer.ts';
import type { GatewayServices } from '../services.ts';
import { ACCEPTED_MARKETS, parseMarkets, renderClockV3 } from '../wire/market-clock-v3.ts';
import { parseClosePosition, parseNoBody } from '../wire/parse-control-requests.ts';
import { renderAccount, renderAsset, renderClock, renderOrder, renderPosition } from '../wire/render.ts';
import { denialReply, invalidReply } from './alpaca-errors.ts';
import { guard, principalOf } from './auth-hook.ts';

/** Reads proxied for a client are paced in the client share of the broker budget. */
const CLIENT = { purpose: 'client' } as const;

function fail(reply: FastifyReply, error: unknown) {
  const r = brokerErrorReply(error);
  return reply.code(r.status).send(r.body);
}

/** Alpaca-compatible account, position, asset and clock endpoints. */
export function accountRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx } = services;
  const read = { preHandler: guard(ctx, 'read') };
  const trade = { preHandler: guard(ctx, 'trade') };

  /** Closing is risk-reducing; only a halted account whose profile forbids exits refuses it. */
  const exitRefusal = () => {
    const engine = ctx.risk.engine;
    if (engine.tradingState === 'halted' && !engine.profile.halted.allowExits) {
      return denialReply([
        {
          code: 'TRADING_HALTED',
          ruleId: 'state-gate',
          message: 'state=halted allowExits=false',
          values: { state: 'halted' },
        },
      ]);
    }
    return undefined;
  };

  app.get('/v2/account', read, async (_request, reply) => {
    try {
      return reply.send(renderAccount(await ctx.broker.getAccount(CLIENT)));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v2/positions', read, async (_request, reply) => {
    try {
      return reply.send((await ctx.broker.listPositions(CLIENT)).map(renderPosition));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v2/positions/:symbol', read, async (request, reply) => {
    const { symbol } = request.params as { symbol: string };
    try {
      return reply.send(renderPosition(await ctx.broker.getPosition(symbol.toUpperCase(), CLIENT)));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete('/v2/positions/:symbol', trade, async (request, reply) => {
    const refused = exitRefusal();
    if (refused !== undefined) return reply.code(refused.status).send(refused.body);
    const noBody = parseNoBody(request.body);
    const parsed = parseClosePosition(
      (request.params as { symbol: string }).symbol,
      request.query as Record<string, unknown>,
    );
    if (!noBody.ok || !parsed.ok) {
      const r = invalidReply([...(noBody.ok ? [] : noBody.issues), ...(parsed.ok ? [] : parsed.issues)]);
      return reply.code(r.status).send(r.body);
    }
    const { symbol, percentage } = parsed.value;
    try {
      let qty = parsed.value.qty;
      if (percentage !== undefined) {
        const position = await ctx.broker.getPosition(symbol);
        qty = percentage === 100 ? undefined : Math.floor((Math.abs(position.qty) * percentage) / 100);
        if (qty === 0) {
          const r = invalidReply([
            {
              field: 'percentage',
              problem: `${percentage}% of ${Math.abs(position.qty)} shares is less than one share`,
              expected: 'a percentage that closes at least one share',
            },
          ]);
          return reply.code(r.status).send(r.body);
        }
      }
      const by = principalOf(request).keyId;
      const order = await services.manager.run(symbol, () =>
        closePosition(ctx, symbol, { ...(qty !== undefined ? { qty } : {}), reason: 'MANUAL', by }),
      );
      return reply.send(renderOrder(order));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.delete('/v2/positions', trade, async (request, reply) => {
    const refused = exitRefusal();
    if (refused !== undefined) return reply.code(refused.status).send(refused.body);
    const noBody = parseNoBody(request.body);
    if (!noBody.ok) {
      const r = invalidReply(noBody.issues);
      return reply.code(r.status).send(r.body);
    }
    const by = principalOf(request).keyId;
    try {
      const positions = await ctx.broker.listPositions();
      const results = await Promise.all(
        positions.map(async (p) => {
          try {
            const order = await services.manager.run(p.symbol, () =>
              closePosition(ctx, p.symbol, { reason: 'MANUAL', by }),
            );
            return { symbol: p.symbol, status: 200, body: renderOrder(order) };
          } catch (error) {
            const r = brokerErrorReply(error);
            return { symbol: p.symbol, status: r.status, body: r.body };
          }
        }),
      );
      return reply.code(207).send(results);
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v2/assets', read, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    try {
      const assets = await ctx.broker.listAssets(
        {
          ...(q.status === 'active' || q.status === 'inactive' ? { status: q.status } : {}),
          ...(q.asset_class !== undefined ? { assetClass: q.asset_class } : {}),
        },
        CLIENT,
      );
      return reply.send(assets.map(renderAsset));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v2/assets/:symbol', read, async (request, reply) => {
    const { symbol } = request.params as { symbol: string };
    try {
      return reply.send(renderAsset(await ctx.broker.getAsset(symbol.toUpperCase(), CLIENT)));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v2/clock', read, async (_request, reply) => {
    try {
      return reply.send(renderClock(await ctx.broker.getClock(CLIENT)));
    } catch (error) {
      return fail(reply, error);
    }
  });

  app.get('/v3/clock', read, async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const issues: { field: string; expected: string }[] = [];
    const markets = typeof q.markets === 'string' || q.markets === undefined ? parseMarkets(q.markets) : null;
    if (markets === null) issues.push({ field: 'markets', expected: ACCEPTED_MARKETS });
    if (q.time !== undefined) {
      issues.push({
        field: 'time',
        expected: 'omitted: the gateway serves the clock at the current time only',
      });
    }
    if (issues.length > 0 || markets === null) {
      const r = invalidReply(issues);
      return reply.code(r.status).send(r.body);
    }
    try {
      return reply.send(renderClockV3(await ctx.broker.getClock(), markets));
    } catch (error) {
      return fail(reply, error);
    }
  });
}
