import type { RateLimitInfo } from '../errors.ts';
import { BrokerError } from '../errors.ts';

/** What a request does, which decides its place in line: cancels, then exits, entries, reads. */
export type RequestKind = 'cancel' | 'exit' | 'entry' | 'read';

const PRIORITY: Readonly<Record<RequestKind, number>> = { cancel: 0, exit: 1, entry: 2, read: 3 };

/** Options of {@link Pacer}. */
export interface PacerOptions {
  /** Requests allowed per rolling minute. Default 200 (the broker's limit). */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once. Default 4. */
  readonly maxConcurrent?: number;
  /** Wall clock in epoch ms, injectable for tests. */
  readonly now?: () => number;
}

interface Waiting {
  readonly kind: RequestKind;
  readonly seq: number;
  readonly run: () => void;
  readonly fail: (error: Error) => void;
}

const WINDOW_MS = 60_000;

/**
 * Client-side pacing under the broker's request limit, with a priority queue. The budget is a
 * rolling minute of dispatches, tightened by what the broker reports in `X-RateLimit-Remaining`.
 */
export class Pacer {
  readonly #limit: number;
  readonly #maxConcurrent: number;
  readonly #now: () => number;
  readonly #queue: Waiting[] = [];
  readonly #sent: number[] = [];
  #inFlight = 0;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Broker-reported remaining budget and when it resets (epoch ms). */
  #remote: { remaining: number; resetAtMs: number } | undefined;
  #closed = false;

  constructor(options: PacerOptions = {}) {
    this.#limit = options.requestsPerMinute ?? 200;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
    this.#now = options.now ?? Date.now;
    if (!(this.#limit > 0) || !(this.#maxConcurrent > 0)) {
      throw new RangeError('Pacer: requestsPerMinute and maxConcurrent must be positive');
    }
  }

  /** Number of requests waiting for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Runs `task` when its turn comes: higher priority first, first come first served within one. */
  schedule<T>(kind: RequestKind, task: () => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new BrokerError('UNAVAILABLE', 'the broker client is closed', { local: true }));
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = {
        kind,
        seq: this.#seq++,
        fail: reject,
        run: () => {
          this.#inFlight++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.#inFlight--;
              this.#pump();
            });
        },
      };
      this.#queue.push(entry);
      this.#queue.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.seq - b.seq);
      this.#pump();
    });
  }

  /** Adapts the budget to what the broker reported on an answer. */
  observe(info: RateLimitInfo): void {
    if (info.remaining === undefined || info.resetAtMs === undefined) return;
    this.#remote = { remaining: info.remaining, resetAtMs: info.resetAtMs };
    this.#pump();
  }

  /** Refuses everything still waiting and stops the timer. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const entry of this.#queue.splice(0)) {
      entry.fail(new BrokerError('UNAVAILABLE', 'the broker client was closed', { local: true }));
    }
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxConcurrent) {
      const waitMs = this.#budgetWait();
      if (waitMs > 0) {
        this.#arm(waitMs);
        return;
      }
      const entry = this.#queue.shift()!;
      this.#sent.push(this.#now());
      if (this.#remote !== undefined) this.#remote.remaining--;
      entry.run();
    }
  }

  /** Milliseconds until one more request fits the budget; 0 when it fits now. */
  #budgetWait(): number {
    const now = this.#now();
    while (this.#sent.length > 0 && this.#sent[0]! <= now - WINDOW_MS) this.#sent.shift();
    let wait = this.#sent.length >= this.#limit ? this.#sent[0]! + WINDOW_MS - now : 0;
    if (this.#remote !== undefined) {
      if (now >= this.#remote.resetAtMs) this.#remote = undefined;
      else if (this.#remote.remaining <= 0) wait = Math.max(wait, this.#remote.resetAtMs - now);
    }
    return Math.max(0, wait);
  }

  #arm(ms: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pump();
    }, ms);
  }
}
