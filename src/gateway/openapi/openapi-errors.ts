import {
  ALPACA_CODES,
  denialReply,
  invalidReply,
  notFoundReply,
  unauthorizedReply,
} from '../http/alpaca-errors.ts';
import { POSITIVE_DECIMAL_EXPECTED } from '../wire/wire-values.ts';

const ERROR = { $ref: '#/components/schemas/Error' } as const;
const ENVELOPE =
  "The broker's error envelope; denials add riskgate.violations, malformed input riskgate.issues ([{field, problem, expected}]). Bodies are read as JSON whatever the content type says.";

/** One error answer under `components.responses`, with an example made by the code that answers it. */
const answer = (description: string, example: unknown) => ({
  description,
  content: { 'application/json': { schema: ERROR, example } },
});

/** A 422 as the gateway gives it. */
export const INVALID_EXAMPLE = invalidReply([
  { field: 'qty', problem: 'got "0x10"', expected: POSITIVE_DECIMAL_EXPECTED },
]).body;

/** The error answers each status refers to; `Error` is the envelope for any other status. */
export const ERROR_RESPONSES: Readonly<Record<string, unknown>> = {
  Error: answer(ENVELOPE, INVALID_EXAMPLE),
  BadRequest: answer('The body is not JSON, or nested too deep.', {
    ...invalidReply([
      {
        field: '(body)',
        problem: 'not JSON (Unexpected token } in JSON at position 9)',
        expected: 'a JSON body',
      },
    ]).body,
    code: ALPACA_CODES.badRequest,
  }),
  Unauthorized: answer(
    'No key, an unknown or revoked key, a wrong secret, or (with the cookie) a session that ended.',
    unauthorizedReply().body,
  ),
  Forbidden: answer(
    'A risk denial (riskgate.violations, one per rule broken), a role that may not do this, or a missing CSRF token on a write made with the session cookie.',
    denialReply([
      {
        ruleId: 'symbol-exposure',
        code: 'SYMBOL_EXPOSURE_EXCEEDED',
        message: 'SYMBOL_EXPOSURE_EXCEEDED symbol=AAPL exposure=31000.00 limit=30000.00',
        values: { symbol: 'AAPL', exposure: 31000, limit: 30000 },
      },
    ]).body,
  ),
  NotFound: answer('No such order, position, asset or contract.', notFoundReply('order not found').body),
  TooLarge: answer('The body is larger than the gateway takes (--body-limit).', {
    code: 41310000,
    message: 'riskgate: request body larger than 65536 bytes',
  }),
  Invalid: answer('Malformed input: every field with what was wrong and what was expected.', INVALID_EXAMPLE),
};
