import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { LOGIN_FIELDS } from '../../src/gateway/http/routes-session.ts';
import { openApiDocument } from '../../src/gateway/openapi/openapi-document.ts';
import {
  KILL_FIELDS,
  PROFILE_FIELDS,
  RESET_FIELDS,
  SIZE_FIELDS,
} from '../../src/gateway/wire/parse-control-requests.ts';
import { READING_FIELDS } from '../../src/gateway/wire/parse-index-readings.ts';
import { ORDER_FIELDS } from '../../src/gateway/wire/parse-order-request.ts';
import { REPLACE_FIELDS } from '../../src/gateway/wire/parse-replace-request.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks an arbitrary JSON document
type Json = Record<string, any>;
const doc = openApiDocument('http://127.0.0.1:8080') as Json;
const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
);

/** Follows a local `#/components/...` reference. */
function resolve(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  const target = (node.$ref as string)
    .slice(2)
    .split('/')
    .reduce<Json | undefined>((at, key) => at?.[key], doc);
  if (target === undefined) throw new Error(`unresolved ${node.$ref}`);
  return resolve(target);
}

function bodyOf(method: string, path: string): Json {
  const op = (doc.paths as Json)[path]?.[method] as Json | undefined;
  return resolve(op?.requestBody.content['application/json'].schema as Json);
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document for a maintained validator', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('declares each path parameter of each path, and only those', () => {
    for (const { path, method, op } of operations) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = ((op.parameters ?? []) as Json[])
        .filter((p) => p.in === 'path')
        .map((p) => {
          expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
          return p.name as string;
        })
        .sort();
      expect(declared, `${method} ${path}`).toEqual(templated);
    }
  });

  it('gives every operation a unique operationId, a success answer and the error envelope', () => {
    const ids = operations.map(({ op }) => op.operationId as string);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      const statuses = Object.keys(op.responses as Json);
      expect(
        statuses.some((s) => /^[23]\d\d$/.test(s)),
        `${method} ${path}`,
      ).toBe(true);
      if (op['x-riskgate-role'] !== 'none') expect(op.responses['401'], `${method} ${path}`).toBeDefined();
    }
    const envelope = resolve(doc.components.responses.Error.content['application/json'].schema);
    expect(envelope.required).toEqual(['code', 'message']);
    expect(Object.keys(envelope.properties)).toEqual(['code', 'message', 'riskgate']);
  });

  it('resolves every $ref', () => {
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        if (typeof (node as Json).$ref === 'string') resolve(node as Json);
        Object.values(node).forEach(walk);
      }
    };
    walk(doc);
  });

  it('has examples that satisfy their own schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components } as Json);
    let checked = 0;
    const check = (schema: Json) => {
      if (schema.example === undefined) return;
      const { example, ...rest } = schema;
      const rebased = JSON.parse(JSON.stringify(rest).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(rebased);
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      checked++;
    };
    for (const { op } of operations) {
      const body = op.requestBody?.content['application/json']?.schema as Json | undefined;
      if (body !== undefined) check(body);
    }
    check(doc.components.schemas.Error);
    // Each error answer's example, against the envelope.
    for (const [name, answer] of Object.entries(doc.components.responses as Json)) {
      const media = (answer as Json).content['application/json'] as Json;
      expect(media.example, name).toBeDefined();
      check({ ...media.schema, example: media.example });
    }
    expect(checked).toBeGreaterThanOrEqual(13);
  });

  it('gives every answer with a body a schema and an example that fits it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components } as Json);
    let checked = 0;
    for (const { path, method, op } of operations) {
      const success = Object.entries(op.responses as Json).filter(([status]) => /^2\d\d$/.test(status));
      expect(success.length, `${method} ${path}`).toBe(1);
      const [status, answer] = success[0]!;
      if (status === '204') continue;
      const media = Object.entries((answer as Json).content as Json);
      expect(media.length, `${method} ${path}`).toBe(1);
      const [type, { schema, example }] = media[0] as [string, Json];
      expect(schema, `${method} ${path}`).toBeDefined();
      expect(example, `${method} ${path} has an example`).toBeDefined();
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      const validate = ajv.compile(rebased);
      expect(validate(example), `${method} ${path} ${type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('documents exactly the body fields the strict readers accept', () => {
    const fields = (schema: Json) => Object.keys(schema.properties as Json).sort();
    const sorted = (list: readonly string[]) => [...list].sort();
    expect(fields(bodyOf('post', '/v2/orders'))).toEqual(sorted(ORDER_FIELDS));
    expect(fields(bodyOf('post', '/v1/orders/check'))).toEqual(sorted(ORDER_FIELDS));
    expect(fields(bodyOf('patch', '/v2/orders/{id}'))).toEqual(sorted(REPLACE_FIELDS));
    expect(fields(bodyOf('post', '/v1/size'))).toEqual(sorted(SIZE_FIELDS));
    expect(fields(bodyOf('post', '/v1/kill'))).toEqual(sorted(KILL_FIELDS));
    expect(fields(bodyOf('post', '/v1/reset'))).toEqual(sorted(RESET_FIELDS));
    expect(fields(bodyOf('put', '/v1/profile'))).toEqual(sorted(PROFILE_FIELDS));
    expect(fields(bodyOf('post', '/v1/session'))).toEqual(sorted(LOGIN_FIELDS));
    const reading = bodyOf('post', '/v1/market/indices').properties.readings.items as Json;
    expect(fields(reading)).toEqual(sorted(READING_FIELDS));
  });

  it("derives the profile schema from the profile's own zod schema", () => {
    const profile = resolve(bodyOf('put', '/v1/profile').properties.profile);
    expect(profile.additionalProperties).toBe(false);
    expect(profile.properties.startingEquity).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(profile.required).toContain('startingEquity');
  });
});
