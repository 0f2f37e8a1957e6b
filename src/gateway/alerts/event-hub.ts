/** Everything the gateway publishes to its Server-Sent Events stream and observers. */
export interface GatewayEvent {
  /**
   * Position in this hub's stream: each event's id is one more than the previous one's. Ids
   * start at the hub's creation time in microseconds, so a restarted gateway's ids are above
   * those of the process before it and an id from before the restart reads as too old.
   */
  readonly id: number;
  /** `decision`, `fill`, `order`, `trip`, `state`, `alert`, `protection`, `reconciliation`… */
  readonly type: string;
  /** Epoch ms. */
  readonly at: number;
  readonly data: unknown;
}

/** Recent events a hub keeps for clients that reconnect, when nothing else is configured. */
export const DEFAULT_EVENT_BUFFER_SIZE = 10_000;

/** What a client that saw every event up to some id missed since. */
export type EventReplay =
  /** The events after that id, oldest first (empty when it is up to date). */
  | { readonly kind: 'events'; readonly events: readonly GatewayEvent[] }
  /**
   * Some events after that id are gone (evicted from the buffer, or the id is not from this
   * hub's stream): the client must refetch the state. `oldestId` is the oldest event still
   * kept (undefined when none is), `lastId` the newest id issued so far.
   */
  | { readonly kind: 'reset'; readonly oldestId: number | undefined; readonly lastId: number };

/**
 * A small synchronous fan-out that numbers each event and keeps the latest `capacity` of them
 * in a ring, so a client that lost its connection can be sent exactly what it missed. A failing
 * listener never affects the publisher.
 */
export class EventHub {
  readonly #listeners = new Set<(event: GatewayEvent) => void>();
  readonly #ring: (GatewayEvent | undefined)[];
  readonly #capacity: number;
  readonly #firstId: number;
  #nextId: number;

  /**
   * @param capacity events kept for replay (0 keeps none).
   * @param firstId id of the first event; by default the creation time in microseconds.
   */
  constructor(capacity = DEFAULT_EVENT_BUFFER_SIZE, firstId = Date.now() * 1000) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`bad event buffer size ${capacity}`);
    this.#capacity = capacity;
    this.#ring = new Array<GatewayEvent | undefined>(capacity);
    this.#firstId = firstId;
    this.#nextId = firstId;
  }

  publish(type: string, data: unknown, at = Date.now()): void {
    const event: GatewayEvent = { id: this.#nextId++, type, at, data };
    // Kept even while nobody listens: a console reconnecting later asks for what it missed.
    if (this.#capacity > 0) this.#ring[(event.id - this.#firstId) % this.#capacity] = event;
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

  /**
   * The events published after `afterId`, or a reset when some of them are no longer kept.
   * Synchronous: called together with {@link subscribe} in one turn of the event loop, the
   * replay and the live events meet with no gap and no duplicate.
   */
  since(afterId: number): EventReplay {
    const lastId = this.lastId;
    const oldestId = Math.max(this.#firstId, this.#nextId - this.#capacity);
    // An id above the newest was not issued by this hub (another instance's or a forged one).
    if (afterId > lastId || afterId < oldestId - 1) {
      return { kind: 'reset', oldestId: oldestId <= lastId ? oldestId : undefined, lastId };
    }
    const events: GatewayEvent[] = [];
    for (let id = afterId + 1; id <= lastId; id++) {
      events.push(this.#ring[(id - this.#firstId) % this.#capacity]!);
    }
    return { kind: 'events', events };
  }

  /** The id of the newest event; one below the first id while none was published. */
  get lastId(): number {
    return this.#nextId - 1;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
