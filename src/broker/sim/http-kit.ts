import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP answer of the simulated exchange. */
export interface Reply {
  readonly status: number;
  /** JSON body; omitted for 204. */
  readonly body?: unknown;
}

/** What a route handler receives. */
export interface RouteContext {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export type Handler = (ctx: RouteContext) => Reply | Promise<Reply>;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
}

/** A tiny exact-segment router: `/v2/orders/:id` style patterns, no wildcards. */
export class Router {
  readonly #routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, parts: pattern.split('/'), handler });
    return this;
  }

  /** The handler and path parameters for a request, or undefined (404). */
  find(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    for (const route of this.#routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const want = route.parts[i]!;
        const got = parts[i]!;
        if (want.startsWith(':')) params[want.slice(1)] = decodeURIComponent(got);
        else ok = want === got;
      }
      if (ok) return { handler: route.handler, params };
    }
    return undefined;
  }
}

/** Reads a JSON request body; an empty body is undefined, malformed JSON a 400 reply. */
export async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Writes a reply with JSON and extra headers, unless the socket is already gone. */
export function send(
  res: ServerResponse,
  reply: Reply,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...headers,
    ...(reply.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
