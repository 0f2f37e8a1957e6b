import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ALPACA_CODES } from './alpaca-errors.ts';

/** The HTTP server while the gateway starts: it listens at once and is handed to the API when it is ready. */
export interface StartingServer {
  readonly server: Server;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** What the gateway is waiting for; every answer but `/healthz` gives it. */
  reason: string;
  /** Replaces the starting handler with the API's. */
  attach(handler: (request: IncomingMessage, response: ServerResponse) => void): void;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/**
 * Listens on the configured address before anything else starts, so clients see a reason
 * instead of a refused connection: `/healthz` answers 200 (the process serves), every other
 * route 503 with what the gateway is waiting for (the store, the broker, reconciliation).
 */
export async function listenStarting(host: string, port: number, reason: string): Promise<StartingServer> {
  const state = { reason };
  const starting = (request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/healthz') return json(response, 200, { status: 'ok', starting: true });
    if (path === '/readyz') return json(response, 503, { ready: false, reason: state.reason });
    return json(response, 503, {
      code: ALPACA_CODES.unavailable,
      message: `riskgate: NOT_READY the gateway is starting: ${state.reason}`,
      riskgate: { code: 'NOT_READY', reason: state.reason },
    });
  };
  const server = createServer(starting);
  // Upgrades (the trade stream) wait for the API like everything else.
  const refuseUpgrade = (_request: IncomingMessage, socket: import('node:stream').Duplex) => socket.destroy();
  server.on('upgrade', refuseUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  return {
    server,
    url,
    get reason() {
      return state.reason;
    },
    set reason(value: string) {
      state.reason = value;
    },
    attach(handler) {
      server.off('request', starting);
      server.off('upgrade', refuseUpgrade);
      server.on('request', handler);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
