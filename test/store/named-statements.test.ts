import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { namedStatementsFrom, openStore } from '../../src/store/open-store.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName, serverUrl, useGenerousTimeouts } from './harness.ts';

// Statements prepared once per server connection. Needs the server (required in CI); elsewhere
// only the setting's own checks run.
const url = serverUrl();
if (url === undefined)
  console.warn('skipping the named-statement tests on a server: DATABASE_URL is not set');
useGenerousTimeouts();

describe('the named-statements setting', () => {
  it('is on unless the option or RISKGATE_PG_NAMED_STATEMENTS says off', () => {
    expect(namedStatementsFrom({ env: {} })).toBe(true);
    expect(namedStatementsFrom({ env: { RISKGATE_PG_NAMED_STATEMENTS: 'on' } })).toBe(true);
    expect(namedStatementsFrom({ env: { RISKGATE_PG_NAMED_STATEMENTS: 'off' } })).toBe(false);
    expect(namedStatementsFrom({ namedStatements: true, env: { RISKGATE_PG_NAMED_STATEMENTS: 'off' } })).toBe(
      true,
    );
  });

  it('refuses any other value, naming the variable and what it expects, before opening anything', async () => {
    await expect(
      openStore({
        databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
        env: { RISKGATE_PG_NAMED_STATEMENTS: 'yes' },
      }),
    ).rejects.toThrow('RISKGATE_PG_NAMED_STATEMENTS: got "yes", expected "on" or "off"');
  });
});

describe.skipIf(url === undefined)('store statements on the PostgreSQL server', () => {
  const schema = freshSchemaName('rg_named');
  const opened: Array<{ db: Database; store: Store }> = [];
  const open = async (namedStatements: boolean) => {
    const db = await openPgDatabase({ connectionString: url!, maxConnections: 1, namedStatements });
    const store = await createStore(db, { schema });
    opened.push({ db, store });
    return { db, store };
  };
  /** Names of the statements prepared on the pool's one connection. */
  const prepared = async (db: Database) =>
    (
      await db.transaction((tx) =>
        tx.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'rg\\_%'`),
      )
    ).rows.map((r) => r.name);
  const intent = (id: string) => ({
    clientOrderId: id,
    symbol: 'AAPL',
    side: 'buy' as const,
    qty: 1,
    type: 'limit' as const,
    timeInForce: 'day' as const,
    limitPrice: 100,
  });

  beforeAll(async () => {
    await open(true);
  });
  afterAll(async () => {
    for (const { store, db } of opened) {
      await store.close();
      await db.close();
    }
    await dropSchema(url!, schema);
  });

  it('prepares each statement once on a connection and reuses it', async () => {
    const { db, store } = opened[0]!;
    await store.orders.recordIntent(intent('named-1'), { at: Date.now() });
    const afterOne = await prepared(db);
    expect(afterOne.length).toBeGreaterThan(0);
    await store.orders.recordIntent(intent('named-2'), { at: Date.now() });
    expect((await store.orders.recordIntent(intent('named-1'), { at: Date.now() })).created).toBe(false);
    expect(await prepared(db)).toEqual(afterOne);
    expect((await store.orders.get('named-2'))?.clientOrderId).toBe('named-2');
    // A statement without parameters goes unnamed, by the simple protocol, as before.
    const beforePlain = await prepared(db);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await prepared(db)).toEqual(beforePlain);
  });

  it('prepares nothing when named statements are off', async () => {
    const { db, store } = await open(false);
    await store.orders.recordIntent(intent('unnamed-1'), { at: Date.now() });
    expect((await store.orders.get('unnamed-1'))?.clientOrderId).toBe('unnamed-1');
    expect(await prepared(db)).toEqual([]);
  });
});
