import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { allows, type Permission, type Principal } from '../auth/api-key-auth.ts';
import type { Session } from '../auth/session-store.ts';
import type { GatewayContext } from '../context.ts';
import { type ErrorReply, forbiddenReply, unauthorizedReply } from './alpaca-errors.ts';
import { refuseUnreadableBody } from './body-reader.ts';
import { sessionIdOf } from './session-cookie.ts';
import { csrfReply, sessionInvalidReply } from './session-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** The browser session that authenticated the request; undefined for API-key requests. */
    session: Session | undefined;
  }
}

/** Methods that change nothing, so a session needs no CSRF token for them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A preHandler that authenticates the riskgate API key sent as `APCA-API-KEY-ID` /
 * `APCA-API-SECRET-KEY` or, without those headers, a browser session cookie, checks the role
 * has `permission` and refuses a body that could not be read (see `installBodyReader`). A
 * state-changing request on a session cookie must carry the session's CSRF token in
 * `x-csrf-token`; API-key requests need none, as no other site's page can set those headers.
 * A key verified moments ago is answered synchronously from the cache, without a promise;
 * others are checked in the store.
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
  const refuse = (reply: FastifyReply, r: ErrorReply) => reply.code(r.status).send(r.body);
  return (request, reply, done) => {
    const keyId = header(request, 'apca-api-key-id');
    const secret = header(request, 'apca-api-secret-key');
    const sessionId = keyId === undefined && secret === undefined ? sessionIdOf(request) : undefined;
    if (sessionId !== undefined) {
      // Not yet counted as use: a refused request must not keep the session alive.
      const session = ctx.sessions.find(sessionId, false);
      if (session === undefined) {
        refuse(reply, sessionInvalidReply());
        return;
      }
      if (!SAFE_METHODS.has(request.method)) {
        const token = header(request, 'x-csrf-token');
        if (!ctx.sessions.csrfMatches(session, token)) {
          refuse(reply, csrfReply(token === undefined));
          return;
        }
      }
      request.session = session;
      ctx.sessions.keyStillValid(session).then(
        (valid) => {
          if (!valid) refuse(reply, sessionInvalidReply());
          else if (admit(request, reply, session.principal)) {
            ctx.sessions.touch(session);
            done();
          }
        },
        (error: unknown) => done(error as Error),
      );
      return;
    }
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
