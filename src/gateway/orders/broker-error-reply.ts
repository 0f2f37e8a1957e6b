import { isBrokerError } from '../../broker/errors.ts';
import { ALPACA_CODES, type ErrorReply } from '../http/alpaca-errors.ts';

/**
 * Passes a broker refusal back in the broker's own envelope and status, so a client sees what
 * it would have seen without riskgate in front. Local refusals (never sent) are 422.
 */
export function brokerErrorReply(error: unknown): ErrorReply {
  if (!isBrokerError(error)) {
    return {
      status: 500,
      body: { code: 50010000, message: `riskgate: INTERNAL ${(error as Error)?.message ?? String(error)}` },
    };
  }
  const body = error.body;
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const b = body as { code?: unknown; message?: unknown };
    return {
      status: error.status ?? 422,
      body: {
        ...(body as Record<string, unknown>),
        code: typeof b.code === 'number' ? b.code : ALPACA_CODES.unprocessable,
        message: String(b.message),
        riskgate: { brokerError: error.code },
      },
    };
  }
  const status =
    error.code === 'NOT_FOUND'
      ? 404
      : error.code === 'VALIDATION'
        ? 422
        : error.code === 'RATE_LIMITED'
          ? 429
          : error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN'
            ? 403
            : (error.status ?? 503);
  const code =
    status === 404
      ? ALPACA_CODES.notFound
      : status === 422
        ? ALPACA_CODES.unprocessable
        : status === 403
          ? ALPACA_CODES.forbidden
          : ALPACA_CODES.unavailable;
  // The broker's message never carries credentials (the adapter strips them), so it is safe to pass on.
  return { status, body: { code, message: error.message, riskgate: { brokerError: error.code } } };
}
