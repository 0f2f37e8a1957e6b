import type { FastifyReply, FastifyRequest } from 'fastify';

/** Name of the cookie that carries a browser session's id. */
export const SESSION_COOKIE = 'riskgate_session';

/** The session id a request's `Cookie` header carries, if any. */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** True when the cookie must be `Secure`: the request came over TLS, or the gateway is behind it. */
function secure(request: FastifyRequest, behindTls: boolean): boolean {
  return behindTls || request.protocol === 'https';
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), Path=/, Secure over TLS, lasting until the session's absolute expiry (the idle
 * timeout is enforced by the gateway).
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { readonly id: string; readonly maxAgeMs: number; readonly behindTls: boolean },
): void {
  const parts = [
    `${SESSION_COOKIE}=${options.id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`,
  ];
  if (secure(request, options.behindTls)) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}

/** Tells the browser to drop the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, behindTls: boolean): void {
  const parts = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'];
  if (secure(request, behindTls)) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}
