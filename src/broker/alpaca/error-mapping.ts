import {
  BrokerError,
  InsufficientQtyError,
  RateLimitedError,
  type RateLimitInfo,
  WashTradeError,
} from '../errors.ts';
import { wireErrorSchema } from '../wire/account-wire.ts';
import { optionalDecimal } from '../wire/decimal.ts';

/** Reads an answer's header by name, case-insensitively (a fetch `Headers` is one). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** Parses the `X-RateLimit-*` headers; `X-RateLimit-Reset` is unix seconds. */
export function parseRateLimit(headers: HeaderReader): RateLimitInfo {
  const num = (name: string) => {
    const raw = headers.get(name);
    const n = raw === null ? Number.NaN : Number(raw);
    return Number.isFinite(n) ? n : undefined;
  };
  const limit = num('x-ratelimit-limit');
  const remaining = num('x-ratelimit-remaining');
  const reset = num('x-ratelimit-reset');
  return {
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(reset !== undefined ? { resetAtMs: reset * 1000 } : {}),
  };
}

const DUPLICATE_ID = /client[ _]?order[ _]?id must be unique/i;

/**
 * Maps a non-2xx answer to a typed broker error. Matching is on status and the body's `code`
 * first, then on the message for the 403 family that shares code 40310000.
 */
export function mapHttpError(
  what: string,
  status: number,
  rawBody: unknown,
  headers: HeaderReader,
): BrokerError {
  const parsed = wireErrorSchema.safeParse(rawBody);
  const body = parsed.success ? parsed.data : {};
  const brokerCode = body.code;
  const text = body.message ?? (typeof rawBody === 'string' ? rawBody : '');
  const message = `${what} → ${status}${text === '' ? '' : `: ${text}`}`;
  // The broker's answer is the cause of an HTTP error; its body never carries credentials.
  const cause = new Error(
    `HTTP ${status} ${typeof rawBody === 'string' ? rawBody : JSON.stringify(rawBody ?? null)}`,
  );
  const details = { status, body: rawBody, cause, ...(brokerCode !== undefined ? { brokerCode } : {}) };
  if (status === 401) return new BrokerError('UNAUTHORIZED', message, details);
  if (status === 403) {
    if (/insufficient buying power/i.test(text))
      return new BrokerError('INSUFFICIENT_BUYING_POWER', message, details);
    if (/insufficient qty/i.test(text) || body.held_for_orders !== undefined) {
      const figures = {
        ...(body.held_for_orders !== undefined
          ? { heldForOrders: optionalDecimal(body.held_for_orders)! }
          : {}),
        ...(body.available !== undefined ? { available: optionalDecimal(body.available)! } : {}),
        ...(body.existing_qty !== undefined ? { existingQty: optionalDecimal(body.existing_qty)! } : {}),
        ...(body.related_orders !== undefined ? { relatedOrders: body.related_orders } : {}),
      };
      return new InsufficientQtyError(message, figures, details);
    }
    if (/wash trade/i.test(text) || body.existing_order_id !== undefined) {
      return new WashTradeError(message, body.existing_order_id, details);
    }
    // Refused credentials come back as 403 without an Alpaca code.
    if (brokerCode === undefined || /forbidden|not authori[sz]ed|unauthori[sz]ed/i.test(text)) {
      return new BrokerError('UNAUTHORIZED', message, details);
    }
    return new BrokerError('FORBIDDEN', message, details);
  }
  if (status === 404) return new BrokerError('NOT_FOUND', message, details);
  if (status === 429) return new RateLimitedError(message, parseRateLimit(headers), details);
  if (status >= 500) return new BrokerError('UNAVAILABLE', message, details);
  if (DUPLICATE_ID.test(text)) return new BrokerError('DUPLICATE_CLIENT_ORDER_ID', message, details);
  return new BrokerError('VALIDATION', message, details);
}
