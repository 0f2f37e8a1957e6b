import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/gateway/openapi/openapi-document.ts';
import { eventually, type Rig, startRig } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks an arbitrary JSON document
type Json = Record<string, any>;
const doc = openApiDocument('http://127.0.0.1:8080') as Json;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'doc', components: doc.components } as Json);

/** The documented schema of an operation's answer with this status. */
function answerSchema(method: string, path: string, status: number): Json {
  const responses = doc.paths[path]?.[method]?.responses as Json | undefined;
  let answer = (responses?.[String(status)] ?? responses?.default) as Json | undefined;
  expect(answer, `${method} ${path} ${status} is documented`).toBeDefined();
  if (typeof answer!.$ref === 'string') answer = doc.components.responses.Error as Json;
  const schema = answer!.content['application/json'].schema as Json;
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
}

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => rig?.close());

describe('the answers the gateway gives', () => {
  it('fit the schemas the document gives them', async () => {
    const check = { symbol: 'AAPL', qty: '1', side: 'buy', type: 'market', time_in_force: 'day' };
    await eventually(
      async () => (await rig.http('POST', '/v1/orders/check', check)).body.outcome !== 'deny',
      'AAPL to be marked',
    );
    const order = await rig.http('POST', '/v2/orders', check);
    expect(order.status).toBe(200);
    const calls: [string, string, string, unknown?][] = [
      ['post', '/v1/orders/check', '/v1/orders/check', check],
      ['post', '/v1/size', '/v1/size', { symbol: 'AAPL', side: 'buy', stop_price: '1' }],
      ['get', '/v2/account', '/v2/account'],
      ['get', '/v2/orders', '/v2/orders?status=all'],
      ['get', '/v2/orders/{id}', `/v2/orders/${order.body.id}`],
      ['get', '/v2/positions', '/v2/positions'],
      ['get', '/v2/clock', '/v2/clock'],
      ['get', '/v3/clock', '/v3/clock'],
      ['get', '/v2/assets/{symbol}', '/v2/assets/AAPL'],
      ['get', '/v1/state', '/v1/state'],
      ['get', '/v1/greeks', '/v1/greeks'],
      ['get', '/v1/profile', '/v1/profile'],
      ['get', '/v1/audit', '/v1/audit?limit=5'],
      ['get', '/healthz', '/healthz'],
      ['get', '/readyz', '/readyz'],
      ['post', '/v2/orders', '/v2/orders', { symbol: 'AAPL', qty: '0x10', side: 'buy' }],
      ['get', '/v2/orders/{id}', '/v2/orders/no-such-order'],
    ];
    const misfits: string[] = [];
    for (const [method, path, url, body] of calls) {
      const r = await rig.http(method.toUpperCase(), url, body);
      const validate = ajv.compile(answerSchema(method, path, r.status));
      if (!validate(r.body))
        misfits.push(
          `${method} ${url} ${r.status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(r.body).slice(0, 300)}`,
        );
    }
    expect(misfits).toEqual([]);
  });
});
