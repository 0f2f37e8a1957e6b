import type { FastifyInstance } from 'fastify';
import { docsPage, exampleBaseUrl } from './docs-page.ts';

/** `/docs`: the generated reference, public as `/openapi.json` is. */
export function docsRoutes(app: FastifyInstance): void {
  app.get('/docs', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(exampleBaseUrl(request.protocol, request.host))),
  );
}
