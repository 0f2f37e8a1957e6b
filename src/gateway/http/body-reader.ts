import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BODY_DEPTH, readJsonBody, UnreadableBody } from '../wire/read-json-body.ts';
import { ALPACA_CODES, invalidReply } from './alpaca-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The `content-type` the client declared (bodies are read as JSON whatever it says). */
    declaredContentType: string | undefined;
  }
}

/**
 * Replaces Fastify's body parsers with one that reads every body as JSON (see
 * {@link readJsonBody}). The declared content type is set aside before Fastify looks at it:
 * clients send an empty one on bodiless DELETEs (the 3.x SDK), none, or `text/plain` on a JSON
 * body, and none of that may turn a cancel into a 415 or a body into silence. A body that cannot
 * be read reaches the route as an {@link UnreadableBody}, answered by {@link refuseUnreadableBody}
 * after authentication, so the connection stays open for the next request.
 */
export function installBodyReader(app: FastifyInstance, maxDepth = MAX_BODY_DEPTH): void {
  app.decorateRequest('declaredContentType', undefined);
  app.addHook('onRequest', (request, _reply, done) => {
    const declared = request.raw.headers['content-type'];
    if (declared !== undefined) {
      request.declaredContentType = declared;
      // Cleared, not deleted: a delete would turn the headers into a slow dictionary object
      // for every lookup after it (the API key headers among them).
      request.raw.headers['content-type'] = undefined;
    }
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    done(null, readJsonBody(body as Buffer, request.declaredContentType, maxDepth));
  });
}

/** Answers an unreadable body (400, or 422 for bad text) and returns true; false when readable. */
export function refuseUnreadableBody(request: FastifyRequest, reply: FastifyReply): boolean {
  const body = request.body;
  if (!(body instanceof UnreadableBody)) return false;
  const r = invalidReply(body.issues);
  const code = body.status === 400 ? ALPACA_CODES.badRequest : r.body.code;
  reply.code(body.status).send({ ...r.body, code });
  return true;
}
