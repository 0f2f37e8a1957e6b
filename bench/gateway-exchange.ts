/**
 * The simulated exchange of the gateway benchmark, in a process of its own (as a broker is in
 * production): started by `bench/gateway.ts` with `fork`, it answers `{url, keyId, secretKey}`
 * over IPC and closes when told to stop or when its parent goes away.
 */
import { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import { serveToParent } from './child-exchange.ts';

/** What the exchange process reports once it listens. */
export interface ExchangeReady {
  readonly type: 'ready';
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
}

// Cash enough for thousands of resting orders at once (the fixed-rate sweep).
const exchange = await SimExchange.start({
  clock: { mode: 'real' },
  rateLimit: { limit: 1_000_000_000 },
  account: { cash: 10_000_000 },
});
exchange.setQuote('AAPL', 100, 100.02);

serveToParent(exchange);
