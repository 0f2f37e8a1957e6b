import type { RateLimitInfo } from '../errors.ts';
import { BrokerError } from '../errors.ts';
import { isClientKind, PRIORITY, REQUEST_KINDS, type RequestKind } from './request-class.ts';

export type { RequestKind } from './request-class.ts';

/** Default share of the budget that client traffic (entries and client reads) may use, in percent. */
export const DEFAULT_CLIENT_SHARE_PERCENT = 50;

/** Options of {@link Pacer}. */
export interface PacerOptions {
  /** Requests allowed per rolling minute. Default 200 (the broker's limit). */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once. Default 4. */
  readonly maxConcurrent?: number;
  /**
   * Share of the per-minute budget, and of the requests in flight, that entries and client reads
   * may use together, in percent (1–100). The rest is reserved for cancels, exits and the
   * gateway's own polls. Default {@link DEFAULT_CLIENT_SHARE_PERCENT}.
   */
  readonly clientSharePercent?: number;
  /** Wall clock in epoch ms, injectable for tests. */
  readonly now?: () => number;
}

/** How the budget is being used, for diagnostics and tests. */
export interface BudgetSnapshot {
  /** Requests allowed per rolling minute, and how many of them client traffic may use. */
  readonly limit: number;
  readonly clientLimit: number;
  /** Requests in flight at once, and how many of them client traffic may hold. */
  readonly maxConcurrent: number;
  readonly clientConcurrent: number;
  /** Requests dispatched in the current rolling minute, by class. */
  readonly sent: Readonly<Record<RequestKind, number>>;
  /** Requests waiting for their turn, by class. */
  readonly waiting: Readonly<Record<RequestKind, number>>;
}

interface Waiting {
  readonly kind: RequestKind;
  readonly seq: number;
  readonly run: () => void;
  readonly fail: (error: Error) => void;
}

const WINDOW_MS = 60_000;
/** The classes that count against the client share. */
const CLIENT_KINDS = REQUEST_KINDS.filter(isClientKind);

/**
 * Dispatch times, oldest first, dropped as they leave the rolling minute. Counting and finding
 * the oldest are O(1) and dropping is amortised O(1), whatever the budget: a budget of thousands
 * of requests a minute must not cost each request a walk over the minute.
 */
class Dispatches {
  readonly #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#times.length - this.#head;
  }

  /** The oldest time still in the window (undefined when empty). */
  get oldest(): number | undefined {
    return this.#head < this.#times.length ? this.#times[this.#head] : undefined;
  }

  push(at: number): void {
    this.#times.push(at);
  }

  /** Drops the times at or before `cutoff`. */
  expire(cutoff: number): void {
    const times = this.#times;
    let head = this.#head;
    while (head < times.length && times[head]! <= cutoff) head++;
    if (head === times.length) {
      times.length = 0;
      head = 0;
    } else if (head >= 1024 && head * 2 >= times.length) {
      times.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }
}

/**
 * Client-side pacing under the broker's request limit, with a priority queue (see
 * {@link RequestKind}). The budget is a rolling minute of dispatches, tightened by what the broker
 * reports in `X-RateLimit-Remaining`. Client traffic may use only its share of the budget and of
 * the concurrency, so the rest always remains for cancels, exits and the monitors' polls.
 */
export class Pacer {
  readonly #limit: number;
  readonly #clientLimit: number;
  readonly #sharePercent: number;
  readonly #maxConcurrent: number;
  readonly #clientConcurrent: number;
  readonly #now: () => number;
  readonly #queue: Waiting[] = [];
  /** The dispatches of the rolling minute, by class: the totals are worked out from these. */
  readonly #sentByKind = Object.fromEntries(REQUEST_KINDS.map((kind) => [kind, new Dispatches()])) as Record<
    RequestKind,
    Dispatches
  >;
  #inFlight = 0;
  #clientInFlight = 0;
  #seq = 0;
  #timer: { handle: NodeJS.Timeout; at: number } | undefined;
  /** Broker-reported remaining budget and when it resets (epoch ms). */
  #remote: { remaining: number; resetAtMs: number; limit: number | undefined } | undefined;
  #closed = false;

  constructor(options: PacerOptions = {}) {
    this.#limit = options.requestsPerMinute ?? 200;
    this.#maxConcurrent = options.maxConcurrent ?? 4;
    const share = options.clientSharePercent ?? DEFAULT_CLIENT_SHARE_PERCENT;
    this.#now = options.now ?? Date.now;
    if (!(this.#limit > 0) || !(this.#maxConcurrent > 0)) {
      throw new RangeError('Pacer: requestsPerMinute and maxConcurrent must be positive');
    }
    if (!(share > 0 && share <= 100)) {
      throw new RangeError(`Pacer: clientSharePercent must be above 0 and at most 100, got ${share}`);
    }
    this.#sharePercent = share;
    this.#clientLimit = this.#clientShareOf(this.#limit);
    // At least one slot stays free for the priority classes whenever there is more than one.
    const slots = Math.floor((this.#maxConcurrent * share) / 100);
    this.#clientConcurrent = Math.max(1, Math.min(slots, this.#maxConcurrent - 1));
  }

  /** Number of requests waiting for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** The budget, its client share, and how it is used right now. */
  snapshot(): BudgetSnapshot {
    this.#expire(this.#now());
    const sent = {} as Record<RequestKind, number>;
    const waiting = {} as Record<RequestKind, number>;
    for (const kind of REQUEST_KINDS) {
      sent[kind] = this.#sentByKind[kind].size;
      waiting[kind] = 0;
    }
    for (const entry of this.#queue) waiting[entry.kind]++;
    return {
      limit: this.#limit,
      clientLimit: this.#clientLimit,
      maxConcurrent: this.#maxConcurrent,
      clientConcurrent: this.#clientConcurrent,
      sent,
      waiting,
    };
  }

  /** Runs `task` when its turn comes: higher priority first, first come first served within one. */
  schedule<T>(kind: RequestKind, task: () => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new BrokerError('UNAVAILABLE', 'the broker client is closed', { local: true }));
    return new Promise<T>((resolve, reject) => {
      const client = isClientKind(kind);
      const entry: Waiting = {
        kind,
        seq: this.#seq++,
        fail: reject,
        run: () => {
          this.#inFlight++;
          if (client) this.#clientInFlight++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.#inFlight--;
              if (client) this.#clientInFlight--;
              this.#pump();
            });
        },
      };
      // After every entry of the same or a higher priority: sequence numbers only grow.
      const queue = this.#queue;
      const priority = PRIORITY[kind];
      let at = queue.length;
      while (at > 0 && PRIORITY[queue[at - 1]!.kind] > priority) at--;
      if (at === queue.length) queue.push(entry);
      else queue.splice(at, 0, entry);
      this.#pump();
    });
  }

  /** Adapts the budget to what the broker reported on an answer. */
  observe(info: RateLimitInfo): void {
    if (info.remaining === undefined || info.resetAtMs === undefined) return;
    this.#remote = { remaining: info.remaining, resetAtMs: info.resetAtMs, limit: info.limit };
    this.#pump();
  }

  /** Refuses everything still waiting and stops the timer. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    for (const entry of this.#queue.splice(0)) {
      entry.fail(new BrokerError('UNAVAILABLE', 'the broker client was closed', { local: true }));
    }
  }

  #pump(): void {
    // The queue is sorted by priority, so when its head must wait, everything behind it waits too:
    // a priority request behind a waiting client request cannot exist.
    while (this.#queue.length > 0 && this.#inFlight < this.#maxConcurrent) {
      const head = this.#queue[0]!;
      const client = isClientKind(head.kind);
      if (client && this.#clientInFlight >= this.#clientConcurrent) return; // a finishing request pumps again
      const waitMs = this.#budgetWait(client);
      if (waitMs > 0) {
        this.#arm(waitMs);
        return;
      }
      this.#queue.shift();
      this.#sentByKind[head.kind].push(this.#now());
      if (this.#remote !== undefined) this.#remote.remaining--;
      head.run();
    }
  }

  /** How many of `limit` requests client traffic may use. */
  #clientShareOf(limit: number): number {
    return Math.max(1, Math.floor((limit * this.#sharePercent) / 100));
  }

  /** Drops dispatches older than the rolling minute. */
  #expire(now: number): void {
    const cutoff = now - WINDOW_MS;
    for (const kind of REQUEST_KINDS) this.#sentByKind[kind].expire(cutoff);
  }

  /** Milliseconds until the rolling minute has room for one more request of `kinds`, allowed `limit`. */
  #windowWait(kinds: readonly RequestKind[], limit: number, now: number): number {
    let used = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const kind of kinds) {
      const times = this.#sentByKind[kind];
      used += times.size;
      oldest = Math.min(oldest, times.oldest ?? Number.POSITIVE_INFINITY);
    }
    return used >= limit ? oldest + WINDOW_MS - now : 0;
  }

  /** Milliseconds until one more request of the class fits the budget; 0 when it fits now. */
  #budgetWait(client: boolean): number {
    const now = this.#now();
    this.#expire(now);
    let wait = this.#windowWait(REQUEST_KINDS, this.#limit, now);
    if (client) wait = Math.max(wait, this.#windowWait(CLIENT_KINDS, this.#clientLimit, now));
    if (this.#remote !== undefined) {
      if (now >= this.#remote.resetAtMs) this.#remote = undefined;
      else {
        // What the broker still allows, less what is reserved for the priority classes (the
        // broker's own limit may differ from the configured one).
        const brokerLimit = this.#remote.limit ?? this.#limit;
        const floor = client ? brokerLimit - this.#clientShareOf(brokerLimit) : 0;
        if (this.#remote.remaining <= floor) wait = Math.max(wait, this.#remote.resetAtMs - now);
      }
    }
    return Math.max(0, wait);
  }

  /** Pumps again after `ms`; an earlier deadline replaces a later one. */
  #arm(ms: number): void {
    const at = this.#now() + ms;
    if (this.#timer !== undefined) {
      if (this.#timer.at <= at) return;
      clearTimeout(this.#timer.handle);
    }
    this.#timer = {
      at,
      handle: setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, ms),
    };
  }
}
