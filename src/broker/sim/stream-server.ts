import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { FaultInjector } from './faults.ts';
import { rfc3339 } from './sim-clock.ts';
import type { SimTradeEvent } from './venue-state.ts';

/** Options of {@link StreamServer}. */
export interface StreamServerOptions {
  readonly keyId: string;
  readonly secretKey: string;
  readonly faults: FaultInjector;
  /** `binary` (the broker's paper behaviour, default) or `text` frames. */
  readonly frames?: 'binary' | 'text';
}

interface Session {
  authorized: boolean;
  listening: boolean;
}

/**
 * The `/stream` WebSocket: `authenticate` → `authorization`, `listen` → `listening`, then
 * `trade_updates` events. Frames are JSON, sent as binary by default as the broker does.
 */
export class StreamServer {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<WebSocket, Session>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #options: StreamServerOptions;

  constructor(options: StreamServerOptions) {
    this.#options = options;
    options.faults.onChange(() => {
      if (options.faults.streamDisconnected()) this.dropAll();
    });
  }

  /** Number of connections that are authorized and listening to `trade_updates`. */
  get listeners(): number {
    return [...this.#sessions.values()].filter((s) => s.authorized && s.listening).length;
  }

  /** Takes over an HTTP upgrade for `/stream`; refused while a disconnect fault is active. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#options.faults.streamDisconnected()) {
      socket.destroy();
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const session: Session = { authorized: false, listening: false };
    this.#sessions.set(ws, session);
    ws.on('close', () => this.#sessions.delete(ws));
    ws.on('error', () => this.#sessions.delete(ws));
    ws.on('message', (data: RawData) => this.#onMessage(ws, session, data));
  }

  #onMessage(ws: WebSocket, session: Session, data: RawData): void {
    let message: { action?: unknown; data?: Record<string, unknown> };
    try {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      message = JSON.parse(text);
    } catch {
      this.#send(ws, { action: 'error', data: { error_message: 'invalid syntax' } });
      return;
    }
    if (message.action === 'authenticate' || message.action === 'auth') {
      const d = message.data ?? {};
      const key = d.key_id ?? (message as Record<string, unknown>).key;
      const secret = d.secret_key ?? (message as Record<string, unknown>).secret;
      session.authorized = key === this.#options.keyId && secret === this.#options.secretKey;
      this.#send(ws, {
        stream: 'authorization',
        data: { status: session.authorized ? 'authorized' : 'unauthorized', action: 'authenticate' },
      });
      if (!session.authorized) ws.close(1008, 'unauthorized');
      return;
    }
    if (message.action === 'listen') {
      if (!session.authorized) {
        this.#send(ws, { action: 'error', data: { error_message: 'access key verification failed' } });
        return;
      }
      const streams = Array.isArray(message.data?.streams) ? message.data.streams : [];
      session.listening = streams.includes('trade_updates');
      this.#send(ws, { stream: 'listening', data: { streams: session.listening ? ['trade_updates'] : [] } });
      return;
    }
    this.#send(ws, { action: 'error', data: { error_message: 'unrecognized action' } });
  }

  /** Sends an order event to every listening connection, unless a fault drops or delays it. */
  publish(event: SimTradeEvent): void {
    const plan = this.#options.faults.forStreamEvent(event.event);
    if (plan.drop) return;
    const frame = {
      stream: 'trade_updates',
      data: {
        event: event.event,
        ...(event.executionId !== undefined ? { execution_id: event.executionId } : {}),
        order: event.order,
        timestamp: rfc3339(event.timeMs),
        ...(event.price !== undefined ? { price: String(event.price) } : {}),
        ...(event.qty !== undefined ? { qty: String(event.qty) } : {}),
        ...(event.positionQty !== undefined ? { position_qty: String(event.positionQty) } : {}),
      },
    };
    const deliver = () => {
      for (const [ws, session] of this.#sessions) if (session.listening) this.#send(ws, frame);
    };
    if (plan.delayMs <= 0) deliver();
    else {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        deliver();
      }, plan.delayMs);
      this.#timers.add(timer);
    }
  }

  #send(ws: WebSocket, message: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    const text = JSON.stringify(message);
    ws.send(this.#options.frames === 'text' ? text : Buffer.from(text, 'utf8'));
  }

  /** Terminates every connection (a dropped network, as the client sees it). */
  dropAll(): void {
    for (const ws of this.#sessions.keys()) ws.terminate();
    this.#sessions.clear();
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.dropAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
