import { percentage, positiveDecimal, type WireReader } from '../wire/wire-values.ts';
import type { Schema } from './openapi-bodies.ts';
import type { Success } from './openapi-responses.ts';

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

export function q(name: string, schema: Schema, description: string, required = false): QueryParameter {
  return { name, schema, description, required };
}
export const STR = { type: 'string' } as const;
const POSITIVE_INT = { type: 'integer', minimum: 1 } as const;
const DATE = { type: 'string', format: 'date' } as const;
const DECIMAL = { type: 'string', pattern: '^\\d+(\\.\\d+)?$' } as const;
export const NESTED = q('nested', { type: 'boolean' }, 'true: bracket and OTO orders carry their legs');

export const LIST_ORDERS_QUERY = [
  q('status', { enum: ['open', 'closed', 'all'] }, 'default open'),
  q('limit', { ...POSITIVE_INT, maximum: 500 }, 'at most this many (capped at 500)'),
  q('after', { type: 'string', format: 'date-time' }, 'only orders submitted after this time'),
  q('until', { type: 'string', format: 'date-time' }, 'only orders submitted until this time'),
  q('direction', { enum: ['asc', 'desc'] }, 'order by submission time'),
  NESTED,
  q('symbols', STR, 'comma-separated symbols'),
  q('side', { enum: ['buy', 'sell'] }, 'only this side'),
];
/** A query value is text: the string forms the wire reader accepts. */
const textForm = (read: WireReader<unknown>): Schema =>
  (read.accepts.oneOf as Schema[]).find((s) => s.type === 'string') ?? STR;
export const CLOSE_POSITION_QUERY = [
  q('qty', textForm(positiveDecimal), 'shares to close; not with percentage'),
  q(
    'percentage',
    textForm(percentage),
    'percent of the position to close, above 0 and at most 100; not with qty',
  ),
];
export const ASSETS_QUERY = [
  q('status', { enum: ['active', 'inactive'] }, 'only assets in this status'),
  q('asset_class', STR, 'e.g. us_equity'),
];
export const CONTRACTS_QUERY = [
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
export const AUDIT_QUERY = [
  q('kind', STR, 'only events of this kind (422 names the kinds when unknown)'),
  q('code', STR, 'only events with this violation code'),
  q('outcome', { enum: ['accept', 'accept-modified', 'deny'] }, 'only decisions with this outcome'),
  q('client_order_id', STR, 'only events of this order'),
  q('from', TIME, 'epoch ms or an RFC 3339 time'),
  q('to', TIME, 'epoch ms or an RFC 3339 time'),
  q('limit', POSITIVE_INT, 'default 100'),
  q('before_seq', POSITIVE_INT, 'the nextBeforeSeq of the previous page'),
];
export const EQUITY_QUERY = [
  q('from', TIME, 'marks at or after this time: epoch ms or an RFC 3339 time'),
  q('to', TIME, 'marks before this time: epoch ms or an RFC 3339 time'),
  q('limit', { ...POSITIVE_INT, maximum: 10000 }, 'the newest this many marks in the range (default 1000)'),
];
