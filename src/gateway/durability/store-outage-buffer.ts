import type { Logger } from 'pino';
import type { Fill } from '../../core/market.ts';
import type { OrderIntent } from '../../core/order.ts';
import { isConnectionFailure } from '../../store/errors.ts';
import type {
  CloseReason,
  OrderAck,
  OrderRecord,
  OrderTransition,
  OrderUpdateResult,
} from '../../store/order-types.ts';
import type { Store } from '../../store/store.ts';
import type { JournalEntry, LocalJournal } from './local-journal.ts';

/** Order records the store could not take, kept in the journal until it can. */
type Buffered =
  | {
      readonly kind: 'intent';
      readonly intent: OrderIntent;
      readonly at: number;
      readonly closeReason?: CloseReason;
    }
  | { readonly kind: 'ack'; readonly clientOrderId: string; readonly ack: OrderAck }
  | { readonly kind: 'transition'; readonly clientOrderId: string; readonly change: OrderTransition }
  | { readonly kind: 'fill'; readonly fill: Fill };

const BUFFERED = 'order-record';
const REPLAYED = 'order-record-replayed';

/**
 * Keeps the order path's records while the store is down: an exit's intent (so the exit can be
 * sent), acknowledgements, status changes and fills go to the local journal when the store
 * refuses them, and are written to the store, in journal order, once it is back ({@link replay}).
 * Writes for an order with records still waiting are journalled behind them, so the store
 * always sees an order's records in order. Replay is idempotent: intents by client order id,
 * acknowledgements by broker order id, fills by execution id.
 */
export class StoreOutageBuffer {
  readonly #store: Store;
  readonly #journal: LocalJournal | undefined;
  readonly #log: Logger;
  readonly #pending: JournalEntry<Buffered>[];
  /** The last write of each order still settling: the next write of that order waits for it. */
  readonly #writing = new Map<string, Promise<unknown>>();
  #replaying: Promise<boolean> | undefined;

  constructor(options: {
    readonly store: Store;
    readonly journal: LocalJournal | undefined;
    /** The journal's entries as read at open: records not yet replayed are picked up. */
    readonly entries: readonly JournalEntry[];
    readonly log: Logger;
  }) {
    this.#store = options.store;
    this.#journal = options.journal;
    this.#log = options.log;
    const replayed = new Set<number>();
    for (const e of options.entries) if (e.type === REPLAYED) replayed.add((e.data as { seq: number }).seq);
    this.#pending = options.entries.filter(
      (e): e is JournalEntry<Buffered> => e.type === BUFFERED && !replayed.has(e.seq),
    );
  }

  /** Records waiting for the store. */
  get pending(): number {
    return this.#pending.length;
  }

  /**
   * Journals the intent of an exit the store could not record, so it can still be sent.
   * Returns what `recordIntent` would have, or undefined when the journal cannot be written
   * either (the exit is then refused like an entry).
   */
  journalIntent(intent: OrderIntent, error: unknown): { order: OrderRecord; created: true } | undefined {
    const at = Date.now();
    if (!this.#append({ kind: 'intent', intent, at })) return undefined;
    this.#log.warn(
      { clientOrderId: intent.clientOrderId, error: String(error) },
      'store unavailable: exit intent journalled locally and sent',
    );
    return { order: intentRecord(intent, at), created: true };
  }

  /**
   * Records the intent of an order that closes a position (a close the broker already has);
   * undefined when it went to the journal because the store could not take it.
   */
  recordCloseIntent(
    intent: OrderIntent,
    options: { readonly at: number; readonly closeReason: CloseReason },
  ): Promise<{ readonly order: OrderRecord; readonly created: boolean } | undefined> {
    return this.#write(intent.clientOrderId, { kind: 'intent', intent, ...options }, () =>
      this.#store.orders.recordIntent(intent, options),
    );
  }

  /** Records a broker acknowledgement; undefined when it went to the journal because the store could not take it. */
  recordAck(clientOrderId: string, ack: OrderAck): Promise<OrderUpdateResult | undefined> {
    return this.#write(clientOrderId, { kind: 'ack', clientOrderId, ack }, () =>
      this.#store.orders.recordAck(clientOrderId, ack),
    );
  }

  /** Records a status change; undefined when it went to the journal because the store could not take it. */
  transition(clientOrderId: string, change: OrderTransition): Promise<OrderUpdateResult | undefined> {
    return this.#write(clientOrderId, { kind: 'transition', clientOrderId, change }, () =>
      this.#store.orders.transition(clientOrderId, change),
    );
  }

  /** Records a fill; undefined when it went to the journal because the store could not take it. */
  recordFill(fill: Fill): Promise<unknown> {
    return this.#write(fill.clientOrderId ?? '', { kind: 'fill', fill }, () =>
      this.#store.fills.record(fill),
    );
  }

  /**
   * Writes the journalled records to the store in order; resolves true once none is left.
   * Stops at the first connection failure (to be called again later); a record the store
   * refuses for another reason is logged and skipped.
   */
  replay(): Promise<boolean> {
    this.#replaying ??= this.#replay().finally(() => {
      this.#replaying = undefined;
    });
    return this.#replaying;
  }

  async #replay(): Promise<boolean> {
    while (this.#pending.length > 0) {
      const entry = this.#pending[0]!;
      try {
        await this.#apply(entry.data);
      } catch (error) {
        if (isConnectionFailure(error)) return false;
        this.#log.error(
          { seq: entry.seq, error: String(error) },
          'a journalled order record was refused by the store; skipped',
        );
      }
      this.#pending.shift();
      this.#appendRaw(REPLAYED, { seq: entry.seq });
    }
    return true;
  }

  async #apply(record: Buffered): Promise<void> {
    const orders = this.#store.orders;
    switch (record.kind) {
      case 'intent':
        await orders.recordIntent(record.intent, {
          at: record.at,
          ...(record.closeReason !== undefined ? { closeReason: record.closeReason } : {}),
        });
        return;
      case 'ack':
        await orders.recordAck(record.clientOrderId, record.ack);
        return;
      case 'transition':
        await orders.transition(record.clientOrderId, record.change);
        return;
      case 'fill':
        await this.#store.fills.record(record.fill);
        return;
    }
  }

  /**
   * Writes of one order run one after the other: the store batches writes, and a write made
   * while an earlier one of the same order is still committing must not land before it, nor
   * before it is journalled should that commit fail. Writes of different orders run together.
   */
  #write<T>(clientOrderId: string, record: Buffered, write: () => Promise<T>): Promise<T | undefined> {
    const previous = this.#writing.get(clientOrderId);
    const run =
      previous === undefined
        ? this.#writeNow(clientOrderId, record, write)
        : previous.then(() => this.#writeNow(clientOrderId, record, write));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#writing.set(clientOrderId, settled);
    void settled.then(() => {
      if (this.#writing.get(clientOrderId) === settled) this.#writing.delete(clientOrderId);
    });
    return run;
  }

  async #writeNow<T>(
    clientOrderId: string,
    record: Buffered,
    write: () => Promise<T>,
  ): Promise<T | undefined> {
    // Behind records of the same order still waiting, so the store sees them in order.
    if (this.#waiting(clientOrderId) && this.#append(record)) return undefined;
    try {
      return await write();
    } catch (error) {
      if (!isConnectionFailure(error) || !this.#append(record)) throw error;
      return undefined;
    }
  }

  #waiting(clientOrderId: string): boolean {
    return this.#pending.some((e) => {
      const d = e.data;
      return d.kind === 'intent'
        ? d.intent.clientOrderId === clientOrderId
        : d.kind === 'fill'
          ? d.fill.clientOrderId === clientOrderId
          : d.clientOrderId === clientOrderId;
    });
  }

  #append(record: Buffered): boolean {
    const entry = this.#appendRaw(BUFFERED, record);
    if (entry === undefined) return false;
    this.#pending.push(entry);
    return true;
  }

  #appendRaw<Data>(type: string, data: Data): JournalEntry<Data> | undefined {
    if (this.#journal === undefined) return undefined;
    try {
      return this.#journal.append(type, data);
    } catch (error) {
      this.#log.error({ error: String(error) }, 'the local journal cannot be written');
      return undefined;
    }
  }
}

/** The stored order an intent would have become, for the reply while only the journal holds it. */
function intentRecord(intent: OrderIntent, at: number): OrderRecord {
  return {
    clientOrderId: intent.clientOrderId,
    intent,
    symbol: intent.symbol,
    side: intent.side,
    qty: intent.qty,
    type: intent.type,
    timeInForce: intent.timeInForce,
    strategy: intent.strategy ?? null,
    status: 'pending_submit',
    statusReason: 'journalled locally: the store is unavailable',
    version: 0,
    brokerOrderId: null,
    legs: { takeProfit: null, stopLoss: null },
    parentClientOrderId: null,
    filledQty: 0,
    avgFillPrice: null,
    closeReason: null,
    createdAt: at,
    updatedAt: at,
    ackedAt: null,
  };
}
