import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { allows, type Permission, type Principal } from '../auth/api-key-auth.ts';
import type { GatewayContext } from '../context.ts';
import { forbiddenReply, unauthorizedReply } from './alpaca-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A preHandler that authenticates the riskgate API key sent as `APCA-API-KEY-ID` /
 * `APCA-API-SECRET-KEY` and checks the role has `permission`.
 */
export function guard(ctx: GatewayContext, permission: Permission): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await ctx.auth.verify(
      header(request, 'apca-api-key-id'),
      header(request, 'apca-api-secret-key'),
    );
    if (principal === null) {
      const r = unauthorizedReply();
      return reply.code(r.status).send(r.body);
    }
    if (!allows(principal.role, permission)) {
      const r = forbiddenReply(`role ${principal.role} may not ${permission.replace('-', ' ')}`);
      return reply.code(r.status).send(r.body);
    }
    request.principal = principal;
    return undefined;
  };
}

/** The authenticated principal (routes behind {@link guard} always have one). */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (p === undefined) throw new Error('route without an auth guard');
  return p;
}
