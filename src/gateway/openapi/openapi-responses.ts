import type { Schema } from './openapi-bodies.ts';
import { INVALID_EXAMPLE } from './openapi-errors.ts';
import * as ex from './openapi-examples.ts';
import { WIRE_SCHEMAS } from './openapi-wire-schemas.ts';

/**
 * The success shapes of the gateway's answers. Alpaca-compatible ones name the fields SDKs read
 * and leave the rest open (the broker adds fields over time); riskgate's own name their top level.
 */
const obj = (properties: Record<string, Schema>, required: readonly string[] = []): Schema => ({
  type: 'object',
  ...(required.length > 0 ? { required: [...required] } : {}),
  properties,
});
const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const open = { type: 'object' } as const;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const list = (items: Schema): Schema => ({ type: 'array', items });
/** Where a halt, reset or change is durable. */
const DURABLE = obj({ journal: bool, store: bool });

/** Schemas under `components.schemas`, referenced by the operations. */
export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'integer', description: "the broker's 8-digit error code, e.g. 40310000" },
      message: str,
      riskgate: {
        type: 'object',
        description: 'present on riskgate refusals',
        properties: {
          violations: list(obj({ code: str, message: str })),
          issues: list(obj({ field: str, problem: str, expected: str }, ['field', 'expected'])),
        },
      },
    },
    example: INVALID_EXAMPLE,
  },
  ...WIRE_SCHEMAS,
  /** The 207 answer of a bulk cancel or close: one entry per order or position. */
  MultiStatus: list(
    obj(
      {
        id: str,
        symbol: str,
        status: { type: 'integer', description: 'HTTP status of this one' },
        body: open,
      },
      ['status'],
    ),
  ),
  Decision: obj(
    {
      outcome: { enum: ['accept', 'accept-modified', 'deny'] },
      violations: list(open),
      modifications: list(open),
      effect: {
        enum: ['open', 'increase', 'reduce', 'close', 'flip'],
        description: 'what the order does to the position',
      },
      order: { type: 'object', description: 'the order as checked, with any modifications' },
    },
    ['outcome'],
  ),
  Session: obj({
    keyId: str,
    label: str,
    role: { enum: ['trader', 'risk-officer', 'read-only', 'feed'] },
    csrfToken: {
      type: 'string',
      description: 'send it back in x-csrf-token on every POST, PUT, PATCH and DELETE made with the cookie',
    },
    createdAt: { type: 'integer', description: 'epoch ms of the login' },
    expiresAt: { type: 'integer', description: 'epoch ms when the session ends unless used again' },
    absoluteExpiresAt: { type: 'integer', description: 'epoch ms when the session ends however used' },
    idleTimeoutMs: int,
  }),
};

/** The success answer of an operation: its status and, when it has one, its JSON schema. */
export interface Success {
  readonly status: '200' | '204' | '207' | '301';
  readonly schema?: Schema;
  /** Another media type than JSON (the metrics text, the HTML page, a stream). */
  readonly mediaType?: string;
  readonly description?: string;
  /** An answer as the gateway gives it; when absent, the schema's own (or its items') example. */
  readonly example?: unknown;
}

export const ok = (schema: Schema, example?: unknown): Success => ({
  status: '200',
  schema,
  ...(example !== undefined ? { example } : {}),
});
export const okOrder: Success = ok(ref('Order'));
export const okMulti: Success = {
  status: '207',
  schema: ref('MultiStatus'),
  description: 'one entry each',
  example: ex.MULTI_EXAMPLE,
};
export const okAccount = ok(ref('Account'));
export const okPositions = ok(list(ref('Position')));
export const okPosition = ok(ref('Position'));
export const okOrders = ok(list(ref('Order')));
export const okAssets = ok(list(ref('Asset')));
export const okAsset = ok(ref('Asset'));
export const okContract = ok(ref('OptionContract'));
export const okContracts = ok(
  obj({ option_contracts: list(ref('OptionContract')), next_page_token: strOrNull }, ['option_contracts']),
  {
    option_contracts: [(WIRE_SCHEMAS.OptionContract as { example: unknown }).example],
    next_page_token: null,
  },
);
export const okClock = ok(ref('Clock'));
export const okClockV3 = ok(obj({ clocks: list(open) }), ex.CLOCK_V3_EXAMPLE);
export const okDecision = ok(ref('Decision'), ex.DECISION_EXAMPLE);
export const okSize = ok(
  obj(
    {
      qty: num,
      notional: num,
      riskUsd: num,
      entryPrice: num,
      stopPrice: num,
      bound: str,
      explanation: list(str),
    },
    ['qty'],
  ),
  ex.SIZE_EXAMPLE,
);
export const okState = ok(
  obj(
    {
      time: int,
      mode: str,
      ready: bool,
      tradingState: obj({ state: str, code: str, reason: str }, ['state']),
      breakers: list(open),
    },
    ['tradingState'],
  ),
  ex.STATE_EXAMPLE,
);
export const okGreeks = ok(
  obj({
    enabled: bool,
    totals: { type: ['object', 'null'] },
    byUnderlying: open,
    byExpiry: open,
    positions: list(open),
    limits: list(open),
  }),
  ex.GREEKS_EXAMPLE,
);
export const okKill = ok(
  obj(
    {
      state: obj({ state: str, code: str, reason: str, by: str, at: int }, ['state']),
      cancelled: { type: 'integer', description: 'orders the broker confirmed cancelled' },
      cancelFailures: int,
      flattened: { type: 'integer', description: 'positions a close was sent for (with flatten)' },
      ackMs: {
        type: ['number', 'null'],
        description: 'ms to the broker acknowledging; null when it did not in time',
      },
      acknowledged: {
        type: 'boolean',
        description: 'false when the broker did not acknowledge in time; the halt holds regardless',
      },
      error: strOrNull,
      durable: DURABLE,
      isolated: {
        type: 'boolean',
        description: 'true when this instance cannot reach the store: the kill latched it only',
      },
      message: str,
    },
    ['state', 'acknowledged', 'durable'],
  ),
  ex.KILL_EXAMPLE,
);
export const okReset = ok(obj({ tradingState: open, durable: DURABLE }, ['tradingState']), ex.RESET_EXAMPLE);
export const okProfile = ok(
  obj({ source: str, path: strOrNull, profile: ref('RiskProfile') }, ['profile']),
  ex.PROFILE_EXAMPLE,
);
export const okProfileChange = ok(
  obj({ applied: bool, diff: list(open), issues: list(open), profile: ref('RiskProfile') }, ['applied']),
  ex.PROFILE_CHANGE_EXAMPLE,
);
export const okAudit = ok(
  obj(
    {
      events: list(obj({ seq: int, at: int, kind: str }, ['seq', 'kind'])),
      nextBeforeSeq: { type: ['integer', 'null'] },
    },
    ['events'],
  ),
  ex.AUDIT_EXAMPLE,
);
export const okSession = ok(ref('Session'), ex.SESSION_EXAMPLE);
export const noContent: Success = { status: '204', description: 'done; no body' };
export const okIndices = ok(
  obj(
    {
      accepted: list(open),
      ignored: list(open),
      trips: list(open),
      tradingState: { enum: ['active', 'reducing', 'halted'] },
    },
    ['accepted', 'ignored'],
  ),
  ex.INDICES_EXAMPLE,
);
export const okHealth = ok(obj({ status: { const: 'ok' } }, ['status']), { status: 'ok' });
export const okReady = ok(
  obj({ ready: bool, reason: str, store: bool, durability: open, instance: open }, ['ready']),
  ex.READY_EXAMPLE,
);
export const okMetrics: Success = {
  status: '200',
  mediaType: 'text/plain',
  schema: str,
  example: ex.METRICS_EXAMPLE,
};
export const okDocument: Success = ok(obj({ openapi: str }, ['openapi']), {
  openapi: '3.1.0',
  info: { title: 'riskgate gateway', version: '0.1.0' },
  paths: {},
});
export const okHtml: Success = {
  status: '200',
  mediaType: 'text/html',
  schema: str,
  example: ex.HTML_EXAMPLE,
};
const MARK = obj({ time: int, equity: num, cash: num, buyingPower: num }, [
  'time',
  'equity',
  'cash',
  'buyingPower',
]);
export const okEquity = ok(
  obj(
    {
      marks: list(MARK),
      peak: { oneOf: [obj({ equity: num, at: int }, ['equity', 'at']), { type: 'null' }] },
      dayStarts: list(obj({ sessionDate: str, equity: num }, ['sessionDate', 'equity'])),
    },
    ['marks', 'peak', 'dayStarts'],
  ),
  ex.EQUITY_EXAMPLE,
);
export const okConsoleAsset: Success = {
  status: '200',
  mediaType: 'text/javascript',
  description: 'a console asset: text/javascript for .js, text/css for .css',
  schema: str,
  example: ex.ASSET_EXAMPLE,
};
export const okDocsAsset: Success = {
  status: '200',
  mediaType: 'text/javascript',
  description: 'a reference asset: text/javascript for .js, text/css for .css, image/png for .png',
  schema: str,
  example: ex.ASSET_EXAMPLE,
};
export const okEvents: Success = {
  status: '200',
  mediaType: 'text/event-stream',
  schema: str,
  example: ex.EVENTS_EXAMPLE,
};
export const okStream: Success = {
  status: '200',
  description:
    'a WebSocket upgrade (101) when asked with Upgrade: websocket; then one JSON message per update',
  schema: open,
  example: ex.STREAM_EXAMPLE,
};
