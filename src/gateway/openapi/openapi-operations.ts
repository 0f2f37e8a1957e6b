import { ACCEPTED_MARKETS } from '../wire/market-clock-v3.ts';
import {
  INDEX_READINGS_BODY,
  KILL_BODY,
  LOGIN_BODY,
  ORDER_BODY,
  PROFILE_BODY,
  REPLACE_BODY,
  RESET_BODY,
  type Schema,
  SIZE_BODY,
} from './openapi-bodies.ts';
import {
  noContent,
  okAccount,
  okAsset,
  okAssets,
  okAudit,
  okClock,
  okClockV3,
  okContract,
  okContracts,
  okDecision,
  okDocument,
  okEvents,
  okGreeks,
  okHealth,
  okHtml,
  okIndices,
  okKill,
  okMetrics,
  okMulti,
  okOrder,
  okOrders,
  okPosition,
  okPositions,
  okProfile,
  okProfileChange,
  okReady,
  okReset,
  okScript,
  okSession,
  okSize,
  okState,
  okStream,
  type Success,
} from './openapi-responses.ts';

/** A query parameter an operation reads. */
export interface QueryParameter {
  readonly name: string;
  readonly schema: Schema;
  readonly description: string;
  readonly required: boolean;
}

/** One documented operation: method, path, summary, who may call it, what it takes and answers. */
export interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The OpenAPI path; `{name}` marks a path parameter (a string). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** `session`: answered for the browser session of the request's cookie, whatever its role. */
  readonly role: 'none' | 'read-only' | 'trader' | 'risk-officer' | 'feed' | 'session';
  readonly tag: 'Alpaca-compatible' | 'riskgate' | 'operations';
  readonly body?: Schema;
  /** The body may be left out (a kill without a reason). */
  readonly bodyOptional?: boolean;
  readonly query?: readonly QueryParameter[];
  /** Other parameters (headers), as OpenAPI parameter objects. */
  readonly parameters?: readonly Record<string, unknown>[];
  readonly success: Success;
}

function q(name: string, schema: Schema, description: string, required = false): QueryParameter {
  return { name, schema, description, required };
}
const STR = { type: 'string' } as const;
const POSITIVE_INT = { type: 'integer', minimum: 1 } as const;
const DATE = { type: 'string', format: 'date' } as const;
const DECIMAL = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } as const;
const NESTED = q('nested', { type: 'boolean' }, 'true: bracket and OTO orders carry their legs');

const LIST_ORDERS_QUERY = [
  q('status', { enum: ['open', 'closed', 'all'] }, 'default open'),
  q('limit', { ...POSITIVE_INT, maximum: 500 }, 'at most this many (capped at 500)'),
  q('after', { type: 'string', format: 'date-time' }, 'only orders submitted after this time'),
  q('until', { type: 'string', format: 'date-time' }, 'only orders submitted until this time'),
  q('direction', { enum: ['asc', 'desc'] }, 'order by submission time'),
  NESTED,
  q('symbols', STR, 'comma-separated symbols'),
  q('side', { enum: ['buy', 'sell'] }, 'only this side'),
];
const CLOSE_POSITION_QUERY = [
  q('qty', DECIMAL, 'shares to close; not with percentage'),
  q('percentage', DECIMAL, 'percent of the position to close, above 0 and at most 100; not with qty'),
];
const ASSETS_QUERY = [
  q('status', { enum: ['active', 'inactive'] }, 'only assets in this status'),
  q('asset_class', STR, 'e.g. us_equity'),
];
const CONTRACTS_QUERY = [
  q('underlying_symbols', STR, 'comma-separated underlyings'),
  q('status', { enum: ['active', 'inactive'] }, 'contract status'),
  q('type', { enum: ['call', 'put'] }, 'contract type'),
  q('expiration_date', DATE, 'expiring on this day'),
  q('expiration_date_gte', DATE, 'expiring on or after this day'),
  q('expiration_date_lte', DATE, 'expiring on or before this day'),
  q('strike_price_gte', DECIMAL, 'strike at least this (dollars)'),
  q('strike_price_lte', DECIMAL, 'strike at most this (dollars)'),
  q('root_symbol', STR, 'the option root'),
  q('limit', POSITIVE_INT, 'page size'),
  q('page_token', STR, 'the next_page_token of the previous page'),
];
const TIME = {
  oneOf: [
    { type: 'string', pattern: '^\\d+$' },
    { type: 'string', format: 'date-time' },
  ],
};
const AUDIT_QUERY = [
  q('kind', STR, 'only events of this kind (422 names the kinds when unknown)'),
  q('code', STR, 'only events with this violation code'),
  q('outcome', { enum: ['accept', 'accept-modified', 'deny'] }, 'only decisions with this outcome'),
  q('client_order_id', STR, 'only events of this order'),
  q('from', TIME, 'epoch ms or an RFC 3339 time'),
  q('to', TIME, 'epoch ms or an RFC 3339 time'),
  q('limit', POSITIVE_INT, 'default 100'),
  q('before_seq', POSITIVE_INT, 'the nextBeforeSeq of the previous page'),
];

/** Every endpoint of the gateway. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/v2/account',
    summary: 'The broker account',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getAccount',
    success: okAccount,
  },
  {
    method: 'post',
    path: '/v2/orders',
    summary: 'Submit an order through the risk engine (403 with the violation codes when denied)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    body: ORDER_BODY,
    operationId: 'submitOrder',
    success: okOrder,
  },
  {
    method: 'get',
    path: '/v2/orders',
    summary: 'List orders (status, limit, after, until, direction, nested, symbols, side)',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'listOrders',
    success: okOrders,
    query: LIST_ORDERS_QUERY,
  },
  {
    method: 'get',
    path: '/v2/orders:by_client_order_id',
    summary: 'An order by client order id',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getOrderByClientOrderId',
    success: okOrder,
    query: [q('client_order_id', STR, 'the client order id', true)],
  },
  {
    method: 'get',
    path: '/v2/orders/{id}',
    summary: 'An order by id (nested=true for legs)',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getOrder',
    success: okOrder,
    query: [NESTED],
  },
  {
    method: 'patch',
    path: '/v2/orders/{id}',
    summary: 'Replace an order (checked like a new order)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    operationId: 'replaceOrder',
    success: okOrder,
    body: REPLACE_BODY,
  },
  {
    method: 'delete',
    path: '/v2/orders/{id}',
    summary: 'Cancel an order (never blocked)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    operationId: 'cancelOrder',
    success: noContent,
  },
  {
    method: 'delete',
    path: '/v2/orders',
    summary: 'Cancel every open order (207)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    operationId: 'cancelAllOrders',
    success: okMulti,
  },
  {
    method: 'get',
    path: '/v2/positions',
    summary: 'Open positions',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'listPositions',
    success: okPositions,
  },
  {
    method: 'get',
    path: '/v2/positions/{symbol}',
    summary: 'One position',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getPosition',
    success: okPosition,
  },
  {
    method: 'delete',
    path: '/v2/positions/{symbol}',
    summary: 'Close a position (qty or percentage)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    operationId: 'closePosition',
    success: okOrder,
    query: CLOSE_POSITION_QUERY,
  },
  {
    method: 'delete',
    path: '/v2/positions',
    summary: 'Close every position (207)',
    role: 'trader',
    tag: 'Alpaca-compatible',
    operationId: 'closeAllPositions',
    success: okMulti,
  },
  {
    method: 'get',
    path: '/v2/assets',
    summary: 'Assets',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'listAssets',
    success: okAssets,
    query: ASSETS_QUERY,
  },
  {
    method: 'get',
    path: '/v2/assets/{symbol}',
    summary: 'One asset',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getAsset',
    success: okAsset,
  },
  {
    method: 'get',
    path: '/v2/options/contracts',
    summary:
      "Listed option contracts (the broker's listing; filters underlying_symbols, expiration_date[_gte|_lte], type, strike_price_gte/_lte, root_symbol, limit, page_token)",
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'listOptionContracts',
    success: okContracts,
    query: CONTRACTS_QUERY,
  },
  {
    method: 'get',
    path: '/v2/options/contracts/{symbol}',
    summary: 'One option contract by OCC symbol or id',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getOptionContract',
    success: okContract,
  },
  {
    method: 'get',
    path: '/v2/clock',
    summary: 'The market clock',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getClock',
    success: okClock,
  },
  {
    method: 'get',
    path: '/v3/clock',
    summary: 'The market clock per market (NYSE, NASDAQ): phase, phase end, next open and close',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'getClockV3',
    success: okClockV3,
    query: [
      q('markets', STR, ACCEPTED_MARKETS),
      q(
        'time',
        STR,
        'not supported: refused with 422, the gateway serves the clock at the current time only',
      ),
    ],
  },
  {
    method: 'get',
    path: '/stream',
    summary: 'WebSocket: trade_updates with the Alpaca authenticate/listen handshake',
    role: 'read-only',
    tag: 'Alpaca-compatible',
    operationId: 'tradeStream',
    success: okStream,
  },
  {
    method: 'post',
    path: '/v1/orders/check',
    summary: 'Dry-run risk check of an Alpaca order body: outcome, effect, violations, modifications',
    role: 'read-only',
    tag: 'riskgate',
    body: ORDER_BODY,
    operationId: 'checkOrder',
    success: okDecision,
  },
  {
    method: 'post',
    path: '/v1/size',
    summary: 'Position-size suggestion {symbol, side, entry_price?, stop_price?, risk_percent?}',
    role: 'read-only',
    tag: 'riskgate',
    operationId: 'suggestSize',
    success: okSize,
    body: SIZE_BODY,
  },
  {
    method: 'get',
    path: '/v1/state',
    summary:
      'The full risk state: latch, breakers, limits with headroom, exposures, P&L, positions and their protection, market indices (value, time, age, required, stale), health',
    role: 'read-only',
    tag: 'riskgate',
    operationId: 'getRiskState',
    success: okState,
  },
  {
    method: 'get',
    path: '/v1/greeks',
    summary:
      "Portfolio Greeks of the positions held: totals, by underlying, by expiry, each option position with its inputs, and the profile's Greeks limits with their headroom",
    role: 'read-only',
    tag: 'riskgate',
    operationId: 'getGreeks',
    success: okGreeks,
  },
  {
    method: 'post',
    path: '/v1/kill',
    summary:
      'Kill switch {reason, flatten?}: halt, cancel every working order, optionally flatten; returns the time to the broker acknowledgement and where the halt is durable ({journal, store})',
    role: 'trader',
    tag: 'riskgate',
    operationId: 'kill',
    success: okKill,
    body: KILL_BODY,
    bodyOptional: true,
  },
  {
    method: 'post',
    path: '/v1/reset',
    summary:
      'Reset the trading state to active {reason} (risk officers only); returns where the reset is durable ({journal, store})',
    role: 'risk-officer',
    tag: 'riskgate',
    operationId: 'reset',
    success: okReset,
    body: RESET_BODY,
  },
  {
    method: 'get',
    path: '/v1/profile',
    summary: 'The risk profile in force',
    role: 'read-only',
    tag: 'riskgate',
    operationId: 'getProfile',
    success: okProfile,
  },
  {
    method: 'put',
    path: '/v1/profile',
    summary:
      'Change the risk profile {profile, reason}: validated, audited with a diff, applied keeping state',
    role: 'risk-officer',
    tag: 'riskgate',
    operationId: 'changeProfile',
    success: okProfileChange,
    body: PROFILE_BODY,
  },
  {
    method: 'get',
    path: '/v1/audit',
    summary: 'Audit log (kind, code, outcome, client_order_id, from, to, limit, before_seq)',
    role: 'read-only',
    tag: 'riskgate',
    operationId: 'listAudit',
    success: okAudit,
    query: AUDIT_QUERY,
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
    operationId: 'eventStream',
    success: okEvents,
  },
  {
    method: 'post',
    path: '/v1/session',
    summary:
      'Browser login with an API key (JSON body, content-type application/json): sets the riskgate_session cookie (HttpOnly, SameSite=Strict, Path=/, Secure over TLS) and returns {keyId, label, role, csrfToken, expiresAt, absoluteExpiresAt}; 401 and no cookie for an unknown, revoked or wrong key',
    role: 'none',
    tag: 'riskgate',
    body: LOGIN_BODY,
    operationId: 'login',
    success: okSession,
  },
  {
    method: 'get',
    path: '/v1/session',
    summary:
      "Who the session cookie belongs to: the key's label and role, the CSRF token and the expiry; 401 SESSION_INVALID when it ended",
    role: 'session',
    tag: 'riskgate',
    operationId: 'getSession',
    success: okSession,
  },
  {
    method: 'delete',
    path: '/v1/session',
    summary: 'Logout: ends the session (x-csrf-token required) and drops the cookie; 204',
    role: 'session',
    tag: 'riskgate',
    operationId: 'logout',
    success: noContent,
  },
  {
    method: 'post',
    path: '/v1/market/indices',
    summary:
      'Market index readings (the VIX) from a data feed (feed keys only): each newer reading goes to the engine (VIX breaker, VIX regime); one bad reading refuses the batch (422 naming each field); readings not newer than the last are ignored and listed. Returns {accepted, ignored, trips, tradingState}',
    role: 'feed',
    tag: 'riskgate',
    body: INDEX_READINGS_BODY,
    operationId: 'postIndexReadings',
    success: okIndices,
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    role: 'none',
    tag: 'operations',
    operationId: 'healthz',
    success: okHealth,
  },
  {
    method: 'get',
    path: '/readyz',
    summary:
      'Readiness: 200 only after the engine was restored and reconciled with the broker, while the store takes writes; otherwise 503 with the reason',
    role: 'none',
    tag: 'operations',
    operationId: 'readyz',
    success: okReady,
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    role: 'none',
    tag: 'operations',
    operationId: 'metrics',
    success: okMetrics,
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    role: 'none',
    tag: 'operations',
    operationId: 'openApiDocument',
    success: okDocument,
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'How to call the API, a runnable example, and the interactive reference of this document',
    role: 'none',
    tag: 'operations',
    operationId: 'docs',
    success: okHtml,
  },
  {
    method: 'get',
    path: '/docs/reference',
    summary: 'Redirects (301) to /docs/reference/',
    role: 'none',
    tag: 'operations',
    operationId: 'docsReferenceRedirect',
    success: { status: '301', description: 'to /docs/reference/' },
  },
  {
    method: 'get',
    path: '/docs/reference/',
    summary: 'The interactive reference alone',
    role: 'none',
    tag: 'operations',
    operationId: 'docsReference',
    success: okHtml,
  },
  {
    method: 'get',
    path: '/docs/reference/js/scalar.js',
    summary: 'The script of the interactive reference, served by the gateway (no CDN)',
    role: 'none',
    tag: 'operations',
    operationId: 'docsReferenceScript',
    success: okScript,
  },
];
