import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type Database,
  epochSettingValue,
  type QueryResult,
  type Transaction,
  type TransactionOptions,
  transactionCharacteristics,
} from './database.ts';
import { StoreError, toStoreError } from './errors.ts';
import {
  fromThreadError,
  type ThreadError,
  type ThreadLocation,
  type ThreadMessage,
  type ThreadRequest,
} from './pglite-protocol.ts';

/** How long `close()` waits for the engine to shut down before it terminates the worker. */
const CLOSE_TIMEOUT_MS = 10_000;

/** A request without its id (added when it is sent). */
type Outgoing = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

/** Answer to a request: the rows, or the worker's error. */
interface Reply {
  readonly rows: unknown[];
  readonly rowCount: number;
}

/**
 * The worker's entry and how to start it. Built (dist/) it is a JavaScript module beside this
 * one; run from the TypeScript sources (tests, `tsx`) the worker registers tsx's loader first,
 * since a worker thread does not inherit the loader hooks of the thread that starts it.
 */
function workerEntry(): { readonly entry: URL | string; readonly eval: boolean } {
  const sourceMode = import.meta.url.endsWith('.ts');
  const entry = new URL(sourceMode ? './pglite-thread.ts' : './pglite-thread.js', import.meta.url);
  if (!sourceMode) return { entry, eval: false };
  let api: string;
  try {
    const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
    api = join(tsxRoot, 'dist/esm/api/index.mjs');
    if (!existsSync(api)) throw new Error(`${api} is missing`);
  } catch (error) {
    throw new StoreError(
      'STORE_UNAVAILABLE',
      `running the embedded store's worker from TypeScript sources needs tsx: ${String(error)}`,
    );
  }
  const code =
    `import(${JSON.stringify(pathToFileURL(api).href)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return { entry: code, eval: true };
}

/**
 * Starts PGlite in a worker thread and returns a {@link Database} that forwards every
 * statement to it. A failure to start is rejected with the worker's error, as PGlite's own.
 */
export async function openPgliteWorkerDatabase(location: ThreadLocation): Promise<Database> {
  const { entry, eval: isEval } = workerEntry();
  const worker = new Worker(entry, { eval: isEval, workerData: location, stdout: false, stderr: false });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: ThreadMessage) => {
      if (message.kind === 'ready') {
        cleanup();
        resolve();
      } else if (message.kind === 'failed') {
        cleanup();
        void worker.terminate();
        reject(fromThreadError(message.error));
      }
    };
    const onError = (error: unknown) => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the embedded database's worker exited with code ${code} while starting`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  return new PgliteWorkerDatabase(worker);
}

/**
 * Embedded PGlite in a worker thread, behind the same contract as the in-process driver: one
 * connection (a statement outside the open transaction waits for it to end), the epoch setting
 * applied before statements, NOTIFY delivered to listeners, `StoreError`s only. The worker is
 * referenced only while a request is pending, so an idle store does not keep the process alive,
 * as in-process PGlite does not. A worker that dies (a crash, an abort of the engine) is a lost
 * connection: pending and later calls fail with `STORE_UNAVAILABLE` and the listeners of
 * {@link Database.onConnectionLost} hear it once.
 */
class PgliteWorkerDatabase implements Database {
  readonly driver = 'pglite' as const;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(reply: Reply): void; reject(error: unknown): void }>();
  readonly #notifyListeners = new Map<number, (payload: string) => void>();
  readonly #lostListeners: Array<(error: unknown) => void> = [];
  #next = 1;
  #epoch = '';
  #closed = false;
  /** Set once the worker is gone without being asked to: every call fails with it. */
  #lost: StoreError | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.unref();
    worker.on('message', (message: ThreadMessage) => this.#receive(message));
    worker.on('error', (error: unknown) => this.#gone(error));
    worker.on('messageerror', (error: unknown) => this.#gone(error));
    worker.on('exit', (code: number) => this.#gone(new Error(`worker thread exited with code ${code}`)));
  }

  /** The thread that runs the engine. */
  get thread(): Worker {
    return this.#worker;
  }

  setEpoch(epoch: number | null): void {
    this.#epoch = epochSettingValue(epoch);
  }

  /** PGlite has one connection: the lease shares it (one process, which always leads). */
  dedicatedConnection(): null {
    return null;
  }

  async query<Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    try {
      const reply = await this.#request({ kind: 'query', text, params, tx: null, epoch: this.#epoch });
      return { rows: reply.rows as Row[], rowCount: reply.rowCount };
    } catch (error) {
      throw this.#translate(error, 'query failed');
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.#request({ kind: 'exec', script, tx: null });
    } catch (error) {
      throw this.#translate(error, 'script failed');
    }
  }

  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    try {
      const begin = this.#send({
        kind: 'begin',
        characteristics: transactionCharacteristics(options),
        epoch: this.#epoch,
      });
      await begin.reply;
      const txId = begin.id;
      let result: T;
      try {
        result = await fn(this.#transactionHandle(txId));
      } catch (error) {
        // Rolled back; the callback's failure is the one reported.
        await this.#request({ kind: 'end', tx: txId, commit: false }).catch(() => undefined);
        throw error;
      }
      await this.#request({ kind: 'end', tx: txId, commit: true });
      return result;
    } catch (error) {
      throw this.#translate(error, 'transaction failed');
    }
  }

  async listen(channel: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    const listening = this.#send({ kind: 'listen', channel });
    this.#notifyListeners.set(listening.id, listener);
    try {
      await listening.reply;
    } catch (error) {
      this.#notifyListeners.delete(listening.id);
      throw this.#translate(error, `could not listen on ${channel}`);
    }
    return async () => {
      if (!this.#notifyListeners.delete(listening.id)) return;
      if (this.#closed || this.#lost !== undefined) return;
      await this.#request({ kind: 'unlisten', listenId: listening.id }).catch(() => undefined);
    };
  }

  onConnectionLost(listener: (error: unknown) => void): void {
    this.#lostListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#lost === undefined) {
      this.#worker.ref();
      try {
        // PGlite's close flushes and shuts the engine down; a worker that does not answer in
        // time is terminated anyway (every commit already reached the disk).
        const closing = this.#sendUnchecked({ kind: 'close' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          closing.reply,
          new Promise((resolve) => {
            timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
          }),
        ]).finally(() => clearTimeout(timer));
      } catch {
        // The worker is terminated below whatever its engine said.
      }
    }
    await this.#worker.terminate();
    this.#rejectPending(new StoreError('STORE_CLOSED', 'the embedded database was closed'));
  }

  #transactionHandle(txId: number): Transaction {
    return {
      query: async <Row>(text: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> => {
        const reply = await this.#request({ kind: 'query', text, params, tx: txId, epoch: this.#epoch });
        return { rows: reply.rows as Row[], rowCount: reply.rowCount };
      },
      exec: async (script: string): Promise<void> => {
        await this.#request({ kind: 'exec', script, tx: txId });
      },
    };
  }

  async #request(request: Outgoing): Promise<Reply> {
    return this.#send(request).reply;
  }

  #send(request: Outgoing): { readonly id: number; readonly reply: Promise<Reply> } {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the embedded database was closed');
    return this.#sendUnchecked(request);
  }

  #sendUnchecked(request: Outgoing): { readonly id: number; readonly reply: Promise<Reply> } {
    if (this.#lost !== undefined) throw this.#lost;
    const id = this.#next++;
    const reply = new Promise<Reply>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
    });
    try {
      this.#worker.postMessage({ ...request, id } as ThreadRequest);
    } catch (error) {
      // A parameter that cannot be cloned (a function, a symbol): the statement fails, not the store.
      this.#settle(id)?.reject(error);
    }
    return { id, reply };
  }

  #receive(message: ThreadMessage): void {
    if (message.kind === 'notify') {
      this.#notifyListeners.get(message.listenId)?.(message.payload);
      return;
    }
    if (message.kind !== 'reply') return;
    const waiting = this.#settle(message.id);
    if (waiting === undefined) return;
    if (message.error !== undefined) {
      // Rejected with an error like the engine's own (a statement's failure inside a transaction
      // reaches the callback as it would in-process); what the worker said is kept beside it.
      const error = fromThreadError(message.error);
      threadErrors.set(error, message.error);
      waiting.reject(error);
    } else waiting.resolve({ rows: message.rows ?? [], rowCount: message.rowCount ?? 0 });
  }

  /** Takes a request out of the pending ones; the worker is unreferenced once none is left. */
  #settle(id: number): { resolve(reply: Reply): void; reject(error: unknown): void } | undefined {
    const waiting = this.#pending.get(id);
    if (waiting === undefined) return undefined;
    this.#pending.delete(id);
    if (this.#pending.size === 0 && !this.#closed) this.#worker.unref();
    return waiting;
  }

  /** The worker stopped: after `close()` that is expected; otherwise the engine is lost for good. */
  #gone(error: unknown): void {
    if (this.#closed || this.#lost !== undefined) return;
    const lost = new StoreError('STORE_UNAVAILABLE', `embedded database stopped: ${String(error)}`, {
      cause: error,
    });
    this.#lost = lost;
    this.#rejectPending(lost);
    void this.#worker.terminate();
    for (const listener of this.#lostListeners) listener(lost);
  }

  #rejectPending(error: StoreError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const waiting of pending) waiting.reject(error);
  }

  #translate(error: unknown, what: string): StoreError {
    if (error instanceof StoreError) return error;
    const thread = typeof error === 'object' && error !== null ? threadErrors.get(error) : undefined;
    // A WASM abort kills the embedded engine for good: nothing more can be persisted.
    if (thread !== undefined && (thread.name === 'RuntimeError' || thread.engineClosed)) {
      const lost = new StoreError('STORE_UNAVAILABLE', `embedded database stopped: ${String(error)}`, {
        cause: error,
      });
      for (const listener of this.#lostListeners) listener(lost);
      return lost;
    }
    return toStoreError(error, what);
  }
}

/** What the worker reported for each error it sent (name, whether its engine had closed). */
const threadErrors = new WeakMap<object, ThreadError>();

/** The worker thread that runs a worker-backed embedded database, or undefined for another database (diagnostics, tests). */
export function workerThreadOf(db: Database): Worker | undefined {
  return db instanceof PgliteWorkerDatabase ? db.thread : undefined;
}
