import type { RiskEngine } from '../../core/engine.ts';
import type { RiskEventListener } from '../../core/engine-types.ts';

/**
 * Holds the engine in force. A profile change builds a new engine and swaps it in; listeners
 * follow the swap, so monitors and streams never hold a stale engine.
 */
export class RiskHolder {
  #engine: RiskEngine;
  readonly #listeners = new Set<RiskEventListener>();
  #unsubscribe: () => void;

  constructor(engine: RiskEngine) {
    this.#engine = engine;
    this.#unsubscribe = this.#attach(engine);
  }

  get engine(): RiskEngine {
    return this.#engine;
  }

  /** Replaces the engine (after its state was restored). */
  swap(next: RiskEngine): void {
    this.#unsubscribe();
    this.#engine = next;
    this.#unsubscribe = this.#attach(next);
  }

  /** Subscribes to the events of whichever engine is in force. */
  subscribe(listener: RiskEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #attach(engine: RiskEngine): () => void {
    return engine.subscribe((event) => {
      for (const listener of this.#listeners) listener(event);
    });
  }
}
