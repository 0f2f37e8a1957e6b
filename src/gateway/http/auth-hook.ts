import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allows, type Permission, type Principal } from '../auth/api-key-auth.ts';
import type { GatewayContext } from '../context.ts';
import { forbiddenReply, unauthorizedReply } from './alpaca-errors.ts';
import { refuseUnreadableBody } from './body-reader.ts';

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
 * `APCA-API-SECRET-KEY`, checks the role has `permission` and refuses a body that could not be
 * read (see `installBodyReader`). A key verified moments ago is
 * answered synchronously from the cache, without a promise; others are checked in the store.
 */
export function guard(ctx: GatewayContext, permission: Permission): preHandlerHookHandler {
  const admit = (request: FastifyRequest, reply: FastifyReply, principal: Principal | null): boolean => {
    if (principal === null) {
      const r = unauthorizedReply();
      reply.code(r.status).send(r.body);
      return false;
    }
    if (!allows(principal.role, permission)) {
      const r = forbiddenReply(`role ${principal.role} may not ${permission.replace('-', ' ')}`);
      reply.code(r.status).send(r.body);
      return false;
    }
    request.principal = principal;
    // A body that could not be read is answered only now, so unknown callers learn nothing.
    return !refuseUnreadableBody(request, reply);
  };
  return (request, reply, done) => {
    const keyId = header(request, 'apca-api-key-id');
    const secret = header(request, 'apca-api-secret-key');
    const cached = ctx.auth.cached(keyId, secret);
    if (cached !== undefined) {
      if (admit(request, reply, cached)) done();
      return;
    }
    ctx.auth.verify(keyId, secret).then(
      (principal) => {
        if (admit(request, reply, principal)) done();
      },
      (error: unknown) => done(error as Error),
    );
  };
}

/** The authenticated principal (routes behind {@link guard} always have one). */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (p === undefined) throw new Error('route without an auth guard');
  return p;
}
