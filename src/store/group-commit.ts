import { StoreError } from './errors.ts';

/** Tuning of a {@link GroupCommitWriter}. */
export interface GroupCommitOptions {
  /** Longest an appended item waits for companions before its batch is committed, in ms; default 2. */
  readonly maxDelayMs?: number;
  /** Most items committed in one transaction; a full batch is committed at once. Default 256. */
  readonly maxItems?: number;
  /**
   * When a batch of several items fails with an error this accepts (one item the database
   * refuses, say), each item is committed again on its own, so only the callers whose item
   * fails get an error. Default: the whole batch fails.
   */
  readonly isolate?: (error: unknown) => boolean;
}

/** Counters of a {@link GroupCommitWriter}, for benchmarks and metrics. */
export interface GroupCommitStats {
  readonly batches: number;
  readonly items: number;
  readonly largestBatch: number;
  readonly failedBatches: number;
}

interface Waiter<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Collects concurrent `append()` calls for up to `maxDelayMs` or `maxItems` and commits them
 * with one call of `commit` (one transaction). Each caller's promise settles only after that
 * commit has settled: nothing is acknowledged before it is durable. While one batch commits,
 * new items gather for the next, so batches grow with load and latency stays low when idle.
 * If a commit fails, every caller in that batch gets the error.
 */
export class GroupCommitWriter<Item, Result> {
  readonly #commit: (items: readonly Item[]) => Promise<readonly Result[]>;
  readonly #maxDelayMs: number;
  readonly #maxItems: number;
  readonly #isolate: ((error: unknown) => boolean) | undefined;
  #queue: Array<Waiter<Item, Result>> = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #closed = false;
  #stats = { batches: 0, items: 0, largestBatch: 0, failedBatches: 0 };

  constructor(
    commit: (items: readonly Item[]) => Promise<readonly Result[]>,
    options: GroupCommitOptions = {},
  ) {
    const maxDelayMs = options.maxDelayMs ?? 2;
    const maxItems = options.maxItems ?? 256;
    if (!(maxDelayMs >= 0) || !Number.isFinite(maxDelayMs)) {
      throw new RangeError(`maxDelayMs must be ≥ 0, got ${maxDelayMs}`);
    }
    if (!Number.isInteger(maxItems) || maxItems < 1)
      throw new RangeError(`maxItems must be ≥ 1, got ${maxItems}`);
    this.#commit = commit;
    this.#maxDelayMs = maxDelayMs;
    this.#maxItems = maxItems;
    this.#isolate = options.isolate;
  }

  /** Queues `item`; resolves with its result once the batch holding it is committed. */
  append(item: Item): Promise<Result> {
    if (this.#closed) return Promise.reject(new StoreError('STORE_CLOSED', 'the writer was closed'));
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#inFlight !== undefined) return; // the next batch starts when this one settles
      if (this.#queue.length >= this.#maxItems) this.#start();
      else this.#timer ??= setTimeout(() => this.#start(), this.#maxDelayMs);
    });
  }

  /** Items appended but not yet committed. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Counters since the writer was created. */
  get stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  /** Commits everything queued now and waits until no batch is in flight. Never throws. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight !== undefined) {
      if (this.#inFlight === undefined) this.#start();
      await this.#inFlight;
    }
  }

  /** Flushes, then refuses further appends with `STORE_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #start(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#inFlight !== undefined || this.#queue.length === 0) return;
    const batch = this.#queue.splice(0, this.#maxItems);
    this.#inFlight = this.#run(batch).finally(() => {
      this.#inFlight = undefined;
      // Items that arrived during the commit have already waited: commit them straight away.
      if (this.#queue.length > 0) this.#start();
    });
  }

  async #run(batch: Array<Waiter<Item, Result>>): Promise<void> {
    this.#stats.batches += 1;
    this.#stats.items += batch.length;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.length);
    let results: readonly Result[];
    try {
      results = await this.#commit(batch.map((w) => w.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit returned ${results.length} results for ${batch.length} items`);
      }
    } catch (error) {
      this.#stats.failedBatches += 1;
      if (batch.length > 1 && this.#isolate?.(error) === true) {
        for (const waiter of batch) await this.#runAlone(waiter);
        return;
      }
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    for (const [i, waiter] of batch.entries()) waiter.resolve(results[i] as Result);
  }

  async #runAlone(waiter: Waiter<Item, Result>): Promise<void> {
    try {
      const results = await this.#commit([waiter.item]);
      if (results.length !== 1) throw new Error(`group commit returned ${results.length} results for 1 item`);
      waiter.resolve(results[0] as Result);
    } catch (error) {
      waiter.reject(error);
    }
  }
}
