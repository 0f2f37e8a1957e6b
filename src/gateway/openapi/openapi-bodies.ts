import { z } from 'zod';
import { ProfileConfig } from '../../core/config/profile-schema.ts';
import { killBody, profileBody, resetBody, sizeBody } from '../wire/parse-control-requests.ts';
import { loginBody } from '../wire/parse-login-request.ts';
import { orderBody } from '../wire/parse-order-request.ts';
import { replaceBody } from '../wire/parse-replace-request.ts';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) held as plain data. */
export type Schema = Record<string, unknown>;

const DECIMAL = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } as const;

/**
 * The JSON Schema of a request body from the zod schema that reads it (the input side: what may
 * be sent). Each field's schema is its wire reader's `accepts` with its description.
 */
export function requestSchema(schema: z.ZodType): Schema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as Schema;
  return nullableObject(rest);
}

/** `anyOf: [object, null]` (a body that may be left out) written as one object schema of type ['object', 'null']. */
function nullableObject(schema: Schema): Schema {
  const { anyOf, ...rest } = schema as Schema & { anyOf?: Schema[] };
  const object = anyOf?.find((s) => s.type === 'object');
  if (anyOf?.length !== 2 || object === undefined || !anyOf.some((s) => s.type === 'null')) return schema;
  return { ...object, ...rest, type: ['object', 'null'] };
}

/** `POST /v2/orders` and `POST /v1/orders/check`. */
export const ORDER_BODY: Schema = requestSchema(orderBody);
/** `PATCH /v2/orders/{id}`: only the broker's replaceable fields, at least one of them. */
export const REPLACE_BODY: Schema = { ...requestSchema(replaceBody), minProperties: 1 };
/** `POST /v1/size`. */
export const SIZE_BODY: Schema = requestSchema(sizeBody);
/** `POST /v1/kill`: every field optional, and so is the body. */
export const KILL_BODY: Schema = requestSchema(killBody);
/** `POST /v1/reset`. */
export const RESET_BODY: Schema = requestSchema(resetBody);
/** `PUT /v1/profile`. */
export const PROFILE_BODY: Schema = requestSchema(profileBody);

/**
 * One risk profile, derived from the same zod schema the gateway validates it with (the input
 * side: fields with defaults may be left out). `mode` may be sent back as GET returned it.
 */
function profileSchema(): Schema {
  const { $schema: _, ...schema } = z.toJSONSchema(ProfileConfig, {
    io: 'input',
    unrepresentable: 'any',
  }) as Schema;
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  return {
    ...schema,
    properties: {
      ...properties,
      mode: { enum: ['paper', 'live'], description: 'must equal the mode in force; not changed here' },
    },
  };
}

/** `POST /v1/session`. */
export const LOGIN_BODY: Schema = requestSchema(loginBody);

/** `POST /v1/market/indices`. */
export const INDEX_READINGS_BODY: Schema = {
  type: 'object',
  required: ['readings'],
  additionalProperties: false,
  properties: {
    readings: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['name', 'value', 'time'],
        additionalProperties: false,
        properties: {
          name: {
            type: 'string',
            pattern: '^[A-Z][A-Z0-9]*([._-][A-Z0-9]+)*$',
            maxLength: 16,
            description: 'an index the gateway takes (--index-names, default VIX; plus the required ones)',
          },
          value: {
            oneOf: [{ type: 'number', minimum: 0 }, DECIMAL],
            description: 'the level, finite and not negative (VIX points)',
          },
          time: {
            oneOf: [
              { type: 'string', format: 'date-time' },
              { type: 'integer', description: 'epoch milliseconds' },
            ],
            description: "when the source measured it; at most 5 s ahead of the gateway's clock",
          },
        },
      },
    },
  },
  example: { readings: [{ name: 'VIX', value: 31.2, time: '2026-12-07T14:30:00Z' }] },
};

/** Schemas referenced from several places, kept once under `components.schemas`. */
export function sharedSchemas(): Record<string, Schema> {
  // Derived once: the profile schema does not change while the process runs.
  shared ??= { RiskProfile: profileSchema() };
  return shared;
}
let shared: Record<string, Schema> | undefined;
