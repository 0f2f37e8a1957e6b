import type { Logger } from 'pino';

/** Options of {@link WebhookSender}. */
export interface WebhookOptions {
  readonly url: string;
  /** Attempts per payload, including the first. */
  readonly attempts: number;
  /** First retry delay in milliseconds; doubles on each retry. Default 250. */
  readonly initialDelayMs?: number;
  /** Per-attempt timeout in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

/**
 * POSTs JSON payloads to a webhook in the background, retrying failures with exponential
 * backoff. `send` returns at once: an alert never waits for, or fails because of, the webhook.
 */
export class WebhookSender {
  readonly #options: WebhookOptions;
  readonly #log: Logger;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;
  delivered = 0;
  failed = 0;

  constructor(options: WebhookOptions, log: Logger) {
    this.#options = options;
    this.#log = log;
  }

  send(payload: unknown): void {
    if (this.#closed) return;
    const work = this.#deliver(JSON.stringify(payload));
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #deliver(body: string): Promise<void> {
    const { url, attempts } = this.#options;
    let delay = this.#options.initialDelayMs ?? 250;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5000),
        });
        if (response.ok) {
          this.delivered += 1;
          return;
        }
        this.#log.warn({ attempt, status: response.status }, 'alert webhook refused the alert');
      } catch (error) {
        this.#log.warn({ attempt, error: (error as Error).message }, 'alert webhook unreachable');
      }
      if (attempt === attempts || this.#closed) break;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay *= 2;
    }
    this.failed += 1;
    this.#log.error({ attempts }, 'alert webhook gave up on an alert');
  }

  /** Stops retrying and waits (briefly) for attempts in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((resolve) => setTimeout(resolve, 1000).unref()),
    ]);
  }
}
