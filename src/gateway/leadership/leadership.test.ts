import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { Leadership } from './leadership.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TTL_MS = 400;

describe('Leadership', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ memory: true });
  }, 120_000);
  afterAll(async () => {
    await store.close();
  });

  const make = (instanceId: string) =>
    new Leadership({
      instanceId,
      lease: store.lease,
      ttlMs: TTL_MS,
      log: pino({ level: 'silent' }),
      setEpoch: () => undefined,
    });

  it('leads at once when the lease is free, and releases it on stop so another takes it at once', async () => {
    const a = make('a');
    await a.start();
    expect(a.role).toBe('leader');
    expect(a.canAct()).toBe(true);
    const b = make('b');
    await b.start();
    expect(b.role).toBe('standby');
    expect(b.view()).toMatchObject({ role: 'standby', leaderId: 'a', acting: false });
    await a.stop();
    expect(a.canAct()).toBe(false);
    const promoted = new Promise<number>((resolve) => b.onPromoted(resolve));
    b.contend();
    expect(await promoted).toBe((await store.lease.read())!.epoch);
    expect(b.canAct()).toBe(true);
    await b.stop();
  });

  it('does not take a lapsed lease before it is told to contend, so no promotion goes unheard', async () => {
    const holder = make('holder');
    await holder.start();
    const standby = make('standby');
    await standby.start();
    expect(standby.role).toBe('standby');
    // The holder dies without releasing: its lease lapses.
    await holder.stop().catch(() => undefined);
    await store.lease.acquire('ghost', TTL_MS);
    await sleep(TTL_MS * 3);
    expect(standby.role).toBe('standby');
    expect((await store.lease.read())!.holder).toBe('ghost');
    const promoted = new Promise<number>((resolve) => standby.onPromoted(resolve));
    standby.contend();
    await promoted;
    expect(standby.role).toBe('leader');
    await standby.stop();
  });

  it('stops acting before its lease can lapse when renewals stop, and learns it lost the lead on the next renewal', async () => {
    const a = make('renewer');
    await a.start();
    if (a.role !== 'leader') {
      await sleep(TTL_MS * 2);
      const promoted = new Promise<number>((resolve) => a.onPromoted(resolve));
      a.contend();
      await promoted;
    }
    const epoch = a.epoch!;
    const lost = new Promise((resolve) => a.onLost(resolve));
    // Another instance takes over behind its back (as after a long pause of this process).
    await store.database.query(`UPDATE ${store.tables.leader_lease} SET expires_at = clock_timestamp()`);
    const taken = await store.lease.acquire('usurper', 60_000);
    expect(taken).toMatchObject({ held: true, lease: { epoch: epoch + 1 } });
    await lost;
    expect(a.role).toBe('standby');
    expect(a.canAct()).toBe(false);
    await a.stop();
  });

  it('acts no more once stopped, even when a renewal in flight then succeeds', async () => {
    const ttlMs = 4_000; // renewals every second
    const a = new Leadership({
      instanceId: 'closing',
      lease: store.lease,
      ttlMs,
      log: pino({ level: 'silent' }),
      setEpoch: () => undefined,
    });
    // Whatever an earlier test left holding the lease lapses first.
    await store.database.query(`UPDATE ${store.tables.leader_lease} SET expires_at = clock_timestamp()`);
    await a.start();
    expect(a.role).toBe('leader');
    // The store is held busy across the next renewal, so that it is in flight when stop() comes.
    let stopping: Promise<void> | undefined;
    await store.database.transaction(async () => {
      await sleep(1_300);
      stopping = a.stop();
      await sleep(200);
    });
    await stopping;
    expect(a.canAct()).toBe(false);
    expect((await store.lease.read())!.expiresAt).toBeLessThanOrEqual((await store.lease.read())!.now);
  });
});
