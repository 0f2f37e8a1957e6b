import { ALPACA_CODES, type ErrorReply } from './alpaca-errors.ts';

/** 401 for a session cookie that names no live session (logged out, expired, key revoked). */
export function sessionInvalidReply(): ErrorReply {
  return {
    status: 401,
    body: {
      code: ALPACA_CODES.unauthorized,
      message: 'riskgate: SESSION_INVALID the session ended or expired; log in again (POST /v1/session)',
      riskgate: { code: 'SESSION_INVALID' },
    },
  };
}

/** 403 for a state-changing request on a session cookie without that session's CSRF token. */
export function csrfReply(missing: boolean): ErrorReply {
  const code = missing ? 'CSRF_TOKEN_MISSING' : 'CSRF_TOKEN_INVALID';
  return {
    status: 403,
    body: {
      code: ALPACA_CODES.forbidden,
      message: `riskgate: ${code} a ${missing ? 'request' : 'request whose x-csrf-token is not the session’s token'} authenticated by the session cookie must send the session's CSRF token (from POST or GET /v1/session) in the x-csrf-token header`,
      riskgate: { code },
    },
  };
}
