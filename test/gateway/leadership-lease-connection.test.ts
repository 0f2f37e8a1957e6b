import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Leadership } from '../../src/gateway/leadership/leadership.ts';
import type { Database } from '../../src/store/database.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName } from '../store/harness.ts';

// A leader and a contending standby on one PostgreSQL schema, each with a pool of its own, the
// way two `riskgate serve` processes share a server. The server is required in CI; elsewhere
// the file is skipped with the reason.
const url = process.env.DATABASE_URL;
if (url === undefined || url === '') {
  if (process.env.CI === 'true')
    throw new Error('CI=true but DATABASE_URL is not set: the leadership tests need PostgreSQL');
  console.warn(
    'skipping the lease connection tests: DATABASE_URL is not set (a PostgreSQL server is needed)',
  );
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** The gateway's default lease. */
const TTL_MS = 2_000;
const POOL_SIZE = 4;
/** How long each write transaction of the load keeps its connection, in seconds: well past the TTL. */
const HOLD_S = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: 'silent' });

async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe.skipIf(url === undefined || url === '')('leadership on a PostgreSQL server', () => {
  const schema = freshSchemaName('rg_busy');
  // Tells this file's connections apart from those of anything else on the server.
  const applicationName = schema;
  let leaderDb: Database;
  let standbyDb: Database;
  let leaderStore: Store;
  let standbyStore: Store;
  const started: Leadership[] = [];

  beforeAll(async () => {
    leaderDb = await openPgDatabase({ connectionString: url!, maxConnections: POOL_SIZE, applicationName });
    standbyDb = await openPgDatabase({ connectionString: url!, maxConnections: 2 });
    leaderStore = await createStore(leaderDb, { schema });
    standbyStore = await createStore(standbyDb, { schema });
  });
  afterAll(async () => {
    for (const l of started) await l.stop();
    await leaderStore?.close();
    await standbyStore?.close();
    await leaderDb?.close();
    await standbyDb?.close();
    await dropSchema(url!, schema);
  });

  const make = (instanceId: string, db: Database, store: Store) => {
    const leadership = new Leadership({
      instanceId,
      lease: store.lease,
      ttlMs: TTL_MS,
      log: silent,
      setEpoch: (epoch) => db.setEpoch(epoch),
    });
    started.push(leadership);
    return leadership;
  };

  it('keeps renewing and leading while every pooled connection is held by writes of its epoch', async () => {
    const leader = make('leader', leaderDb, leaderStore);
    await leader.start();
    expect(leader.role).toBe('leader');
    const epoch = leader.epoch!;
    const standby = make('standby', standbyDb, standbyStore);
    await standby.start();
    expect(standby.role).toBe('standby');
    let promoted = false;
    let lost = false;
    standby.onPromoted(() => {
      promoted = true;
    });
    leader.onLost(() => {
      lost = true;
    });
    standby.contend();

    const before = (await standbyStore.lease.read())!;
    // Twice as many long write transactions as the pool has connections: every connection is
    // taken, more work waits for one, and each transaction holds what its fenced write locked.
    let running = true;
    const load = Promise.all(
      Array.from({ length: POOL_SIZE * 2 }, (_, i) =>
        leaderDb.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO ${leaderStore.tables.counters} (name, value, updated_at) VALUES ($1, '1', now())
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
            [`busy-${i}`],
          );
          await tx.query('SELECT pg_sleep($1)', [HOLD_S]);
        }),
      ),
    ).finally(() => {
      running = false;
    });
    // Whether the leader could act, looked at all along the load.
    let samples = 0;
    let refused = 0;
    // Renewals seen from outside (the standby's pool is free) while the load runs.
    const renewals = new Set<number>();
    while (running) {
      samples++;
      if (!leader.canAct()) refused++;
      if (samples % 10 === 0) {
        const seen = await standbyStore.lease.read();
        if (running && seen !== null && seen.renewedAt > before.renewedAt) renewals.add(seen.renewedAt);
      }
      await sleep(25);
    }
    await load;
    const after = (await standbyStore.lease.read())!;

    expect(samples).toBeGreaterThan(0);
    expect({ refused, lost, promoted }).toEqual({ refused: 0, lost: false, promoted: false });
    expect(leader.role).toBe('leader');
    expect(standby.role).toBe('standby');
    expect(after).toMatchObject({ holder: 'leader', epoch });
    // Renewed while the load held the pool, not only once it was over.
    expect(renewals.size).toBeGreaterThan(1);
  });

  /** Backend pids of the leader's lease connection. */
  const leaseBackends = async (): Promise<number[]> => {
    const { rows } = await leaderDb.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1`,
      [`${applicationName}-lease`],
    );
    return rows.map((r) => r.pid);
  };

  it('reopens its lease connection when the server drops it, and goes on leading', async () => {
    const leader = started.find((l) => l.instanceId === 'leader')!;
    expect(leader.role).toBe('leader');
    const epoch = leader.epoch!;
    const before = await leaseBackends();
    expect(before).toHaveLength(1);
    await leaderDb.query(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [
      before.map(String),
    ]);
    const cut = (await standbyStore.lease.read())!;
    // Renewed again after the cut, through connections opened anew.
    await eventually(
      async () => ((await standbyStore.lease.read())?.renewedAt ?? 0) > cut.now,
      'a renewal after the cut',
    );
    const after = await leaseBackends();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect(leader.role).toBe('leader');
    expect(leader.epoch).toBe(epoch);
    await eventually(() => leader.canAct(), 'the leader acting');
  });

  it('stops acting when its renewals cannot run before the lease may lapse, and acts again once they do', async () => {
    const leader = started.find((l) => l.instanceId === 'leader')!;
    expect(leader.role).toBe('leader');
    const epoch = leader.epoch!;
    // Another session locks the lease row for update: every renewal waits on it until its
    // statement timeout. (The standby's takeovers are refused meanwhile for the same reason.)
    const blocker = new pg.Client({ connectionString: url! });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`SELECT 1 FROM ${leaderStore.tables.leader_lease} FOR UPDATE`);
      await eventually(() => !leader.canAct(), 'the leader to stop acting');
      expect(leader.role).toBe('leader');
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    await eventually(() => leader.canAct(), 'the leader acting again');
    expect(leader.epoch).toBe(epoch);
  });
});
