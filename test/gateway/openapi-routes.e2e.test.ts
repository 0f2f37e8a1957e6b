import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/gateway/http/build-server.ts';
import { OPERATIONS } from '../../src/gateway/openapi/openapi-document.ts';
import { type Rig, startRig } from './harness.ts';

let rig: Rig;
let app: FastifyInstance;

beforeAll(async () => {
  rig = await startRig();
  // The same app the gateway serves, built again to list its routes without serving them.
  app = buildServer(rig.gateway.services);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await rig?.close();
});

/**
 * Every method and path Fastify routes, read from its route tree and written as OpenAPI writes
 * paths (`/:id` becomes `/{id}`; a colon not after a slash is a literal one). HEAD is left out:
 * Fastify adds it to every GET.
 */
function registeredRoutes(server: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (m === null) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    const path = `${stack[depth - 1] ?? ''}${m[2]}`;
    stack.push(path);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x !== '' && x !== 'HEAD')) {
      routes.push(`${method} ${path.replace(/\/:([A-Za-z_]+)/g, '/{$1}')}`);
    }
  }
  return routes.sort();
}

/** Served next to Fastify: the WebSocket upgrade listener answers it, not a route. */
const UPGRADE_ONLY = ['GET /stream'];

describe('the OpenAPI document and the routes', () => {
  it('documents every route the gateway registers, with its method, and nothing else', () => {
    const routes = registeredRoutes(app);
    const documented = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`)
      .filter((route) => !UPGRADE_ONLY.includes(route))
      .sort();
    expect(routes.length).toBeGreaterThan(30);
    expect(routes).toEqual(documented);
  });
});
