import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RiskEngine } from '../../core/engine.ts';
import type { Store } from '../../store/store.ts';
import type { GatewayContext } from '../context.ts';
import { JournalledRiskState, type LatchDurability } from './journalled-risk-state.ts';
import { type JournalEntry, LocalJournal } from './local-journal.ts';
import { StoreOutageBuffer } from './store-outage-buffer.ts';

/** Where the journal lives in the gateway's data directory. */
export function journalPathIn(dataDir: string): string {
  return join(dataDir, 'journal.jsonl');
}

/** How often writes that failed are retried while the store is down, in ms. */
const RETRY_INTERVAL_MS = 1_000;

/** What `/v1/state` and the kill switch report about durability. */
export interface DurabilityStatus {
  readonly journal: { readonly path: string; readonly writable: boolean };
  /** Whether the latch in force is in each record. */
  readonly latch: LatchDurability;
  /** Risk-state writes (latch, counters, peak, day start) the store has not taken yet. */
  readonly riskStateWritesPending: boolean;
  /** Order records (exit intents, acknowledgements, status changes, fills) waiting in the journal. */
  readonly orderRecordsPending: number;
}

/**
 * The gateway's durability beyond the store: the local journal, the latch recorded in both, the
 * order records kept while the store is down, and the loop that writes them to the store once
 * it is back. STORE_UNAVAILABLE is lifted only when every pending latch write has landed.
 */
export class GatewayDurability {
  readonly journalPath: string;
  /** The engine's `RiskStateStore`: the store's, with every latch transition journalled too. */
  readonly riskState: JournalledRiskState;
  /** Order records kept in the journal while the store cannot take them. */
  readonly orders: StoreOutageBuffer;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #journal: LocalJournal | undefined;
  #journalWritable: boolean;
  #timer: NodeJS.Timeout | undefined;
  #engine: (() => RiskEngine) | undefined;
  #retrying = false;
  #outage = false;
  /** Called when the journal cannot be written (an alert, in the gateway). */
  onJournalError: (error: unknown) => void = () => undefined;
  /** Called when store writes start failing and again when everything pending has landed. */
  onOutage: (state: 'started' | 'ended', error?: unknown) => void = () => undefined;

  /**
   * Opens the journal in `dataDir`. An existing journal that cannot be read stops the start
   * (it may hold a halt); a journal that cannot be created leaves the store as the only record,
   * reported as `journal: false`.
   */
  constructor(options: { readonly dataDir: string; readonly store: Store; readonly log: Logger }) {
    this.journalPath = journalPathIn(options.dataDir);
    this.#store = options.store;
    this.#log = options.log;
    let entries: readonly JournalEntry[] = [];
    let journal: LocalJournal | undefined;
    try {
      const opened = LocalJournal.open(this.journalPath);
      journal = opened.journal;
      entries = opened.contents.entries;
      for (const warning of opened.contents.warnings) options.log.warn({ path: this.journalPath }, warning);
    } catch (error) {
      if (existsSync(this.journalPath)) throw error;
      options.log.error(
        { path: this.journalPath, error: String(error) },
        'the local journal cannot be created; latch transitions are recorded in the store only',
      );
    }
    this.#journal = journal;
    this.#journalWritable = journal !== undefined;
    const onJournalError = (error: unknown) => {
      this.#journalWritable = false;
      this.onJournalError(error);
    };
    this.riskState = new JournalledRiskState({
      inner: options.store.riskState,
      journal,
      entries,
      onJournalError,
    });
    this.orders = new StoreOutageBuffer({ store: options.store, journal, entries, log: options.log });
  }

  /**
   * Connects to the running gateway: a failed store write raises STORE_UNAVAILABLE once per
   * outage, an unwritable journal raises JOURNAL_UNWRITABLE, and from now on failed writes of
   * the engine in force are retried and journalled order records replayed until they land.
   */
  connect(ctx: GatewayContext): void {
    this.onOutage = (state, error) => {
      if (state === 'started') {
        ctx.alerts.raise({
          code: 'STORE_UNAVAILABLE',
          severity: 'critical',
          message: `risk state could not be persisted: ${String(error)}; entries are refused, retrying until it is`,
        });
      } else ctx.log.info('every pending store write has landed: entries are taken again');
    };
    this.onJournalError = (error) =>
      ctx.alerts.raise({
        code: 'JOURNAL_UNWRITABLE',
        severity: 'critical',
        message: `the local journal ${this.journalPath} cannot be written: ${String(error)}`,
      });
    const restored = this.riskState.restored;
    if (restored?.source === 'journal') {
      ctx.log.warn({ record: restored.record, why: restored.why }, 'latch restored from the local journal');
    }
    ctx.risk.subscribe((event) => {
      if (event.type === 'store-error') this.noteStoreError(event.error);
    });
    this.#engine = () => ctx.risk.engine;
    this.#timer ??= setInterval(() => void this.retry(), RETRY_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Notes a failed risk-state write: the outage begins (reported once). */
  noteStoreError(error: unknown): void {
    if (this.#outage) return;
    this.#outage = true;
    this.onOutage('started', error);
  }

  /** One retry round: failed risk-state writes first, then journalled order records. */
  async retry(): Promise<void> {
    if (this.#retrying) return;
    this.#retrying = true;
    try {
      const engine = this.#engine?.();
      const riskOk = engine === undefined ? true : await engine.retryStoreWrites();
      const ordersOk = riskOk && (this.orders.pending === 0 || (await this.orders.replay()));
      if (riskOk && ordersOk && this.#outage) {
        this.#outage = false;
        this.onOutage('ended');
      }
    } catch (error) {
      this.#log.warn({ error: String(error) }, 'retrying store writes failed');
    } finally {
      this.#retrying = false;
    }
  }

  status(): DurabilityStatus {
    const engine = this.#engine?.();
    return {
      journal: { path: this.journalPath, writable: this.#journalWritable },
      latch: this.riskState.durability(),
      riskStateWritesPending: engine !== undefined && !engine.storeAvailable,
      orderRecordsPending: this.orders.pending,
    };
  }

  /** Why the gateway cannot take entries because of the store, or null when it can. */
  storeProblem(): string | null {
    if (!this.#store.isAvailable) {
      const last = this.#store.currentHealth.lastError;
      return `the store is unavailable${last !== null ? ` (${last.message})` : ''}: entries are refused; exits, cancels and kills pass and are journalled locally`;
    }
    const engine = this.#engine?.();
    if (engine !== undefined && !engine.storeAvailable)
      return 'risk-state writes are waiting for the store (retrying): entries are refused';
    return null;
  }

  /** Stops the retry loop and closes the journal. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#journal?.close();
  }
}
