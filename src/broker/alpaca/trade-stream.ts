import WebSocket, { type RawData } from 'ws';
import type { StreamState, StreamStateEvent, TradeUpdate, Unsubscribe } from '../trade-update.ts';
import { checkWireTradeUpdate } from '../wire/order-wire-check.ts';
import { fromWireTradeUpdate } from './from-wire.ts';

/** Options of {@link TradeStream}. */
export interface TradeStreamOptions {
  /** `wss://…/stream` of the trading API. */
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** First reconnect delay in ms. Default 500. */
  readonly initialBackoffMs?: number;
  /** Longest reconnect delay in ms. Default 30 000. */
  readonly maxBackoffMs?: number;
  /** Ping interval in ms to detect a dead connection; 0 disables. Default 15 000. */
  readonly pingIntervalMs?: number;
  /** Random source for jitter, in [0, 1). */
  readonly random?: () => number;
}

/**
 * The `trade_updates` stream: authenticate, listen, decode text or binary JSON frames, and
 * reconnect with exponential backoff and jitter until closed (not after refused credentials).
 */
export class TradeStream {
  readonly #options: TradeStreamOptions;
  readonly #handlers = new Set<(update: TradeUpdate) => void>();
  readonly #stateListeners = new Set<(event: StreamStateEvent) => void>();
  #socket: WebSocket | undefined;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #alive = true;
  #wanted = false;
  #state: StreamState = 'closed';

  constructor(options: TradeStreamOptions) {
    this.#options = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  /** Adds a handler; the first one opens the connection, removing the last one closes it. */
  subscribe(handler: (update: TradeUpdate) => void): Unsubscribe {
    this.#handlers.add(handler);
    if (!this.#wanted) {
      this.#wanted = true;
      this.#connect();
    }
    return () => {
      this.#handlers.delete(handler);
      if (this.#handlers.size === 0) this.close();
    };
  }

  onState(listener: (event: StreamStateEvent) => void): Unsubscribe {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Closes the connection and stops reconnecting. */
  close(): void {
    this.#wanted = false;
    if (this.#reconnectTimer !== undefined) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#stopPing();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
    }
    this.#setState({ state: 'closed' });
  }

  #connect(): void {
    this.#setState({ state: 'connecting' });
    const socket = new WebSocket(this.#options.url, { handshakeTimeout: 10_000 });
    this.#socket = socket;
    socket.on('open', () => {
      this.#setState({ state: 'authenticating' });
      socket.send(
        JSON.stringify({
          action: 'authenticate',
          data: { key_id: this.#options.keyId, secret_key: this.#options.secretKey },
        }),
      );
      this.#startPing(socket);
    });
    socket.on('message', (data: RawData, isBinary: boolean) => this.#onFrame(socket, data, isBinary));
    socket.on('pong', () => {
      this.#alive = true;
    });
    socket.on('error', () => {
      // 'close' follows every 'error'; the reconnect is decided there.
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#stopPing();
      if (!this.#wanted || this.#state === 'unauthorized') return;
      this.#setState({ state: 'disconnected' });
      this.#scheduleReconnect();
    });
  }

  #onFrame(socket: WebSocket, data: RawData, _isBinary: boolean): void {
    // Paper trading sends JSON in binary frames; text frames carry the same JSON.
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as Buffer).toString('utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const { stream, action, data: payload } = raw as { stream?: unknown; action?: unknown; data?: unknown };
    if (
      (stream !== undefined && typeof stream !== 'string') ||
      (action !== undefined && typeof action !== 'string')
    ) {
      return;
    }
    if (stream === 'authorization') {
      const status = (payload as { status?: unknown } | undefined)?.status;
      if (status === 'authorized') {
        socket.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
      } else {
        this.#setState({ state: 'unauthorized', error: new Error('the stream refused the credentials') });
        socket.close();
      }
      return;
    }
    if (stream === 'listening') {
      this.#attempt = 0;
      this.#setState({ state: 'listening' });
      return;
    }
    if (stream === 'trade_updates') {
      let update: ReturnType<typeof checkWireTradeUpdate>;
      try {
        update = checkWireTradeUpdate(payload);
      } catch {
        return;
      }
      const domain = fromWireTradeUpdate(update);
      for (const handler of this.#handlers) {
        try {
          handler(domain);
        } catch {
          // A failing handler must not stop the others or the stream.
        }
      }
    }
  }

  #scheduleReconnect(): void {
    this.#attempt++;
    const initial = this.#options.initialBackoffMs ?? 500;
    const max = this.#options.maxBackoffMs ?? 30_000;
    const random = this.#options.random ?? Math.random;
    const base = Math.min(max, initial * 2 ** (this.#attempt - 1));
    const delayMs = Math.round(base * (0.5 + random() / 2));
    this.#setState({ state: 'reconnecting', attempt: this.#attempt, delayMs });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#wanted) this.#connect();
    }, delayMs);
  }

  #startPing(socket: WebSocket): void {
    const interval = this.#options.pingIntervalMs ?? 15_000;
    if (interval <= 0) return;
    this.#alive = true;
    this.#pingTimer = setInterval(() => {
      if (!this.#alive) {
        socket.terminate(); // no pong since the last ping: the connection is dead
        return;
      }
      this.#alive = false;
      socket.ping();
    }, interval);
  }

  #stopPing(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #setState(event: StreamStateEvent): void {
    this.#state = event.state;
    for (const listener of this.#stateListeners) listener(event);
  }
}
