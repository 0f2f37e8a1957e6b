import fastifyApiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { docsPage, exampleBaseUrl, REFERENCE_CONFIGURATION } from './docs-page.ts';

/**
 * `/docs` and the interactive reference under it. The reference (Scalar's standalone bundle,
 * shipped inside `@scalar/fastify-api-reference`) is served from the gateway itself: no CDN, so
 * the page works on a machine without internet access. Its plugin adds `/docs/reference/` (the
 * reference alone) and `/docs/reference/js/scalar.js` (the script `/docs` loads). All are public,
 * as `/openapi.json` is.
 */
export function docsRoutes(app: FastifyInstance): void {
  app.register(fastifyApiReference, {
    routePrefix: '/docs/reference',
    logLevel: 'silent',
    configuration: { ...REFERENCE_CONFIGURATION, pageTitle: 'riskgate API reference' },
  });
  app.get('/docs', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(exampleBaseUrl(request.protocol, request.host))),
  );
}
