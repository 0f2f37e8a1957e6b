/** Everything the gateway publishes to its Server-Sent Events stream and observers. */
export interface GatewayEvent {
  /** `decision`, `fill`, `order`, `trip`, `state`, `alert`, `protection`, `reconciliation`… */
  readonly type: string;
  /** Epoch ms. */
  readonly at: number;
  readonly data: unknown;
}

/** A small synchronous fan-out; a failing listener never affects the publisher. */
export class EventHub {
  readonly #listeners = new Set<(event: GatewayEvent) => void>();

  publish(type: string, data: unknown, at = Date.now()): void {
    if (this.#listeners.size === 0) return;
    const event: GatewayEvent = { type, at, data };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // An observer's failure must not reach the order path.
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (event: GatewayEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
