import { type Schema, sharedSchemas } from './openapi-bodies.ts';
import { ERROR_RESPONSES } from './openapi-errors.ts';
import { OPERATIONS, type Operation } from './openapi-operations.ts';
import { RESPONSE_SCHEMAS } from './openapi-responses.ts';

export { OPERATIONS, type Operation } from './openapi-operations.ts';

const answer = (name: string) => ({ $ref: `#/components/responses/${name}` }) as const;
const ERROR = answer('Error');

/** The parameter objects of an operation: its path parameters, then its query and header ones. */
function parametersOf(op: Operation): Record<string, unknown>[] {
  const inPath = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const inQuery = (op.query ?? []).map((p) => ({
    name: p.name,
    in: 'query',
    required: p.required,
    schema: p.schema,
    description: p.description,
  }));
  return [...inPath, ...inQuery, ...(op.parameters ?? [])];
}

/** The example of a schema: its own, its component's, or a list of one of its items'. */
function exampleOf(schema: Schema | undefined): unknown {
  if (schema === undefined) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return exampleOf({ ...sharedSchemas(), ...RESPONSE_SCHEMAS }[name]);
  }
  if (schema.type === 'array') {
    const item = exampleOf(schema.items as Schema | undefined);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

/** The documented answers: the success shape, and the error envelope where it can come. */
function responsesOf(op: Operation): Record<string, unknown> {
  const s = op.success;
  const media = s.mediaType ?? 'application/json';
  const example = s.example ?? exampleOf(s.schema);
  return {
    [s.status]: {
      description: s.description ?? 'OK',
      ...(s.schema !== undefined
        ? { content: { [media]: { schema: s.schema, ...(example !== undefined ? { example } : {}) } } }
        : {}),
    },
    // A login is open to anyone, and answers 401 for a bad key.
    ...(op.role === 'none' && op.path !== '/v1/session' ? {} : { '401': answer('Unauthorized') }),
    ...(op.query !== undefined && op.method === 'get' ? { '422': answer('Invalid') } : {}),
    ...(op.path.includes('{') ? { '404': answer('NotFound') } : {}),
    ...(op.method === 'get' || op.role === 'none'
      ? {}
      : {
          '400': answer('BadRequest'),
          '403': answer('Forbidden'),
          '413': answer('TooLarge'),
          '422': answer('Invalid'),
        }),
    ...(op.role === 'none' ? {} : { default: ERROR }),
  };
}

/** The OpenAPI 3.1 document of the gateway. */
export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = (paths[op.path] ??= {});
    path[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.role === 'none'
        ? { security: [] }
        : op.role === 'session'
          ? { security: [{ session: [] }] }
          : {}),
      'x-riskgate-role': op.role,
      operationId: op.operationId,
      ...(parametersOf(op).length > 0 ? { parameters: parametersOf(op) } : {}),
      ...(op.body !== undefined
        ? {
            requestBody: {
              required: op.bodyOptional !== true,
              content: { 'application/json': { schema: op.body } },
            },
          }
        : {}),
      responses: responsesOf(op),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'riskgate gateway',
      version: '0.1.0',
      description:
        'An Alpaca-compatible risk proxy: point an Alpaca SDK at it and every order passes the risk engine.',
    },
    servers: [{ url: serverUrl }],
    // Either the API-key headers, or (from a browser) the session cookie plus, on POST, PUT,
    // PATCH and DELETE, the session's CSRF token in x-csrf-token.
    security: [{ keyId: [], secretKey: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        keyId: { type: 'apiKey', in: 'header', name: 'APCA-API-KEY-ID' },
        secretKey: { type: 'apiKey', in: 'header', name: 'APCA-API-SECRET-KEY' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'riskgate_session',
          description:
            'Set by POST /v1/session. A POST, PUT, PATCH or DELETE made with it must also send the x-csrf-token header (403 CSRF_TOKEN_MISSING or CSRF_TOKEN_INVALID otherwise); API-key requests need no token.',
        },
      },
      schemas: { ...sharedSchemas(), ...RESPONSE_SCHEMAS },
      responses: ERROR_RESPONSES,
    },
  };
}
