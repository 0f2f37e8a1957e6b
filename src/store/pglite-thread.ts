/**
 * The worker thread that runs embedded PGlite for `pglite-worker-database.ts`, so that the
 * engine's work (synchronous WASM) never stalls the event loop that serves HTTP and runs the
 * monitors. It answers the requests of `pglite-protocol.ts` on its one connection: statements
 * outside a transaction wait while one is open, as PGlite does in-process, and the statements of
 * the open transaction (sent with its id) run inside it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { EPOCH_SETTING } from './database.ts';
import { startPglite } from './pglite-database.ts';
import {
  type ThreadLocation,
  type ThreadMessage,
  type ThreadRequest,
  toThreadError,
} from './pglite-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('pglite-thread.ts runs as a worker thread only');

/** An open transaction: its handle, and how to end it (commit or roll back). */
interface OpenTransaction {
  readonly tx: Transaction;
  end(commit: boolean): void;
}

/** Thrown out of a transaction's callback to roll it back. */
const ROLLBACK = Symbol('rollback');

function send(message: ThreadMessage): void {
  port?.postMessage(message);
}

async function serve(pglite: PGlite): Promise<void> {
  const transactions = new Map<number, OpenTransaction>();
  const listeners = new Map<number, () => Promise<void>>();
  let appliedEpoch = '';

  const applyEpoch = async (wanted: string) => {
    if (appliedEpoch === wanted) return;
    await pglite.query('SELECT set_config($1, $2, false)', [EPOCH_SETTING, wanted]);
    appliedEpoch = wanted;
  };
  const fail = (id: number, error: unknown) =>
    send({ kind: 'reply', id, error: toThreadError(error, pglite.closed) });
  const openTransaction = (id: number): OpenTransaction => {
    const open = transactions.get(id);
    if (open === undefined) throw new Error('Transaction is closed');
    return open;
  };

  const begin = (request: Extract<ThreadRequest, { kind: 'begin' }>) => {
    let ended: { commit: boolean; id: number } | undefined;
    let begun = false;
    const run = async () => {
      await applyEpoch(request.epoch);
      await pglite.transaction(async (tx) => {
        if (request.characteristics !== null) await tx.query(request.characteristics);
        const commit = await new Promise<boolean>((resolve) => {
          transactions.set(request.id, {
            tx,
            end: (value) => resolve(value),
          });
          begun = true;
          send({ kind: 'reply', id: request.id, rows: [], rowCount: 0 });
        });
        transactions.delete(request.id);
        if (!commit) throw ROLLBACK;
      });
    };
    run().then(
      () => {
        if (ended !== undefined) send({ kind: 'reply', id: ended.id, rows: [], rowCount: 0 });
      },
      (error: unknown) => {
        transactions.delete(request.id);
        if (!begun) fail(request.id, error);
        else if (ended !== undefined) {
          if (error === ROLLBACK) send({ kind: 'reply', id: ended.id, rows: [], rowCount: 0 });
          else fail(ended.id, error);
        }
      },
    );
    return {
      end(id: number, commit: boolean) {
        ended = { id, commit };
      },
    };
  };
  const beginnings = new Map<number, ReturnType<typeof begin>>();

  const handle = async (request: ThreadRequest): Promise<void> => {
    try {
      switch (request.kind) {
        case 'query': {
          let result: { rows: unknown[]; affectedRows?: number };
          if (request.tx === null) {
            await applyEpoch(request.epoch);
            result = await pglite.query(request.text, [...request.params]);
          } else {
            result = await openTransaction(request.tx).tx.query(request.text, [...request.params]);
          }
          send({
            kind: 'reply',
            id: request.id,
            rows: result.rows,
            rowCount: result.affectedRows ?? result.rows.length,
          });
          return;
        }
        case 'exec':
          if (request.tx === null) await pglite.exec(request.script);
          else await openTransaction(request.tx).tx.exec(request.script);
          send({ kind: 'reply', id: request.id, rows: [], rowCount: 0 });
          return;
        case 'begin':
          beginnings.set(request.id, begin(request));
          return;
        case 'end': {
          const open = openTransaction(request.tx);
          beginnings.get(request.tx)?.end(request.id, request.commit);
          beginnings.delete(request.tx);
          open.end(request.commit);
          return;
        }
        case 'listen': {
          const stop = await pglite.listen(request.channel, (payload) =>
            send({ kind: 'notify', listenId: request.id, payload }),
          );
          listeners.set(request.id, stop);
          send({ kind: 'reply', id: request.id, rows: [], rowCount: 0 });
          return;
        }
        case 'unlisten': {
          const stop = listeners.get(request.listenId);
          listeners.delete(request.listenId);
          await stop?.();
          send({ kind: 'reply', id: request.id, rows: [], rowCount: 0 });
          return;
        }
        case 'close':
          await pglite.close();
          send({ kind: 'reply', id: request.id, rows: [], rowCount: 0 });
          return;
      }
    } catch (error) {
      fail(request.id, error);
    }
  };
  port?.on('message', (request: ThreadRequest) => {
    void handle(request);
  });
}

startPglite(workerData as ThreadLocation).then(
  async (pglite) => {
    await serve(pglite);
    send({ kind: 'ready' });
  },
  (error: unknown) => send({ kind: 'failed', error: toThreadError(error, true) }),
);
