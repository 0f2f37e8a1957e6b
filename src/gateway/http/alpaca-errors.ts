import type { Violation } from '../../core/decision.ts';
import type { FieldIssue } from '../wire/wire-object.ts';

/** An error answer in the broker's envelope (`{code, message, …}`) plus riskgate's details. */
export interface ErrorReply {
  readonly status: number;
  readonly body: { readonly code: number; readonly message: string; readonly [key: string]: unknown };
}

/** The broker's error codes that clients already branch on. */
export const ALPACA_CODES = {
  badRequest: 40010000,
  forbidden: 40310000,
  unprocessable: 42210000,
  unauthorized: 40110000,
  notFound: 40410000,
  unavailable: 50310000,
} as const;

function formatValues(values: Violation['values']): string {
  return values === undefined
    ? ''
    : Object.entries(values)
        .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : v}`)
        .join(' ');
}

/** One violation as a line: `CODE k=v …` (the message already carries the numbers). */
export function violationLine(v: Violation): string {
  const detail = v.message !== '' ? v.message : formatValues(v.values);
  return detail.startsWith(v.code) ? detail : `${v.code} ${detail}`.trim();
}

/** 403 for a risk denial: the broker's envelope, every violation in `riskgate.violations`. */
export function denialReply(
  violations: readonly Violation[],
  extra: Record<string, unknown> = {},
): ErrorReply {
  return {
    status: 403,
    body: {
      code: ALPACA_CODES.forbidden,
      message: `riskgate: ${violations.map(violationLine).join('; ')}`,
      riskgate: {
        violations: violations.map((v) => ({
          code: v.code,
          rule: v.ruleId,
          message: v.message,
          values: v.values ?? {},
        })),
        ...extra,
      },
    },
  };
}

function issueLine(i: FieldIssue): string {
  return i.problem === undefined
    ? `${i.field} (${i.expected})`
    : `${i.field}: ${i.problem} (expected ${i.expected})`;
}

/** 422 for malformed input: every field with what was wrong and what was expected. */
export function invalidReply(issues: readonly FieldIssue[]): ErrorReply {
  return {
    status: 422,
    body: {
      code: ALPACA_CODES.unprocessable,
      message: `riskgate: invalid ${issues.map(issueLine).join('; ')}`,
      riskgate: { issues },
    },
  };
}

/** 403 for a role that may not do this. */
export function forbiddenReply(message: string): ErrorReply {
  return { status: 403, body: { code: ALPACA_CODES.forbidden, message: `riskgate: FORBIDDEN ${message}` } };
}

/** 401 for missing or unknown credentials (the broker's own wording). */
export function unauthorizedReply(): ErrorReply {
  return { status: 401, body: { code: ALPACA_CODES.unauthorized, message: 'request is not authorized' } };
}

/** 404 in the broker's envelope. */
export function notFoundReply(message: string): ErrorReply {
  return { status: 404, body: { code: ALPACA_CODES.notFound, message } };
}

/** 503: the gateway cannot serve this right now (not ready, broker or store down). */
export function unavailableReply(code: string, message: string): ErrorReply {
  return {
    status: 503,
    body: { code: ALPACA_CODES.unavailable, message: `riskgate: ${code} ${message}`, riskgate: { code } },
  };
}
