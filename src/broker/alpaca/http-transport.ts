import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BrokerError, type RateLimitInfo } from '../errors.ts';
import { type HeaderReader, mapHttpError, parseRateLimit } from './error-mapping.ts';

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
 * REST over Node's HTTP client with kept-alive connections, the broker's key headers and a timeout
 * on every call (from the request until its whole answer is read). Failures become typed broker
 * errors; the secret is only ever in a request header, never in a message. Redirects are refused,
 * never followed (they would carry the key headers elsewhere). `close()` drops the idle
 * connections and refuses later requests.
 */
export class HttpTransport {
  readonly #options: HttpTransportOptions;
  readonly #httpAgent = new HttpAgent({ keepAlive: true });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: true });
  #closed = false;

  constructor(options: HttpTransportOptions) {
    this.#options = options;
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(`${req.base.replace(/\/+$/, '')}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const what = `${req.method} ${url.pathname}`;
    if (this.#closed) {
      return Promise.reject(
        new BrokerError('UNAVAILABLE', `${what}: the broker client is closed`, { local: true }),
      );
    }
    const headers: Record<string, string> = {
      'APCA-API-KEY-ID': this.#options.keyId,
      'APCA-API-SECRET-KEY': this.#options.secretKey,
      accept: 'application/json',
    };
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const timeoutMs = this.#options.timeoutMs;
    const secure = url.protocol === 'https:';
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (detail: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(new BrokerError('UNAVAILABLE', `${what}: ${detail}`, cause === undefined ? {} : { cause }));
      };
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        { method: req.method, headers, agent: secure ? this.#httpsAgent : this.#httpAgent },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            response.resume();
            fail(`connection failed (redirect ${status} refused)`);
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(describeNetworkError(error), error));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            const text =
              chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
            try {
              resolve(this.#answer(what, status, text, nodeHeaders(response.headers)));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      request.on('error', (error) => fail(describeNetworkError(error), error));
      request.end(payload);
    });
  }

  /** Drops the kept-alive connections; requests after this are refused. */
  close(): void {
    this.#closed = true;
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }

  #answer(what: string, status: number, text: string, headers: HeaderReader): HttpResponse {
    this.#options.onRateLimit?.(parseRateLimit(headers));
    let body: unknown;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (status >= 200 && status < 300) return { status, body };
    throw mapHttpError(what, status, body, headers);
  }
}

/** Header lookup by name over Node's parsed headers (names lower-cased, repeats joined). */
function nodeHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

function describeNetworkError(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return `connection failed (${code})`;
  return `connection failed (${error.message})`;
}
