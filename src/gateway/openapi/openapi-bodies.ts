import { z } from 'zod';
import { ProfileConfig } from '../../core/config/profile-schema.ts';
import { TIMES_IN_FORCE } from '../../core/order.ts';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) held as plain data. */
export type Schema = Record<string, unknown>;

const DECIMAL = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } as const;
/** Prices and quantities: the broker's decimal strings; plain JSON numbers are read too. */
const decimal = (description: string): Schema => ({
  oneOf: [DECIMAL, { type: 'number', exclusiveMinimum: 0 }],
  description,
});
const SIDE = { enum: ['buy', 'sell', 'long', 'short'], description: 'long reads as buy, short as sell' };
const REASON = { type: 'string', minLength: 1, description: 'why, for the audit log' };
const unsupported = (instead: string): Schema => ({ description: `not supported: ${instead}` });

/** `POST /v2/orders` and `POST /v1/orders/check`: the fields the strict order reader takes. */
export const ORDER_BODY: Schema = {
  type: 'object',
  required: ['symbol', 'qty', 'side'],
  additionalProperties: false,
  properties: {
    symbol: { type: 'string', description: 'a ticker such as AAPL, or an OCC option symbol' },
    qty: decimal('shares (contracts for options)'),
    notional: unsupported('send qty: riskgate checks limits on share quantities'),
    side: SIDE,
    type: { enum: ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] },
    time_in_force: { enum: [...TIMES_IN_FORCE] },
    limit_price: decimal('dollars'),
    stop_price: decimal('dollars'),
    trail_price: decimal('dollars'),
    trail_percent: decimal('percent'),
    extended_hours: { type: 'boolean' },
    client_order_id: { type: 'string', minLength: 1, maxLength: 128 },
    order_class: { enum: ['simple', 'bracket', 'oto', ''] },
    take_profit: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { limit_price: decimal('dollars') },
    },
    stop_loss: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { stop_price: decimal('dollars'), limit_price: decimal('dollars') },
    },
    position_intent: { enum: ['buy_to_open', 'buy_to_close', 'sell_to_open', 'sell_to_close'] },
    legs: unsupported('multi-leg orders'),
    advanced_instructions: unsupported('advanced instructions'),
    subtag: { type: 'string' },
  },
  example: { symbol: 'AAPL', qty: '10', side: 'buy', type: 'market', time_in_force: 'day' },
};

/** `PATCH /v2/orders/{id}`: only the broker's replaceable fields, at least one of them. */
export const REPLACE_BODY: Schema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    qty: decimal('shares'),
    time_in_force: { enum: [...TIMES_IN_FORCE] },
    limit_price: decimal('dollars; limit and stop_limit orders only'),
    stop_price: decimal('dollars; stop and stop_limit orders only'),
    trail: decimal('trailing_stop orders only'),
    client_order_id: { type: 'string', minLength: 1, maxLength: 128 },
  },
  example: { limit_price: '101.5' },
};

/** `POST /v1/size`. */
export const SIZE_BODY: Schema = {
  type: 'object',
  required: ['symbol', 'side'],
  additionalProperties: false,
  properties: {
    symbol: { type: 'string' },
    side: SIDE,
    entry_price: decimal('dollars; the last price when absent'),
    stop_price: decimal("dollars; the profile's protective stop when absent"),
    risk_percent: decimal('percent of equity at risk (1 = 1 %)'),
  },
  example: { symbol: 'AAPL', side: 'buy', stop_price: '95' },
};

/** `POST /v1/kill`: every field optional, and so is the body. */
export const KILL_BODY: Schema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { reason: REASON, flatten: { type: 'boolean', description: 'also close every position' } },
  example: { reason: 'strategy misbehaving', flatten: false },
};

/** `POST /v1/reset`. */
export const RESET_BODY: Schema = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: REASON },
  example: { reason: 'reviewed the losses; resuming' },
};

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

/** `PUT /v1/profile`. */
export const PROFILE_BODY: Schema = {
  type: 'object',
  required: ['profile', 'reason'],
  additionalProperties: false,
  properties: { profile: { $ref: '#/components/schemas/RiskProfile' }, reason: REASON },
};

/** `POST /v1/session`. */
export const LOGIN_BODY: Schema = {
  type: 'object',
  required: ['keyId', 'secret'],
  additionalProperties: false,
  properties: {
    keyId: { type: 'string', minLength: 1, description: 'a riskgate API key id (rk_…)' },
    secret: { type: 'string', minLength: 1, description: "the key's secret; never logged" },
  },
};

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
