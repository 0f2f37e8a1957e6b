import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../auth/session-store.ts';
import type { GatewayServices } from '../services.ts';
import { parseLoginRequest } from '../wire/parse-login-request.ts';
import { invalidReply, unauthorizedReply } from './alpaca-errors.ts';
import { refuseUnreadableBody } from './body-reader.ts';
import { clearSessionCookie, sessionIdOf, setSessionCookie } from './session-cookie.ts';
import { csrfReply, sessionInvalidReply } from './session-errors.ts';

export { LOGIN_FIELDS } from '../wire/parse-login-request.ts';

/**
 * Browser sessions: `POST /v1/session` logs in with an API key and sets the session cookie,
 * `GET /v1/session` says who is logged in, `DELETE /v1/session` logs out. The cookie then
 * authenticates every route the key's role allows (see `guard`).
 */
export function sessionRoutes(app: FastifyInstance, services: GatewayServices): void {
  const { ctx } = services;
  const behindTls = ctx.config.sessions.secureCookie;
  app.decorateRequest('session', undefined);

  const view = (session: Session) => ({
    keyId: session.principal.keyId,
    label: session.principal.label,
    role: session.principal.role,
    csrfToken: session.csrfToken,
    createdAt: session.createdAt,
    expiresAt: ctx.sessions.expiresAt(session),
    absoluteExpiresAt: ctx.sessions.absoluteExpiresAt(session),
    idleTimeoutMs: ctx.config.sessions.idleMs,
  });
  const refuse = (reply: FastifyReply, r: { status: number; body: unknown }) =>
    reply.code(r.status).send(r.body);
  /** The live session of the request's cookie; answers 401 (and drops the cookie) when there is none. */
  const current = async (request: FastifyRequest, reply: FastifyReply): Promise<Session | undefined> => {
    const session = ctx.sessions.find(sessionIdOf(request));
    if (session !== undefined && (await ctx.sessions.keyStillValid(session))) return session;
    clearSessionCookie(request, reply, behindTls);
    refuse(reply, sessionInvalidReply());
    return undefined;
  };

  app.post('/v1/session', async (request, reply) => {
    // A page on another site can post a form (text/plain) here but not JSON without a CORS
    // preflight: requiring JSON keeps it from logging a browser into the attacker's key.
    if (!/^application\/json\s*(;|$)/i.test(request.declaredContentType ?? '')) {
      return refuse(
        reply,
        invalidReply([
          {
            field: 'content-type',
            problem: `got ${JSON.stringify(request.declaredContentType ?? '(none)')}`,
            expected: 'application/json',
          },
        ]),
      );
    }
    if (refuseUnreadableBody(request, reply)) return;
    const login = parseLoginRequest(request.body);
    if (Array.isArray(login)) return refuse(reply, invalidReply(login));
    const principal = await ctx.auth.verify(login.keyId, login.secret);
    if (principal === null) {
      // Only a well-formed key id is logged: a secret pasted into the wrong field must not be.
      const keyId = /^rk_[a-f0-9]{16}$/.test(login.keyId) ? login.keyId : '(malformed)';
      ctx.log.warn({ keyId }, 'session login refused: unknown, revoked or wrong key');
      return refuse(reply, unauthorizedReply());
    }
    // A login replaces the session the browser held, if any.
    ctx.sessions.close(sessionIdOf(request));
    const { id, session } = ctx.sessions.open(principal);
    setSessionCookie(request, reply, { id, maxAgeMs: ctx.config.sessions.maxMs, behindTls });
    ctx.log.info({ keyId: principal.keyId, role: principal.role }, 'session opened');
    return reply.header('cache-control', 'no-store').send(view(session));
  });

  app.get('/v1/session', async (request, reply) => {
    const session = await current(request, reply);
    if (session === undefined) return reply;
    return reply.header('cache-control', 'no-store').send(view(session));
  });

  app.delete('/v1/session', async (request, reply) => {
    const id = sessionIdOf(request);
    const session = ctx.sessions.find(id, false);
    if (session !== undefined) {
      // Logging out changes state, so a forged cross-site logout is refused like any other.
      const token = request.headers['x-csrf-token'];
      const presented = Array.isArray(token) ? token[0] : token;
      if (!ctx.sessions.csrfMatches(session, presented))
        return refuse(reply, csrfReply(presented === undefined));
      ctx.sessions.close(id);
      ctx.log.info({ keyId: session.principal.keyId }, 'session closed');
    }
    clearSessionCookie(request, reply, behindTls);
    return reply.code(204).send();
  });
}
