import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { docsPage, exampleBaseUrl } from './docs-page.ts';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('./', import.meta.url));

/**
 * The reference's assets by the name they are served under (`/docs/assets/NAME`): Swagger UI's
 * bundle and style sheet from its npm package, served locally so the page loads nothing from
 * another origin, and the page's own start script and style. An allowlist, not a directory
 * listing: no request path ever reaches the file system.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': require.resolve('swagger-ui-dist/swagger-ui-bundle.js'),
  'swagger-ui.css': require.resolve('swagger-ui-dist/swagger-ui.css'),
  'favicon-32x32.png': require.resolve('swagger-ui-dist/favicon-32x32.png'),
  'docs.js': `${here}docs.js`,
  'docs.css': `${here}docs.css`,
};

/** The names served under `/docs/assets/`, for tests. */
export const DOCS_ASSETS: readonly string[] = Object.keys(ASSETS);

/**
 * The console's policy: scripts and styles only from the gateway's own origin, nothing inline,
 * requests ("Try it out") only to the gateway, no framing. The one allowance beyond 'self' that
 * Swagger UI needs is `img-src data:`: its style sheet draws its icons as data: SVG images (the
 * browser test sees the violations without it). The styles the viewer sets on elements are set
 * from script, which `style-src` does not govern, so no 'unsafe-inline' is needed.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Readonly<Record<string, string>> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};

/** Read once on first use: the assets change only with a new release of the gateway. */
const cache = new Map<string, Buffer>();
function asset(path: string): Buffer {
  let body = cache.get(path);
  if (body === undefined) {
    body = readFileSync(path);
    cache.set(path, body);
  }
  return body;
}

function secured(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-security-policy', DOCS_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-cache');
}

/** The interactive page: Swagger UI's assets and the page's own, nothing inline. */
const INTERACTIVE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskgate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/docs.css">
</head><body>
<header class="rg-docs">
<h1>riskgate gateway API</h1>
<p>An Alpaca-compatible risk proxy. <b>Authorize</b> with a riskgate key id (<code>keyId</code>) and
secret (<code>secretKey</code>) to try requests from this page; the document is
<a href="/openapi.json">/openapi.json</a>, and a plain table with a curl example is at
<a href="/docs/reference">/docs/reference</a>.</p>
<p class="warn">Try it out sends real requests to this gateway: <code>POST /v2/orders</code> places an order.</p>
</header>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body></html>
`;

/**
 * `/docs`: the interactive reference (Swagger UI over `/openapi.json`); `/docs/assets/{file}`:
 * its scripts and styles; `/docs/reference`: the generated table with a runnable example. Public,
 * as `/openapi.json` is.
 */
export function docsRoutes(app: FastifyInstance): void {
  app.get('/docs', async (_request, reply) =>
    secured(reply, 'text/html; charset=utf-8').send(INTERACTIVE_PAGE),
  );
  app.get('/docs/reference', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(docsPage(exampleBaseUrl(request.protocol, request.host))),
  );
  app.get('/docs/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    const path = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (path === undefined) {
      return reply.code(404).send({
        code: 40410000,
        message: `docs asset not found: ${file} (expected one of ${DOCS_ASSETS.join(', ')})`,
      });
    }
    const type = TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    return secured(reply, type).send(asset(path));
  });
}
