import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { isStoreError } from '../../src/store/errors.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { dropSchema, forEachBackend, freshSchemaName, serverUrl, useGenerousTimeouts } from './harness.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachBackend((backend) => {
  describe('the leadership lease', () => {
    let store: Store;
    beforeAll(async () => {
      await backend.setUp();
      store = await backend.freshStore();
    });
    afterAll(async () => {
      await store.close();
      await backend.tearDown();
    });

    it('is taken by the first instance, refused to a second while it lives, and taken over with a new epoch once it lapses', async () => {
      expect(await store.lease.read()).toBeNull();
      const first = await store.lease.acquire('a', 300);
      expect(first.held).toBe(true);
      expect(first.lease?.epoch).toBe(1);
      const second = await store.lease.acquire('b', 300);
      expect(second).toMatchObject({ held: false, lease: { holder: 'a', epoch: 1 } });
      expect((await store.lease.renew('a', 1, 300)).held).toBe(true);
      await sleep(400);
      const taken = await store.lease.acquire('b', 300);
      expect(taken).toMatchObject({ held: true, lease: { holder: 'b', epoch: 2 } });
      // The former holder's renewal finds the new epoch and learns it lost the lead.
      expect(await store.lease.renew('a', 1, 300)).toMatchObject({
        held: false,
        lease: { holder: 'b', epoch: 2 },
      });
    });

    it('is released at once by a clean shutdown', async () => {
      const now = await store.lease.acquire('c', 60_000);
      // Still b's from the previous test, or lapsed: take it whichever way.
      let lease = now.lease;
      if (!now.held) {
        await sleep(400);
        lease = (await store.lease.acquire('c', 60_000)).lease;
      }
      expect(lease?.holder).toBe('c');
      expect(await store.lease.release('c', lease!.epoch)).toBe(true);
      expect(await store.lease.acquire('d', 60_000)).toMatchObject({
        held: true,
        lease: { holder: 'd', epoch: lease!.epoch + 1 },
      });
    });

    it('persists control requests in order and marks each handled once', async () => {
      const kill = await store.control.submit({
        kind: 'kill',
        payload: { reason: 'test', flatten: false },
        requestedBy: 'key1',
        receivedBy: 'standby-1',
      });
      const reset = await store.control.submit({
        kind: 'reset',
        payload: { reason: 'after review' },
        requestedBy: 'key2',
        receivedBy: 'standby-2',
      });
      expect((await store.control.pending()).map((r) => r.id)).toEqual([kill.id, reset.id]);
      expect(await store.control.markHandled(kill.id, 'leader', 3, { tradingState: 'halted' })).toBe(true);
      expect(await store.control.markHandled(kill.id, 'other', 4, {})).toBe(false);
      expect(await store.control.get(kill.id)).toMatchObject({
        handledBy: 'leader',
        handledEpoch: 3,
        outcome: { tradingState: 'halted' },
        payload: { reason: 'test', flatten: false },
      });
      expect((await store.control.pending()).map((r) => r.id)).toEqual([reset.id]);
    });

    it('announces a control request to a listener', async () => {
      const heard: string[] = [];
      const stop = await store.database.listen(store.control.channel, (payload) => heard.push(payload));
      try {
        const request = await store.control.submit({
          kind: 'kill',
          payload: {},
          requestedBy: 'k',
          receivedBy: 'i',
        });
        for (let i = 0; i < 100 && heard.length === 0; i++) await sleep(50);
        expect(heard).toEqual([String(request.id)]);
      } finally {
        await stop();
      }
    });
  });
});

// Fencing needs two connections with different epochs: two pools on one server.
const url = serverUrl();
describe.skipIf(url === undefined)('fencing on the PostgreSQL server', () => {
  useGenerousTimeouts();
  const schema = freshSchemaName('rg_fence');
  let oldDb: Database;
  let newDb: Database;
  let oldStore: Store;
  let newStore: Store;
  beforeAll(async () => {
    oldDb = await openPgDatabase({ connectionString: url!, maxConnections: 2 });
    newDb = await openPgDatabase({ connectionString: url!, maxConnections: 2 });
    oldStore = await createStore(oldDb, { schema });
    newStore = await createStore(newDb, { schema });
  });
  afterAll(async () => {
    await oldStore.close();
    await newStore.close();
    await oldDb.close();
    await newDb.close();
    await dropSchema(url!, schema);
  });

  it('refuses every state write of a former leader once another took over, and lets the new leader write', async () => {
    // Before any instance led, a bare store writes freely (tools, single-process use).
    await oldStore.riskState.saveCounter('before', 1, Date.now());
    const first = await oldStore.lease.acquire('old', 200);
    expect(first.held).toBe(true);
    oldDb.setEpoch(first.lease!.epoch);
    await oldStore.riskState.saveCounter('mine', 1, Date.now());
    // A connection that carries no epoch may not write the state once a lease exists.
    await expect(newStore.riskState.saveCounter('unfenced', 1, Date.now())).rejects.toSatisfy((e) =>
      isStoreError(e, 'STORE_FENCED'),
    );
    await sleep(300);
    const taken = await newStore.lease.acquire('new', 10_000);
    expect(taken).toMatchObject({ held: true, lease: { epoch: first.lease!.epoch + 1 } });
    newDb.setEpoch(taken.lease!.epoch);
    const refused = oldStore.riskState.saveCounter('mine', 2, Date.now());
    await expect(refused).rejects.toSatisfy((e) => isStoreError(e, 'STORE_FENCED'));
    await expect(refused).rejects.toThrow(/epoch 1, but epoch 2 leads/);
    await expect(
      oldStore.riskState.saveTradingState({
        state: 'active',
        code: 'X',
        reason: 'x',
        by: 'old',
        at: Date.now(),
      }),
    ).rejects.toSatisfy((e) => isStoreError(e, 'STORE_FENCED'));
    await newStore.riskState.saveCounter('mine', 3, Date.now());
    const loaded = await newStore.riskState.load();
    expect(loaded.counters.mine).toBe(3);
  });

  it('lets the leader renew while its writes are in flight, and makes a takeover wait for them', async () => {
    const lead = (await newStore.lease.read())!;
    expect(lead.holder).toBe('new');
    await newDb.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO ${newStore.tables.counters} (name, value, updated_at) VALUES ('in-flight', '1', now())
         ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
      );
      // This transaction holds what its fenced write locked: a renewal on the lease's own
      // connection would wait for it to commit, and so for ever, if it conflicted.
      expect((await newStore.lease.renew('new', lead.epoch, 10_000)).held).toBe(true);
      // Lapses at once, but the write of this epoch in flight keeps a takeover out until it ends.
      expect((await newStore.lease.renew('new', lead.epoch, 1)).held).toBe(true);
      await sleep(10);
      const refused = oldStore.lease.acquire('old', 10_000);
      await expect(refused).rejects.toSatisfy((e) => isStoreError(e, 'STORE_QUERY_FAILED'));
      await expect(refused).rejects.toThrow(/lock timeout|statement timeout/);
    });
    const taken = await oldStore.lease.acquire('old', 10_000);
    expect(taken).toMatchObject({ held: true, lease: { holder: 'old', epoch: lead.epoch + 1 } });
    // The write of the former epoch committed before the takeover, and none after it may.
    expect((await oldStore.riskState.load()).counters['in-flight']).toBe(1);
    await expect(newStore.riskState.saveCounter('late', 1, Date.now())).rejects.toSatisfy((e) =>
      isStoreError(e, 'STORE_FENCED'),
    );
  });
});
