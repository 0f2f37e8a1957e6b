/** A refusal by the simulated exchange: the HTTP status and the broker-shaped error body. */
export class SimHttpError extends Error {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;

  constructor(status: number, body: Readonly<Record<string, unknown>>) {
    super(`${status} ${String(body.message ?? '')}`);
    this.name = 'SimHttpError';
    this.status = status;
    this.body = body;
  }
}

/** 422 validation error, code 42210000, with optional extra fields such as `base_price`. */
export function unprocessable(message: string, extra: Record<string, unknown> = {}): SimHttpError {
  return new SimHttpError(422, { code: 42210000, message, ...extra });
}

/** 422 with the request-level code 40010001 (client order id problems). */
export function badRequestField(message: string): SimHttpError {
  return new SimHttpError(422, { code: 40010001, message });
}

/** 403 with code 40310000 and extra fields. */
export function forbidden(message: string, extra: Record<string, unknown> = {}): SimHttpError {
  return new SimHttpError(403, { code: 40310000, message, ...extra });
}

/** 404 with code 40410000. */
export function notFound(message: string): SimHttpError {
  return new SimHttpError(404, { code: 40410000, message });
}
