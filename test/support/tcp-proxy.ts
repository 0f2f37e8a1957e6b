import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy a test can cut and restore, to take a process's database connection away for real. */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection through it and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free local port that forwards to `host:port`. */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let listenPort = 0;
  let cut = false;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        // A connection accepted just before the cut must not slip through it.
        if (cut) {
          client.destroy();
          return;
        }
        const upstream = createConnection({ host, port });
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      cut = false;
      s.listen(listenPort, '127.0.0.1', () => {
        const address = s.address();
        if (address !== null && typeof address === 'object') listenPort = address.port;
        server = s;
        resolve();
      });
    });
  const stop = async () => {
    cut = true;
    const s = server;
    server = undefined;
    const closed =
      s === undefined ? Promise.resolve() : new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await closed;
    // Whatever was accepted meanwhile is dropped too.
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  await listen();
  return {
    get port() {
      return listenPort;
    },
    cut: stop,
    restore: listen,
    close: stop,
  };
}
