/** One documented operation: method, path, summary, who may call it. */
interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: string;
  readonly summary: string;
  /** `session`: answered for the browser session of the request's cookie, whatever its role. */
  readonly role: 'none' | 'read-only' | 'trader' | 'risk-officer' | 'feed' | 'session';
  readonly tag: 'Alpaca-compatible' | 'riskgate' | 'operations';
  readonly body?: Record<string, unknown>;
  readonly parameters?: readonly Record<string, unknown>[];
}

const LOGIN_BODY = {
  type: 'object',
  required: ['keyId', 'secret'],
  additionalProperties: false,
  properties: {
    keyId: { type: 'string', description: 'a riskgate API key id (rk_…)' },
    secret: { type: 'string', description: "the key's secret; never logged" },
  },
};

const SESSION_VIEW = {
  type: 'object',
  properties: {
    keyId: { type: 'string' },
    label: { type: 'string' },
    role: { enum: ['trader', 'risk-officer', 'read-only', 'feed'] },
    csrfToken: {
      type: 'string',
      description: 'send it back in x-csrf-token on every POST, PUT, PATCH and DELETE made with the cookie',
    },
    createdAt: { type: 'integer', description: 'epoch ms of the login' },
    expiresAt: { type: 'integer', description: 'epoch ms when the session ends unless used again' },
    absoluteExpiresAt: { type: 'integer', description: 'epoch ms when the session ends however used' },
    idleTimeoutMs: { type: 'integer' },
  },
};

const ORDER_BODY = {
  type: 'object',
  required: ['symbol', 'qty', 'side'],
  properties: {
    symbol: { type: 'string' },
    qty: { type: 'string', description: 'shares, decimal string' },
    side: { enum: ['buy', 'sell'] },
    type: { enum: ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] },
    time_in_force: { enum: ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'] },
    limit_price: { type: 'string' },
    stop_price: { type: 'string' },
    client_order_id: { type: 'string', maxLength: 128 },
    order_class: { enum: ['simple', 'bracket', 'oto', ''] },
    take_profit: { type: 'object', properties: { limit_price: { type: 'string' } } },
    stop_loss: {
      type: 'object',
      properties: { stop_price: { type: 'string' }, limit_price: { type: 'string' } },
    },
  },
};

const INDEX_READINGS_BODY = {
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
            oneOf: [
              { type: 'number', minimum: 0 },
              { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
            ],
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

/** Every endpoint of the gateway. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v2/account',
    summary: 'The broker account',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'post',
    path: '/v2/orders',
    summary: 'Submit an order through the risk engine (403 with the violation codes when denied)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    body: ORDER_BODY,
  },
  {
    method: 'get',
    path: '/v2/orders',
    summary: 'List orders (status, limit, after, until, direction, nested, symbols, side)',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/orders:by_client_order_id',
    summary: 'An order by client order id',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/orders/{id}',
    summary: 'An order by id (nested=true for legs)',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'patch',
    path: '/v2/orders/{id}',
    summary: 'Replace an order (checked like a new order)',
    role: 'trader',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'delete',
    path: '/v2/orders/{id}',
    summary: 'Cancel an order (never blocked)',
    role: 'trader',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'delete',
    path: '/v2/orders',
    summary: 'Cancel every open order (207)',
    role: 'trader',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/positions',
    summary: 'Open positions',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/positions/{symbol}',
    summary: 'One position',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'delete',
    path: '/v2/positions/{symbol}',
    summary: 'Close a position (qty or percentage)',
    role: 'trader',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'delete',
    path: '/v2/positions',
    summary: 'Close every position (207)',
    role: 'trader',
    tag: 'Alpaca-compatible',
  },
  { method: 'get', path: '/v2/assets', summary: 'Assets', role: 'read-only', tag: 'Alpaca-compatible' },
  {
    method: 'get',
    path: '/v2/assets/{symbol}',
    summary: 'One asset',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/options/contracts',
    summary:
      "Listed option contracts (the broker's listing; filters underlying_symbols, expiration_date[_gte|_lte], type, strike_price_gte/_lte, root_symbol, limit, page_token)",
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/options/contracts/{symbol_or_id}',
    summary: 'One option contract by OCC symbol or id',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v2/clock',
    summary: 'The market clock',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/v3/clock',
    summary: 'The market clock per market (NYSE, NASDAQ): phase, phase end, next open and close',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'get',
    path: '/stream',
    summary: 'WebSocket: trade_updates with the Alpaca authenticate/listen handshake',
    role: 'read-only',
    tag: 'Alpaca-compatible',
  },
  {
    method: 'post',
    path: '/v1/orders/check',
    summary: 'Dry-run risk check of an Alpaca order body: outcome, effect, violations, modifications',
    role: 'read-only',
    tag: 'riskgate',
    body: ORDER_BODY,
  },
  {
    method: 'post',
    path: '/v1/size',
    summary: 'Position-size suggestion {symbol, side, entry_price?, stop_price?, risk_percent?}',
    role: 'read-only',
    tag: 'riskgate',
  },
  {
    method: 'get',
    path: '/v1/state',
    summary:
      'The full risk state: latch, breakers, limits with headroom, exposures, P&L, positions and their protection, market indices (value, time, age, required, stale), health',
    role: 'read-only',
    tag: 'riskgate',
  },
  {
    method: 'get',
    path: '/v1/greeks',
    summary:
      "Portfolio Greeks of the positions held: totals, by underlying, by expiry, each option position with its inputs, and the profile's Greeks limits with their headroom",
    role: 'read-only',
    tag: 'riskgate',
  },
  {
    method: 'post',
    path: '/v1/kill',
    summary:
      'Kill switch {reason, flatten?}: halt, cancel every working order, optionally flatten; returns the time to the broker acknowledgement and where the halt is durable ({journal, store})',
    role: 'trader',
    tag: 'riskgate',
  },
  {
    method: 'post',
    path: '/v1/reset',
    summary:
      'Reset the trading state to active {reason} (risk officers only); returns where the reset is durable ({journal, store})',
    role: 'risk-officer',
    tag: 'riskgate',
  },
  {
    method: 'get',
    path: '/v1/profile',
    summary: 'The risk profile in force',
    role: 'read-only',
    tag: 'riskgate',
  },
  {
    method: 'put',
    path: '/v1/profile',
    summary:
      'Change the risk profile {profile, reason}: validated, audited with a diff, applied keeping state',
    role: 'risk-officer',
    tag: 'riskgate',
  },
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit log (kind, code, outcome, client_order_id, from, to, limit, before_seq)',
    role: 'read-only',
    tag: 'riskgate',
  },
  {
    method: 'get',
    path: '/v1/events',
    summary:
      'Server-Sent Events: decision, fill, trade_update, order, trip, state, alert, protection, close, reconciliation, greeks; each with an increasing id: and data {at, data}. Reconnecting with Last-Event-ID (or lastEventId) replays the events missed, then continues live; when they are no longer kept the first event is `reset` ({reason, lastEventId, oldestId}): refetch /v1/state. A browser authenticates it with the session cookie',
    role: 'read-only',
    tag: 'riskgate',
    parameters: [
      {
        name: 'Last-Event-ID',
        in: 'header',
        required: false,
        schema: { type: 'string', pattern: '^\\d+$' },
        description: 'the id of the last event received; a browser EventSource sends it when it reconnects',
      },
      {
        name: 'lastEventId',
        in: 'query',
        required: false,
        schema: { type: 'string', pattern: '^\\d+$' },
        description: 'the same, for clients that cannot set headers (the header wins when both are sent)',
      },
    ],
  },
  {
    method: 'post',
    path: '/v1/session',
    summary:
      'Browser login with an API key (JSON body, content-type application/json): sets the riskgate_session cookie (HttpOnly, SameSite=Strict, Path=/, Secure over TLS) and returns {keyId, label, role, csrfToken, expiresAt, absoluteExpiresAt}; 401 and no cookie for an unknown, revoked or wrong key',
    role: 'none',
    tag: 'riskgate',
    body: LOGIN_BODY,
  },
  {
    method: 'get',
    path: '/v1/session',
    summary:
      "Who the session cookie belongs to: the key's label and role, the CSRF token and the expiry; 401 SESSION_INVALID when it ended",
    role: 'session',
    tag: 'riskgate',
  },
  {
    method: 'delete',
    path: '/v1/session',
    summary: 'Logout: ends the session (x-csrf-token required) and drops the cookie; 204',
    role: 'session',
    tag: 'riskgate',
  },
  {
    method: 'post',
    path: '/v1/market/indices',
    summary:
      'Market index readings (the VIX) from a data feed (feed keys only): each newer reading goes to the engine (VIX breaker, VIX regime); one bad reading refuses the batch (422 naming each field); readings not newer than the last are ignored and listed. Returns {accepted, ignored, trips, tradingState}',
    role: 'feed',
    tag: 'riskgate',
    body: INDEX_READINGS_BODY,
  },
  { method: 'get', path: '/healthz', summary: 'Liveness', role: 'none', tag: 'operations' },
  {
    method: 'get',
    path: '/readyz',
    summary:
      'Readiness: 200 only after the engine was restored and reconciled with the broker, while the store takes writes; otherwise 503 with the reason',
    role: 'none',
    tag: 'operations',
  },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', role: 'none', tag: 'operations' },
  { method: 'get', path: '/openapi.json', summary: 'This document', role: 'none', tag: 'operations' },
  { method: 'get', path: '/docs', summary: 'Human-readable API page', role: 'none', tag: 'operations' },
];

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
      ...(op.parameters !== undefined ? { parameters: op.parameters } : {}),
      ...(op.body !== undefined
        ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          ...(op.path === '/v1/session' && op.method !== 'delete'
            ? { content: { 'application/json': { schema: SESSION_VIEW } } }
            : {}),
        },
        // A login is open to anyone, and answers 401 for a bad key.
        ...(op.role === 'none' && op.path !== '/v1/session'
          ? {}
          : { '401': { $ref: '#/components/responses/Error' } }),
        ...(op.method === 'get' || op.role === 'none'
          ? {}
          : {
              '400': { $ref: '#/components/responses/Error' },
              '403': { $ref: '#/components/responses/Error' },
              '413': { $ref: '#/components/responses/Error' },
              '422': { $ref: '#/components/responses/Error' },
            }),
      },
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
      responses: {
        Error: {
          description:
            "The broker's error envelope; denials add riskgate.violations, malformed input riskgate.issues ([{field, problem, expected}]). Bodies are read as JSON whatever the content type says.",
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['code', 'message'],
                properties: {
                  code: { type: 'integer' },
                  message: { type: 'string' },
                  riskgate: { type: 'object' },
                },
              },
            },
          },
        },
      },
    },
  };
}
