import { BrokerError, type RateLimitInfo } from '../errors.ts';
import { mapHttpError, parseRateLimit } from './error-mapping.ts';

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  readonly keyId: string;
  readonly secretKey: string;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Called with the rate-limit headers of every answer (for pacing). */
  readonly onRateLimit?: (info: RateLimitInfo) => void;
}

/** One HTTP call. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Base URL (trading or market data). */
  readonly base: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

/** A 2xx answer: status and parsed JSON body (undefined for 204). */
export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * REST over the global `fetch` with the broker's key headers and a timeout on every call. Failures
 * become typed broker errors; the secret is only ever in a request header, never in a message.
 */
export class HttpTransport {
  readonly #options: HttpTransportOptions;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(`${req.base.replace(/\/+$/, '')}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const what = `${req.method} ${url.pathname}`;
    const headers: Record<string, string> = {
      'APCA-API-KEY-ID': this.#options.keyId,
      'APCA-API-SECRET-KEY': this.#options.secretKey,
      accept: 'application/json',
    };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: req.method,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new BrokerError(
        'UNAVAILABLE',
        `${what}: ${describeNetworkError(error, this.#options.timeoutMs)}`,
        {
          cause: error,
        },
      );
    }
    this.#options.onRateLimit?.(parseRateLimit(response.headers));
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (response.status >= 200 && response.status < 300) return { status: response.status, body };
    throw mapHttpError(what, response.status, body, response.headers);
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `connection failed (${code})`;
  return `connection failed (${cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
}
