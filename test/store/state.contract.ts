import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY_ROLES } from '../../src/store/api-keys.ts';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { fill, intent, T0 } from './fixtures/samples.ts';
import type { TestBackend } from './harness.ts';

/** Migrations, equity and breaker history, API keys, recovery and health. */
export function stateContract(backend: TestBackend): void {
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
    const store = await backend.freshStore();
    try {
      await run(store);
    } finally {
      await store.close();
    }
  }

  it('applies every migration once and is idempotent on reopen', () =>
    withStore(async (store) => {
      expect(store.migration.created).toBe(true);
      expect(store.migration.applied).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      const { rows } = await store.database.query<{ version: number }>(
        `SELECT version FROM ${store.tables.schema_migrations} ORDER BY version`,
      );
      expect(rows.map((r) => r.version)).toEqual(store.migration.applied);
      const again = await createStore(backend.database, { schema: store.schema });
      expect(again.migration).toMatchObject({ created: false, applied: [], instanceId: store.instanceId });
      await again.close();
    }));

  it('records equity marks through the group-commit writer and reads them back', () =>
    withStore(async (store) => {
      expect(await store.equity.lastMark()).toBeNull();
      const ids = await Promise.all(
        [0, 1, 2].map((i) =>
          store.equity.recordMark({
            time: T0 + i * 60_000,
            equity: 100_000.5 + i,
            cash: 50_000.25,
            buyingPower: 200_000,
          }),
        ),
      );
      expect(new Set(ids).size).toBe(3);
      expect(await store.equity.lastMark()).toEqual({
        id: ids[2],
        time: T0 + 120_000,
        equity: 100_002.5,
        cash: 50_000.25,
        buyingPower: 200_000,
      });
      expect((await store.equity.marks({ from: T0 + 60_000 })).map((m) => m.equity)).toEqual([
        100_002.5, 100_001.5,
      ]);
      await store.riskState.raisePeakEquity(100_002.5, T0);
      expect(await store.equity.peak()).toEqual({ equity: 100_002.5, at: T0 });
      await store.riskState.saveDayStart({ sessionDate: '2024-03-15', equity: 100_000.5 }, T0);
      expect(await store.equity.dayStarts()).toEqual([{ sessionDate: '2024-03-15', equity: 100_000.5 }]);
    }));

  it('keeps breaker history with filters, newest first', () =>
    withStore(async (store) => {
      for (const [i, code] of ['DAILY_LOSS_LIMIT', 'MAX_DRAWDOWN', 'DAILY_LOSS_LIMIT'].entries()) {
        await store.riskState.saveTradingState(
          { state: 'halted', code, reason: 'r', by: 'engine', at: T0 + i },
          {
            breakerId: code.toLowerCase(),
            code,
            action: 'halted',
            flatten: false,
            message: `m${i}`,
            values: { i },
            at: T0 + i,
          },
        );
      }
      const all = await store.breakers.list();
      expect(all.map((t) => t.message)).toEqual(['m2', 'm1', 'm0']);
      expect(all[0]).toMatchObject({ code: 'DAILY_LOSS_LIMIT', values: { i: 2 }, at: T0 + 2 });
      expect((await store.breakers.list({ code: 'DAILY_LOSS_LIMIT' })).map((t) => t.message)).toEqual([
        'm2',
        'm0',
      ]);
      expect((await store.breakers.list({ from: T0 + 1, to: T0 + 2 })).map((t) => t.message)).toEqual(['m1']);
    }));

  it('stores a key of every role, the feed role included, and the schema refuses any other role', () =>
    withStore(async (store) => {
      for (const role of API_KEY_ROLES) {
        const created = await store.apiKeys.create({ role, label: role, by: 'alice', at: T0 });
        expect((await store.apiKeys.verify(created.key.keyId, created.secret))?.role).toBe(role);
      }
      await expect(
        store.database.query(
          `INSERT INTO ${store.tables.api_keys} (key_id, secret_hash, role, label, created_by, created_at)
           VALUES ('rk_00000000000000ff', 'sha256:00', 'admin', 'x', 'x', now())`,
        ),
      ).rejects.toThrow();
    }));

  it('creates API keys whose secret is shown once and stored only as a hash', () =>
    withStore(async (store) => {
      const created = await store.apiKeys.create({ role: 'trader', label: 'bot 1', by: 'alice', at: T0 });
      expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.token).toBe(`${created.key.keyId}.${created.secret}`);
      expect(await store.apiKeys.verify(created.key.keyId, created.secret)).toEqual(created.key);
      expect(await store.apiKeys.verifyToken(created.token)).toEqual(created.key);
      expect(await store.apiKeys.verify(created.key.keyId, `${created.secret.slice(0, -1)}x`)).toBeNull();
      expect(await store.apiKeys.verify('rk_0000000000000000', created.secret)).toBeNull();
      expect(await store.apiKeys.verifyToken('garbage')).toBeNull();
      const { rows } = await store.database.query<Record<string, unknown>>(
        `SELECT * FROM ${store.tables.api_keys}`,
      );
      expect(JSON.stringify(rows)).not.toContain(created.secret);
      expect(String(rows[0]?.secret_hash)).toMatch(/^sha256:[0-9a-f]{64}$/);
      const officer = await store.apiKeys.create({
        role: 'risk-officer',
        label: 'ops',
        by: 'alice',
        at: T0 + 1,
      });
      expect(await store.apiKeys.revoke(created.key.keyId, { by: 'bob', at: T0 + 2 })).toBe(true);
      expect(await store.apiKeys.revoke(created.key.keyId, { by: 'bob', at: T0 + 3 })).toBe(false);
      expect(await store.apiKeys.verify(created.key.keyId, created.secret)).toBeNull();
      const listed = await store.apiKeys.list();
      expect(listed.map((k) => [k.keyId, k.role, k.revokedBy])).toEqual([
        [created.key.keyId, 'trader', 'bob'],
        [officer.key.keyId, 'risk-officer', null],
      ]);
      const audit = await store.audit.query({ kind: 'api-key' });
      expect(audit.map((e) => [e.codes[0], e.actor])).toEqual([
        ['API_KEY_REVOKED', 'bob'],
        ['API_KEY_CREATED', 'alice'],
        ['API_KEY_CREATED', 'alice'],
      ]);
    }));

  it('recovers the latch, positions, working orders, counters and the last mark together', () =>
    withStore(async (store) => {
      await store.riskState.saveTradingState({
        state: 'reducing',
        code: 'MAX_DRAWDOWN',
        reason: 'dd',
        by: 'engine',
        at: T0,
      });
      await store.riskState.raisePeakEquity(120_000, T0);
      await store.riskState.saveDayStart({ sessionDate: '2024-03-15', equity: 110_000 }, T0);
      await store.riskState.saveCounter('loss-streak', { streak: 2 }, T0);
      await store.orders.recordIntent(intent('r-1'), { at: T0 });
      await store.orders.recordIntent(intent('r-2'), { at: T0 + 1 });
      await store.orders.recordAck('r-2', { brokerOrderId: 'b-r2', at: T0 + 2 });
      await store.fills.record(fill('r-e1', { qty: 5, price: 100 }));
      await store.equity.recordMark({ time: T0, equity: 109_000, cash: 10_000, buyingPower: 20_000 });
      const recovered = await store.recover();
      expect(recovered.risk).toEqual({
        tradingState: { state: 'reducing', code: 'MAX_DRAWDOWN', reason: 'dd', by: 'engine', at: T0 },
        peakEquity: 120_000,
        dayStart: { sessionDate: '2024-03-15', equity: 110_000 },
        counters: { 'loss-streak': { streak: 2 } },
      });
      expect(recovered.positions.positions).toEqual([{ symbol: 'AAPL', qty: 5, avgPrice: 100 }]);
      expect(recovered.workingOrders.map((o) => o.clientOrderId)).toEqual(['r-1', 'r-2']);
      expect(recovered.unacknowledgedOrders.map((o) => o.clientOrderId)).toEqual(['r-1']);
      expect(recovered.lastEquityMark).toMatchObject({ equity: 109_000, time: T0 });
    }));

  it('reports itself available while the database answers', () =>
    withStore(async (store) => {
      expect(store.isAvailable).toBe(true);
      const health = await store.health();
      expect(health).toMatchObject({
        available: true,
        driver: backend.name === 'pglite' ? 'pglite' : 'postgres',
      });
    }));
}
