import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalJournal } from '../../src/gateway/durability/local-journal.ts';
import { StoreOutageBuffer } from '../../src/gateway/durability/store-outage-buffer.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { intent, T0 } from '../store/fixtures/samples.ts';
import { dropSchema, freshSchemaName, serverUrl, tempDir, useGenerousTimeouts } from '../store/harness.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const url = serverUrl();

describe.skipIf(url === undefined)('order writes while the store connection is lost', () => {
  useGenerousTimeouts();
  const schema = freshSchemaName();
  const dir = tempDir();
  let proxy: TcpProxy;
  let store: Store;
  let journal: LocalJournal;

  beforeAll(async () => {
    const server = new URL(url!);
    proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const viaProxy = new URL(url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const db = await openPgDatabase({
      connectionString: viaProxy.toString(),
      maxConnections: 2,
      connectTimeoutMs: 1_000,
    });
    store = await createStore(db, { schema, ownsDatabase: true, groupCommit: { maxDelayMs: 5 } });
    journal = LocalJournal.open(join(dir.path, 'journal.jsonl')).journal;
  });
  afterAll(async () => {
    await store?.close();
    journal?.close();
    await proxy?.close();
    await dropSchema(url!, schema);
    dir.cleanup();
  });

  it('journals batched writes in order and writes them to the store, in order, once it is back', async () => {
    const buffer = new StoreOutageBuffer({ store, journal, entries: [], log: pino({ level: 'silent' }) });
    for (const id of ['ob-1', 'ob-2']) {
      await store.orders.recordIntent(intent(id), { at: T0 });
      await buffer.recordAck(id, { brokerOrderId: `b-${id}`, at: T0 + 1 });
    }
    await proxy.cut();
    // Made together while the connection is gone: each order's writes must reach the store in order.
    const writes = [
      buffer.transition('ob-1', { to: 'partially_filled', filledQty: 4, at: T0 + 2 }),
      buffer.transition('ob-2', { to: 'canceled', at: T0 + 2 }),
      buffer.transition('ob-1', { to: 'filled', filledQty: 10, at: T0 + 3 }),
    ];
    expect(await Promise.all(writes)).toEqual([undefined, undefined, undefined]);
    expect(buffer.pending).toBe(3);
    await proxy.restore();
    // A later write of a journalled order goes behind its journalled ones.
    expect(await buffer.transition('ob-2', { to: 'filled', filledQty: 10, at: T0 + 4 })).toBeUndefined();
    expect(await buffer.replay()).toBe(true);
    expect(buffer.pending).toBe(0);
    expect((await store.orders.history('ob-1')).map((h) => h.to)).toEqual([
      'pending_submit',
      'new',
      'partially_filled',
      'filled',
    ]);
    expect(await store.orders.get('ob-1')).toMatchObject({ status: 'filled', filledQty: 10 });
    // The cancel came first: the later fill finds the order terminal, as it would have live.
    expect(await store.orders.get('ob-2')).toMatchObject({ status: 'canceled' });
  });
});
