import type { Logger } from 'pino';
import { isConnectionFailure, isStoreError } from '../../store/errors.ts';
import type { Store } from '../../store/store.ts';

/** The start was given up because its signal aborted while the store was awaited. */
export class StartAbortedError extends Error {
  readonly code = 'START_ABORTED' as const;

  constructor() {
    super('START_ABORTED: stopped while waiting for the store');
    this.name = 'StartAbortedError';
  }
}

/**
 * Opens the store, and while a database server cannot be reached keeps trying (1 s, doubling
 * to 10 s) instead of failing the start; `onWaiting` gets the reason each time. Any other
 * refusal (corrupt, too new, locked, wrong instance) fails at once: waiting would not fix it.
 */
export async function openStoreRetrying(
  open: () => Promise<Store>,
  options: {
    /** True for a database server; an embedded store that fails to open is not retried. */
    readonly retry: boolean;
    readonly log: Logger;
    readonly onWaiting: (reason: string) => void;
    readonly signal?: AbortSignal | undefined;
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
  },
): Promise<Store> {
  let delay = options.initialDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted === true) throw new StartAbortedError();
    try {
      return await open();
    } catch (error) {
      const unreachable = isStoreError(error, 'STORE_UNAVAILABLE') || isConnectionFailure(error);
      if (!options.retry || !unreachable) throw error;
      const reason = `waiting for the store: ${(error as Error).message} (attempt ${attempt}, next in ${Math.round(delay / 1000)} s)`;
      options.onWaiting(reason);
      if (attempt === 1 || attempt % 10 === 0) options.log.warn({ attempt }, reason);
      await sleep(delay, options.signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
