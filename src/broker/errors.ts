import type { BrokerOrder } from './order-types.ts';

/**
 * The catalogue of broker I/O failures. Every error the broker layer throws is a
 * {@link BrokerError} with a literal `code`; callers branch on the code, never on the message.
 */
export const BROKER_ERROR_CODES = {
  INSUFFICIENT_BUYING_POWER: 'The account lacks the buying power for the order.',
  INSUFFICIENT_QTY: 'Not enough shares are available: some are held for other orders.',
  WASH_TRADE: 'An opposite-side order for the symbol exists; the broker refuses a potential wash trade.',
  VALIDATION: 'The order was refused as malformed: sub-penny price, bracket rules, base price, legs.',
  DUPLICATE_CLIENT_ORDER_ID: 'The client order id was already used on this account.',
  NOT_FOUND: 'The order, position or asset does not exist.',
  RATE_LIMITED: 'The broker refused the request because the request limit was reached.',
  UNAUTHORIZED: 'The credentials were missing or refused.',
  FORBIDDEN: 'The broker refused the request for an account reason (blocked, shorting not allowed).',
  UNAVAILABLE: 'The broker could not be reached or failed (5xx, timeout, reset connection).',
  CIRCUIT_OPEN: 'The circuit breaker is open after repeated failures; new entries are refused.',
  PROTECTION_MISSING: 'The entry was accepted but its protective stop leg is not live.',
  NOT_LEADER:
    'Nothing was sent: this gateway instance does not lead the account (another one does, or its ' +
    'lease may have lapsed).',
  INVALID_RESPONSE: 'The broker answered with a body that does not match the expected schema.',
  LIST_INCOMPLETE:
    'The open orders could not all be read: more of them share one millisecond than two pages hold, ' +
    'or the broker did not advance from one page to the next.',
} as const;

/** A stable code naming one kind of broker failure. */
export type BrokerErrorCode = keyof typeof BROKER_ERROR_CODES;

/** Details carried by every broker error; all optional because local errors have no HTTP side. */
export interface BrokerErrorDetails {
  /** HTTP status of the broker's answer, when there was one. */
  readonly status?: number;
  /** The broker's own numeric error code from the body, e.g. `40310000`. */
  readonly brokerCode?: number;
  /** The parsed error body (never contains credentials). */
  readonly body?: unknown;
  /** True when the failure happened before anything was sent to the broker. */
  readonly local?: boolean;
  readonly cause?: unknown;
}

/** An I/O failure of the broker layer, identified by its literal `code`. */
export class BrokerError<C extends BrokerErrorCode = BrokerErrorCode> extends Error {
  readonly code: C;
  readonly status: number | undefined;
  readonly brokerCode: number | undefined;
  readonly body: unknown;
  readonly local: boolean;

  constructor(code: C, message: string, details: BrokerErrorDetails = {}) {
    super(`${code}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BrokerError';
    this.code = code;
    this.status = details.status;
    this.brokerCode = details.brokerCode;
    this.body = details.body;
    this.local = details.local ?? false;
  }
}

/** Shares were held for other orders (for example bracket legs), so the order cannot be placed. */
export class InsufficientQtyError extends BrokerError<'INSUFFICIENT_QTY'> {
  /** Shares held by open orders. */
  readonly heldForOrders: number | undefined;
  /** Shares available to trade. */
  readonly available: number | undefined;
  /** Shares in the position. */
  readonly existingQty: number | undefined;
  /** Ids of the orders holding the shares. */
  readonly relatedOrders: readonly string[];

  constructor(
    message: string,
    figures: {
      heldForOrders?: number;
      available?: number;
      existingQty?: number;
      relatedOrders?: readonly string[];
    },
    details: BrokerErrorDetails,
  ) {
    super('INSUFFICIENT_QTY', message, details);
    this.name = 'InsufficientQtyError';
    this.heldForOrders = figures.heldForOrders;
    this.available = figures.available;
    this.existingQty = figures.existingQty;
    this.relatedOrders = figures.relatedOrders ?? [];
  }
}

/** The broker saw a potential wash trade against an existing opposite-side order. */
export class WashTradeError extends BrokerError<'WASH_TRADE'> {
  /** Id of the existing opposite-side order. */
  readonly existingOrderId: string | undefined;

  constructor(message: string, existingOrderId: string | undefined, details: BrokerErrorDetails) {
    super('WASH_TRADE', message, details);
    this.name = 'WashTradeError';
    this.existingOrderId = existingOrderId;
  }
}

/** Rate-limit figures parsed from `X-RateLimit-*` headers. */
export interface RateLimitInfo {
  /** Requests allowed per window. */
  readonly limit?: number;
  /** Requests left in the current window. */
  readonly remaining?: number;
  /** When the window resets, in epoch milliseconds. */
  readonly resetAtMs?: number;
}

/** The broker answered 429. */
export class RateLimitedError extends BrokerError<'RATE_LIMITED'> {
  readonly rateLimit: RateLimitInfo;

  constructor(message: string, rateLimit: RateLimitInfo, details: BrokerErrorDetails) {
    super('RATE_LIMITED', message, details);
    this.name = 'RateLimitedError';
    this.rateLimit = rateLimit;
  }
}

/** Why an accepted bracket or OTO is not protected. */
export type ProtectionProblem =
  | 'stop-leg-missing'
  | 'stop-leg-not-live'
  | 'take-profit-leg-missing'
  | 'confirmation-failed';

/**
 * The entry order exists at the broker but its stop-loss leg is not live. The caller must act
 * (flatten, or place a fallback stop): the position may be unprotected.
 */
export class ProtectionMissingError extends BrokerError<'PROTECTION_MISSING'> {
  readonly problem: ProtectionProblem;
  /** Id of the accepted entry order. */
  readonly orderId: string;
  readonly clientOrderId: string;
  /** Status of the stop leg when one was found, e.g. `rejected`. */
  readonly stopLegStatus: string | undefined;
  /** The accepted order with its legs as the broker reported them, when the error was found in them. */
  readonly order: BrokerOrder | undefined;

  constructor(
    message: string,
    facts: {
      problem: ProtectionProblem;
      orderId: string;
      clientOrderId: string;
      stopLegStatus?: string;
      order?: BrokerOrder;
    },
    details: BrokerErrorDetails = {},
  ) {
    super('PROTECTION_MISSING', message, details);
    this.name = 'ProtectionMissingError';
    this.problem = facts.problem;
    this.orderId = facts.orderId;
    this.clientOrderId = facts.clientOrderId;
    this.stopLegStatus = facts.stopLegStatus;
    this.order = facts.order;
  }
}

/** True when the value is a broker error, optionally of one code. */
export function isBrokerError<C extends BrokerErrorCode>(error: unknown, code?: C): error is BrokerError<C> {
  return error instanceof BrokerError && (code === undefined || error.code === code);
}

/**
 * An order POST failed ambiguously (5xx, timeout, reset) and the follow-up lookup by client order
 * id could not settle whether the order exists. Do not resubmit: reconcile by `clientOrderId`.
 */
export class OrderOutcomeUnknownError extends BrokerError<'UNAVAILABLE'> {
  readonly clientOrderId: string;

  constructor(clientOrderId: string, message: string, details: BrokerErrorDetails) {
    super('UNAVAILABLE', message, details);
    this.name = 'OrderOutcomeUnknownError';
    this.clientOrderId = clientOrderId;
  }
}
