import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { type ApiKeyAuth, allows } from '../auth/api-key-auth.ts';
import type { TradeUpdateHandler } from '../orders/trade-update-handler.ts';

function parse(data: RawData): Record<string, unknown> | undefined {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `trade_updates` stream at `/stream`, with the broker's handshake (`authenticate` with a
 * riskgate key, then `listen`); messages go out as binary frames, as the broker's paper stream
 * sends them.
 */
export class TradeStreamServer {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #auth: ApiKeyAuth;
  readonly #unrelay: () => void;

  constructor(auth: ApiKeyAuth, trades: TradeUpdateHandler) {
    this.#auth = auth;
    this.#unrelay = trades.relay((data) => this.#broadcast({ stream: 'trade_updates', data }));
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  /** Hands an HTTP upgrade for `/stream` to the WebSocket server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#wss.emit('connection', ws, request));
  }

  #onConnection(socket: WebSocket): void {
    const state = socket as WebSocket & { authorized?: boolean; listening?: boolean };
    const send = (message: unknown) => socket.send(Buffer.from(JSON.stringify(message)), { binary: true });
    socket.on('message', async (data) => {
      const message = parse(data);
      const d = (message?.data ?? {}) as Record<string, unknown>;
      if (message?.action === 'authenticate' || message?.action === 'auth') {
        const principal = await this.#auth.verify(
          typeof d.key_id === 'string' ? d.key_id : undefined,
          typeof d.secret_key === 'string' ? d.secret_key : undefined,
        );
        // Trade updates are account data: a key that may not read (a data feed's) is refused too.
        state.authorized = principal !== null && allows(principal.role, 'read');
        send({
          stream: 'authorization',
          data: { status: state.authorized ? 'authorized' : 'unauthorized', action: 'authenticate' },
        });
        if (!state.authorized) socket.close();
        return;
      }
      if (message?.action === 'listen') {
        if (state.authorized !== true) {
          send({ stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } });
          return;
        }
        const streams = Array.isArray(d.streams) ? d.streams.filter((s) => s === 'trade_updates') : [];
        state.listening = streams.length > 0;
        send({ stream: 'listening', data: { streams } });
        return;
      }
      send({ stream: 'error', data: { error: 'unrecognized request' } });
    });
  }

  #broadcast(message: unknown): void {
    const frame = Buffer.from(JSON.stringify(message));
    for (const client of this.#wss.clients) {
      const c = client as WebSocket & { listening?: boolean };
      if (c.listening === true && c.readyState === WebSocket.OPEN) c.send(frame, { binary: true });
    }
  }

  close(): void {
    this.#unrelay();
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
