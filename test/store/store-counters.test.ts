/**
 * The store's counters of statements and transactions, on the real databases: every statement
 * the store runs counts once, inside a transaction or not; a statement outside a transaction is
 * its own transaction; a `transaction()` counts once when it ends, committed or rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { T0 } from './fixtures/samples.ts';
import { forEachBackend } from './harness.ts';

forEachBackend((backend) => {
  let store: Store;
  beforeAll(async () => {
    await backend.setUp();
    store = await backend.freshStore();
  });
  afterAll(async () => {
    await store?.close();
    await backend.tearDown();
  });

  /** The change of the counters while `run` runs. */
  async function delta(run: () => Promise<unknown>) {
    const before = store.counters;
    await run();
    const after = store.counters;
    return {
      statements: after.statements - before.statements,
      transactions: after.transactions - before.transactions,
      rolledBack: after.rolledBack - before.rolledBack,
    };
  }

  describe('store counters', () => {
    it('start from what opening the store (migrating) ran', () => {
      const c = store.counters;
      expect(c.statements).toBeGreaterThan(0);
      expect(c.transactions).toBeGreaterThan(0);
      expect(c.transactions).toBeLessThanOrEqual(c.statements + c.rolledBack);
    });

    it('count a statement outside a transaction as one statement and one transaction', async () => {
      expect(await delta(() => store.database.query('SELECT 1'))).toEqual({
        statements: 1,
        transactions: 1,
        rolledBack: 0,
      });
      expect(await delta(() => store.database.exec('SELECT 1; SELECT 2'))).toEqual({
        statements: 1,
        transactions: 1,
        rolledBack: 0,
      });
    });

    it('count every statement inside a committed transaction, and the transaction once', async () => {
      const counted = await delta(() =>
        store.database.transaction(async (tx) => {
          await tx.query('SELECT 1');
          await tx.query('SELECT $1::int AS n', [2]);
          await tx.exec('SELECT 3');
        }),
      );
      expect(counted).toEqual({ statements: 3, transactions: 1, rolledBack: 0 });
      // The transaction's options add no counted statement.
      expect(
        await delta(() =>
          store.database.transaction((tx) => tx.query('SELECT 1'), {
            isolation: 'serializable',
            readOnly: true,
          }),
        ),
      ).toEqual({ statements: 1, transactions: 1, rolledBack: 0 });
    });

    it('count a rolled-back transaction, its statements included', async () => {
      const counted = await delta(() =>
        store.database
          .transaction(async (tx) => {
            await tx.query('SELECT 1');
            await tx.query('SELECT * FROM no_such_table_anywhere');
          })
          .then(
            () => expect.unreachable('the transaction should fail'),
            (error: unknown) => expect(isStoreError(error)).toBe(true),
          ),
      );
      expect(counted).toEqual({ statements: 2, transactions: 1, rolledBack: 1 });
      const thrown = await delta(() =>
        store.database
          .transaction(async () => {
            throw new Error('given up by the caller');
          })
          .catch(() => undefined),
      );
      expect(thrown).toEqual({ statements: 0, transactions: 1, rolledBack: 1 });
    });

    it("count the repositories' work: a risk-state write is statements in one transaction", async () => {
      const counted = await delta(() =>
        store.riskState.saveTradingState({
          state: 'halted',
          code: 'KILL_SWITCH',
          reason: 'r',
          by: 'ops',
          at: T0,
        }),
      );
      expect(counted.transactions).toBe(1);
      expect(counted.statements).toBeGreaterThanOrEqual(1);
      expect(counted.rolledBack).toBe(0);
    });

    it('are read-only snapshots', () => {
      const snapshot = store.counters;
      const again = store.counters;
      expect(again).toEqual(snapshot);
      expect(again).not.toBe(snapshot);
    });
  });
});
