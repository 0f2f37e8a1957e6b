import type { RouteHandlerMethod } from 'fastify';
import type { GatewayEvent } from '../alerts/event-hub.ts';
import type { GatewayContext } from '../context.ts';
import { invalidReply } from './alpaca-errors.ts';

/** How long a client waits before reconnecting, sent as the stream's `retry:` field, in milliseconds. */
export const SSE_RETRY_MS = 2_000;
/** Replayed events written per turn of the event loop. */
const REPLAY_SLICE = 256;
/** How often a comment keeps idle connections (and proxies) open, in milliseconds. */
const PING_MS = 15_000;

/**
 * An event as the stream writes it. Framed per client, not cached with the event: a cached
 * frame would triple the buffer's memory (see `npm run bench:event-buffer`).
 */
function frame(event: GatewayEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ at: event.at, data: event.data })}\n\n`;
}

/** The id a reconnecting client saw last: `Last-Event-ID`, else the `lastEventId` query parameter. */
function lastEventId(
  headers: Record<string, string | string[] | undefined>,
  query: unknown,
): { field: string; value: string } | undefined {
  const header = headers['last-event-id'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader.trim() !== '')
    return { field: 'Last-Event-ID', value: fromHeader };
  const q = (query as Record<string, unknown> | undefined)?.lastEventId;
  const fromQuery = Array.isArray(q) ? q[0] : q;
  if (typeof fromQuery === 'string' && fromQuery !== '') return { field: 'lastEventId', value: fromQuery };
  return undefined;
}

/**
 * `GET /v1/events`: Server-Sent Events, each with its `id:`. A client that reconnects with
 * `Last-Event-ID` (or `?lastEventId=`) first gets every event it missed, then the live ones, with
 * no gap and no duplicate; when some of those are no longer kept it gets a `reset` event first
 * and must refetch `/v1/state`. A stream opened by a browser session ends when the session does.
 */
export function eventStream(ctx: GatewayContext): RouteHandlerMethod {
  return (request, reply) => {
    const resume = lastEventId(request.headers, request.query);
    let after: number | undefined;
    if (resume !== undefined) {
      after = /^\d{1,16}$/.test(resume.value.trim()) ? Number(resume.value.trim()) : Number.NaN;
      if (!Number.isSafeInteger(after)) {
        const r = invalidReply([
          {
            field: resume.field,
            problem: `got ${JSON.stringify(resume.value.slice(0, 40))}`,
            expected: 'the id of an event from this stream (a non-negative integer)',
          },
        ]);
        reply.code(r.status).send(r.body);
        return;
      }
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${SSE_RETRY_MS}\n: riskgate events\n\n`);
    // The replay is taken and the subscription made in one synchronous step, so no event falls
    // between them and none comes twice. Live events wait in `queued` while the replay is
    // written in slices, so a long replay neither blocks the order path nor floods the socket.
    let replayed: readonly GatewayEvent[] = [];
    if (after !== undefined) {
      const replay = ctx.hub.since(after);
      if (replay.kind === 'events') replayed = replay.events;
      else {
        const data = {
          reason: 'events after the given id are no longer kept; refetch /v1/state',
          lastEventId: after,
          oldestId: replay.oldestId ?? null,
        };
        // Carries the newest id, so the next reconnect resumes from here rather than resetting again.
        res.write(
          `id: ${replay.lastId}\nevent: reset\ndata: ${JSON.stringify({ at: Date.now(), data })}\n\n`,
        );
      }
    }
    let queued: GatewayEvent[] | undefined = replayed.length > 0 ? [] : undefined;
    const unsubscribe = ctx.hub.subscribe((event) => {
      if (queued !== undefined) queued.push(event);
      else res.write(frame(event));
    });
    let next = 0;
    let closed = false;
    const pump = (): void => {
      if (closed) return;
      const end = Math.min(replayed.length, next + REPLAY_SLICE);
      let room = true;
      while (next < end) room = res.write(frame(replayed[next++]!));
      if (next < replayed.length) {
        if (room) setImmediate(pump);
        else res.once('drain', pump);
        return;
      }
      for (const event of queued ?? []) res.write(frame(event));
      queued = undefined;
    };
    if (queued !== undefined) pump();
    const session = request.session;
    const ping = setInterval(() => {
      if (session !== undefined) {
        if (!ctx.sessions.isLive(session)) {
          res.end();
          return;
        }
        // A stream makes no requests, so its key's revocation is looked for here.
        ctx.sessions.keyStillValid(session).then(
          (valid) => {
            if (!valid) res.end();
          },
          () => {},
        );
      }
      res.write(': ping\n\n');
    }, PING_MS);
    request.raw.on('close', () => {
      closed = true;
      clearInterval(ping);
      unsubscribe();
    });
  };
}
