/**
 * The life of a simulated exchange run in a process of its own by a benchmark (as a broker is
 * in production): it reports `ready` with its address and keys over IPC, and closes when told to
 * stop or when its parent goes away.
 */
import type { SimExchange } from '../src/broker/sim/sim-exchange.ts';

/** Tells the parent the exchange listens (with `extra` fields), and stops it on request or orphaning. */
export function serveToParent(exchange: SimExchange, extra: Record<string, unknown> = {}): void {
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await exchange.close();
    process.disconnect?.();
    process.exit(0);
  };
  process.on('message', (message) => {
    if ((message as { type?: string }).type === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.({
    type: 'ready',
    url: exchange.url,
    keyId: exchange.keyId,
    secretKey: exchange.secretKey,
    ...extra,
  });
}
