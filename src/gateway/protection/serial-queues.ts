/**
 * One queue of asynchronous work per key: work for a key starts only after everything queued
 * before it for that key has settled; different keys run concurrently. A failing task does not
 * stop the queue.
 */
export class SerialQueues {
  readonly #tails = new Map<string, Promise<void>>();

  /** Queues `work` behind the key's earlier work; resolves or rejects with its result. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** True while the key has work queued or running. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Resolves when every queue is empty. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all([...this.#tails.values()]);
  }
}
