import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/gateway/http/build-server.ts';
import { OPERATIONS } from '../../src/gateway/openapi/openapi-document.ts';
import { type Rig, startRig } from './harness.ts';

let rig: Rig;
let app: FastifyInstance;
/** The query parameters the handler of the last request read. */
const queryReads = new Set<string>();

beforeAll(async () => {
  rig = await startRig();
  // The same app the gateway serves, built again to list its routes and to see which query
  // parameters each handler reads, without serving them.
  app = buildServer(rig.gateway.services);
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown>;
    request.query = new Proxy(query, {
      get(target, key) {
        if (typeof key === 'string') queryReads.add(key);
        return target[key as string];
      },
    });
  });
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

  it('declares exactly the query parameters each reading route reads', async () => {
    const reading = OPERATIONS.filter(
      (op) => op.method === 'get' || (op.method === 'delete' && op.path === '/v2/positions/{symbol}'),
    ).filter((op) => !['/stream', '/v1/events'].includes(op.path));
    let withQuery = 0;
    for (const op of reading) {
      queryReads.clear();
      const url = op.path.replace(/\{[^}]+\}/g, 'ZZZZ');
      await app.inject({
        method: op.method.toUpperCase() as 'GET' | 'DELETE',
        url,
        headers: { 'apca-api-key-id': rig.trader.key.keyId, 'apca-api-secret-key': rig.trader.secret },
      });
      const declared = (op.query ?? []).map((p) => p.name).sort();
      expect([...queryReads].sort(), `${op.method} ${op.path}`).toEqual(declared);
      if (declared.length > 0) withQuery++;
    }
    expect(withQuery).toBeGreaterThanOrEqual(7);
  });
});
