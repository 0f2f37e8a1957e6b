import { z } from 'zod';
import type { Side } from '../../core/side.ts';
import { optionalField, readWireObject, requiredField, type WireRead } from './wire-object.ts';
import {
  boolean,
  describeValue,
  type JsonSchema,
  oneOf,
  percentage,
  positiveDecimal,
  reasonText,
  symbol,
  type WireValue,
} from './wire-values.ts';

const readSide = oneOf(['buy', 'sell', 'long', 'short'] as const);

function sideOf(side: 'buy' | 'sell' | 'long' | 'short'): Side {
  return side === 'buy' || side === 'long' ? 'buy' : 'sell';
}

/** The fields of a `POST /v1/size` ; the OpenAPI document lists the same. */
export const SIZE_FIELDS = ['symbol', 'side', 'entry_price', 'stop_price', 'risk_percent'] as const;
/** The `POST /v1/size` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const sizeBody = z
  .strictObject({
    symbol: requiredField(symbol, 'a ticker such as AAPL'),
    side: requiredField(readSide, 'one of buy, sell, long, short', {
      description: 'long reads as buy, short as sell',
    }),
    entry_price: optionalField(positiveDecimal, { description: 'dollars; the last price when absent' }),
    stop_price: optionalField(positiveDecimal, {
      description: "dollars; the profile's protective stop when absent",
    }),
    risk_percent: optionalField(percentage, { description: 'percent of equity at risk (1 = 1 %)' }),
  })
  .meta({ example: { symbol: 'AAPL', side: 'buy', stop_price: '95' } });

/** A `POST /v1/size` body in domain units. */
export interface SizeRequest {
  readonly symbol: string;
  readonly side: Side;
  /** Dollars. */
  readonly entryPrice?: number;
  /** Dollars. */
  readonly stopPrice?: number;
  /** Percent of equity at risk (1 = 1 %). */
  readonly riskPercent?: number;
}

/** Reads a `POST /v1/size` body strictly. */
export function parseSizeRequest(body: unknown): WireRead<SizeRequest> {
  const read = readWireObject(sizeBody, body, SIZE_FIELDS);
  if (!read.ok) return read;
  const b = read.value;
  return {
    ok: true,
    value: {
      symbol: b.symbol,
      side: sideOf(b.side),
      ...(b.entry_price !== undefined ? { entryPrice: b.entry_price } : {}),
      ...(b.stop_price !== undefined ? { stopPrice: b.stop_price } : {}),
      ...(b.risk_percent !== undefined ? { riskPercent: b.risk_percent } : {}),
    },
  };
}

/** The fields of a `POST /v1/kill` ; the OpenAPI document lists the same. */
export const KILL_FIELDS = ['reason', 'flatten'] as const;
/** The `POST /v1/kill` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const killBody = z
  .strictObject({
    reason: optionalField(reasonText),
    flatten: optionalField(boolean, { description: 'also close every position' }),
  })
  .nullish()
  .meta({
    description: 'Every field is optional, and so is the body.',
    example: { reason: 'strategy misbehaving', flatten: false },
  });

/** A `POST /v1/kill` body; every field optional, and so is the body. */
export interface KillRequest {
  readonly reason?: string;
  readonly flatten: boolean;
}

/** Reads a `POST /v1/kill` body strictly (no body at all is a plain kill). */
export function parseKillRequest(body: unknown): WireRead<KillRequest> {
  const read = readWireObject(killBody, body, KILL_FIELDS);
  if (!read.ok) return read;
  const reason = read.value?.reason;
  return {
    ok: true,
    value: { ...(reason !== undefined ? { reason } : {}), flatten: read.value?.flatten === true },
  };
}

/** The fields of a `POST /v1/reset` ; the OpenAPI document lists the same. */
export const RESET_FIELDS = ['reason'] as const;
/** The `POST /v1/reset` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const resetBody = z
  .strictObject({ reason: requiredField(reasonText, 'why trading may resume (required)') })
  .meta({ example: { reason: 'reviewed the losses; resuming' } });

/** Reads a `POST /v1/reset` body strictly: a reason is required. */
export function parseResetRequest(body: unknown): WireRead<{ readonly reason: string }> {
  return readWireObject(resetBody, body, RESET_FIELDS);
}

/** The fields of a `PUT /v1/profile` ; the OpenAPI document lists the same. */
export const PROFILE_FIELDS = ['profile', 'reason'] as const;
/** The profile as sent: its own schema validates it afterwards (and documents it). */
function anyValue(value: unknown): WireValue<unknown> {
  return { ok: true, value };
}
anyValue.accepts = { $ref: '#/components/schemas/RiskProfile' } as JsonSchema;

/** The `PUT /v1/profile` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const profileBody = z.strictObject({
  profile: requiredField(anyValue, 'the new risk profile (an object)'),
  reason: requiredField(reasonText, 'why the limits change (required)'),
});

/** Reads a `PUT /v1/profile` body strictly; the profile itself is validated by its schema. */
export function parseProfileRequest(
  body: unknown,
): WireRead<{ readonly profile: unknown; readonly reason: string }> {
  return readWireObject(profileBody, body, PROFILE_FIELDS);
}

const profileCheckBody = z.strictObject({
  profile: requiredField(anyValue, 'the new risk profile (an object)'),
  reason: optionalField(reasonText),
});

/** Reads a `PUT /v1/profile?dryRun=true` body: the same fields, but nothing changes, so the reason may be left out. */
export function parseProfileCheckRequest(body: unknown): WireRead<{ readonly profile: unknown }> {
  return readWireObject(profileCheckBody, body, PROFILE_FIELDS);
}

/** Reads the `dryRun` query parameter of `PUT /v1/profile`: absent, `true` or `false`. */
export function parseDryRun(query: unknown): WireRead<boolean> {
  const raw = (query as Record<string, unknown> | undefined)?.dryRun;
  if (raw === undefined || raw === 'false') return { ok: true, value: false };
  if (raw === 'true') return { ok: true, value: true };
  return {
    ok: false,
    issues: [{ field: 'dryRun', problem: `got ${describeValue(raw)}`, expected: 'true or false' }],
  };
}

/**
 * A DELETE takes its parameters in the path and query: no body, an empty one, `null` or `{}`
 * is fine (clients differ); anything else is refused rather than ignored.
 */
export function parseNoBody(body: unknown): WireRead<undefined> {
  const empty =
    body === undefined ||
    body === null ||
    (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
  return empty
    ? { ok: true, value: undefined }
    : {
        ok: false,
        issues: [
          {
            field: '(body)',
            problem: `got ${describeValue(body)}`,
            expected: 'no body: a DELETE takes its parameters in the path and query',
          },
        ],
      };
}

/** `DELETE /v2/positions/{symbol}`: the symbol and at most one of `qty` and `percentage`. */
export interface ClosePositionRequest {
  readonly symbol: string;
  /** Shares to close; absent with `percentage` absent closes everything. */
  readonly qty?: number;
  /** Percent of the position to close, above 0 and at most 100. */
  readonly percentage?: number;
}

function queryValue(value: unknown): WireValue<string | undefined> {
  if (value === undefined) return { ok: true, value: undefined };
  return typeof value === 'string'
    ? { ok: true, value }
    : { ok: false, problem: 'given more than once', expected: 'one value' };
}

/** Reads the path symbol and the `qty`/`percentage` query of a position close strictly. */
export function parseClosePosition(
  pathSymbol: string,
  query: Readonly<Record<string, unknown>>,
): WireRead<ClosePositionRequest> {
  const issues: { field: string; problem?: string; expected: string }[] = [];
  const take = <T>(field: string, r: WireValue<T>): T | undefined => {
    if (r.ok) return r.value;
    issues.push({ field, problem: r.problem, expected: r.expected });
    return undefined;
  };
  const sym = take('symbol', symbol(pathSymbol));
  const qtyText = take('qty', queryValue(query.qty));
  const pctText = take('percentage', queryValue(query.percentage));
  const qty = qtyText === undefined ? undefined : take('qty', positiveDecimal(qtyText));
  const pct = pctText === undefined ? undefined : take('percentage', percentage(pctText));
  if (qtyText !== undefined && pctText !== undefined) {
    issues.push({
      field: 'qty',
      problem: 'both qty and percentage given',
      expected: 'either qty or percentage, not both',
    });
  }
  if (issues.length > 0 || sym === undefined) return { ok: false, issues };
  return {
    ok: true,
    value: {
      symbol: sym,
      ...(qty !== undefined ? { qty } : {}),
      ...(pct !== undefined ? { percentage: pct } : {}),
    },
  };
}
