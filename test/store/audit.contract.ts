import { afterAll, beforeAll, expect, it } from 'vitest';
import { changeAuditEvent, decisionAuditEvent } from '../../src/store/audit-events.ts';
import { isStoreError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { acceptance, denial, intent, T0 } from './fixtures/samples.ts';
import type { TestBackend } from './harness.ts';

const DAY = 86_400_000;

/** The audit log: append-only, idempotent, batched, and queryable the way the dashboard needs. */
export function auditContract(backend: TestBackend): void {
  beforeAll(() => backend.setUp());
  afterAll(() => backend.tearDown());

  async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
    const store = await backend.freshStore({ groupCommit: { maxDelayMs: 5, maxItems: 64 } });
    try {
      await run(store);
    } finally {
      await store.close();
    }
  }

  it('appends decisions with their codes and resolves after the commit', () =>
    withStore(async (store) => {
      const denied = await store.audit.append(
        decisionAuditEvent(denial('d-1', ['SYMBOL_EXPOSURE_EXCEEDED', 'RATE_LIMIT_EXCEEDED']), {
          at: T0,
          actor: 'key:rk_1',
        }),
      );
      expect(denied.inserted).toBe(true);
      expect(denied.seq).toBeGreaterThan(0);
      // Visible to a separate read as soon as append resolved: the commit came first.
      const [event] = await store.audit.query({ kind: 'decision' });
      expect(event).toMatchObject({
        seq: denied.seq,
        kind: 'decision',
        outcome: 'deny',
        codes: ['SYMBOL_EXPOSURE_EXCEEDED', 'RATE_LIMIT_EXCEEDED'],
        clientOrderId: 'd-1',
        symbol: 'AAPL',
        strategy: 'sma-cross',
        actor: 'key:rk_1',
        at: T0,
      });
      expect(event?.data).toMatchObject({ decision: { kind: 'deny' } });
    }));

  it('stores an event id once, so a retried append is not duplicated', () =>
    withStore(async (store) => {
      const event = decisionAuditEvent(acceptance('a-1'), {
        order: intent('a-1'),
        at: T0,
        actor: 'engine',
        eventId: 'req-1',
      });
      const first = await store.audit.append(event);
      const [second, third] = await Promise.all([store.audit.append(event), store.audit.append(event)]);
      expect(first.inserted).toBe(true);
      expect(second).toEqual({ eventId: 'req-1', inserted: false, seq: null });
      expect(third?.inserted).toBe(false);
      expect(await store.audit.query({})).toHaveLength(1);
    }));

  it('batches concurrent appends into few transactions and keeps every event', () =>
    withStore(async (store) => {
      const before = store.audit.writerStats;
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.audit.append(
            decisionAuditEvent(acceptance(`b-${i}`), {
              order: intent(`b-${i}`),
              at: T0 + i,
              actor: 'engine',
            }),
          ),
        ),
      );
      const stats = store.audit.writerStats;
      expect(results.every((r) => r.inserted)).toBe(true);
      expect(new Set(results.map((r) => r.seq)).size).toBe(200);
      // Appended in one tick, so they can only have gone out in full batches of 64.
      expect(stats.batches - before.batches).toBeLessThanOrEqual(Math.ceil(200 / 64));
      expect(stats.largestBatch).toBeLessThanOrEqual(64);
      // Order of the log follows the order of the calls.
      const seqs = results.map((r) => r.seq ?? 0);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(await store.audit.lastDecisions(500)).toHaveLength(200);
    }));

  it('rejects UPDATE, DELETE and TRUNCATE of the audit log', async () =>
    withStore(async (store) => {
      await store.audit.append({ at: T0, kind: 'order', actor: 'ops', message: 'manual cancel' });
      const log = store.tables.audit_log;
      for (const statement of [`UPDATE ${log} SET actor = 'x'`, `DELETE FROM ${log}`, `TRUNCATE ${log}`]) {
        const error = await store.database.query(statement).catch((e: unknown) => e);
        expect(isStoreError(error, 'STORE_QUERY_FAILED')).toBe(true);
        expect(isStoreError(error) && error.sqlState).toBe('RG001');
        expect(String(error)).toMatch(/append-only/);
      }
      expect(await store.audit.query({})).toHaveLength(1);
      expect(store.isAvailable).toBe(true);
    }));

  it('filters by kind, code, outcome, time range and limit, newest first', () =>
    withStore(async (store) => {
      await Promise.all([
        store.audit.append(
          decisionAuditEvent(denial('q-1', ['RATE_LIMIT_EXCEEDED']), { at: T0, actor: 'e' }),
        ),
        store.audit.append(
          decisionAuditEvent(acceptance('q-2'), { order: intent('q-2'), at: T0 + 1000, actor: 'e' }),
        ),
        store.audit.append(
          decisionAuditEvent(denial('q-3', ['RESTRICTED_SYMBOL']), { at: T0 + 2000, actor: 'e' }),
        ),
        store.audit.append({ at: T0 + 3000, kind: 'kill-switch', actor: 'ops', codes: ['KILL_SWITCH'] }),
      ]);
      const ids = (events: ReadonlyArray<{ clientOrderId: string | null; kind: string }>) =>
        events.map((e) => e.clientOrderId ?? e.kind);
      expect(ids(await store.audit.query({}))).toEqual(['kill-switch', 'q-3', 'q-2', 'q-1']);
      expect(ids(await store.audit.query({ kind: 'decision', limit: 2 }))).toEqual(['q-3', 'q-2']);
      expect(ids(await store.audit.query({ code: 'RATE_LIMIT_EXCEEDED' }))).toEqual(['q-1']);
      expect(ids(await store.audit.query({ outcome: 'deny' }))).toEqual(['q-3', 'q-1']);
      expect(ids(await store.audit.query({ from: T0 + 1000, to: T0 + 3000 }))).toEqual(['q-3', 'q-2']);
      expect(ids(await store.audit.query({ clientOrderId: 'q-2' }))).toEqual(['q-2']);
      const newest = await store.audit.query({ limit: 1 });
      expect(ids(await store.audit.query({ beforeSeq: newest[0]?.seq ?? 0, limit: 1 }))).toEqual(['q-3']);
    }));

  it('counts denials by code per New York trading day', () =>
    withStore(async (store) => {
      // 03:00 UTC on the 16th is still the 15th in New York.
      const lateEvening = Date.UTC(2024, 2, 16, 3, 0);
      await store.audit.append(
        decisionAuditEvent(denial('n-1', ['A_CODE', 'B_CODE']), { at: T0, actor: 'e' }),
      );
      await store.audit.append(
        decisionAuditEvent(denial('n-2', ['A_CODE']), { at: lateEvening, actor: 'e' }),
      );
      await store.audit.append(
        decisionAuditEvent(denial('n-3', ['A_CODE']), { at: T0 + DAY * 3, actor: 'e' }),
      );
      await store.audit.append(
        decisionAuditEvent(acceptance('n-4'), { order: intent('n-4'), at: T0, actor: 'e' }),
      );
      expect(await store.audit.denialsByCodePerDay()).toEqual([
        { day: '2024-03-18', code: 'A_CODE', count: 1 },
        { day: '2024-03-15', code: 'A_CODE', count: 2 },
        { day: '2024-03-15', code: 'B_CODE', count: 1 },
      ]);
      expect(await store.audit.denialsByCodePerDay({ from: T0 + DAY })).toEqual([
        { day: '2024-03-18', code: 'A_CODE', count: 1 },
      ]);
      expect(await store.audit.denialsByCodePerDay({ timeZone: 'UTC', to: T0 + DAY })).toEqual([
        { day: '2024-03-16', code: 'A_CODE', count: 1 },
        { day: '2024-03-15', code: 'A_CODE', count: 1 },
        { day: '2024-03-15', code: 'B_CODE', count: 1 },
      ]);
    }));

  it('audits a limit change with a JSON diff and who made it', () =>
    withStore(async (store) => {
      const before = { exposure: { symbol: { percent: 10 } }, restricted: ['GME'] };
      const after = { exposure: { symbol: { percent: 12 } }, restricted: ['GME', 'AMC'] };
      await store.audit.append(
        changeAuditEvent({ kind: 'limit-change', at: T0, actor: 'alice', before, after }),
      );
      const [event] = await store.audit.query({ kind: 'limit-change' });
      expect(event?.actor).toBe('alice');
      expect(event?.data).toEqual({
        diff: [
          { path: 'exposure.symbol.percent', op: 'change', before: 10, after: 12 },
          { path: 'restricted[1]', op: 'add', after: 'AMC' },
        ],
      });
    }));

  it('audits every latch transition with the state change, and resets as resets', () =>
    withStore(async (store) => {
      const trip = {
        breakerId: 'kill',
        code: 'KILL_SWITCH',
        action: 'halted' as const,
        flatten: true,
        message: 'operator pulled the kill switch',
        values: {},
        at: T0,
      };
      await store.riskState.saveTradingState(
        { state: 'halted', code: 'KILL_SWITCH', reason: 'manual', by: 'bob', at: T0 },
        trip,
      );
      await store.riskState.saveTradingState({
        state: 'active',
        code: 'RESET',
        reason: 'ok',
        by: 'carol',
        at: T0 + 1,
      });
      const events = await store.audit.query({});
      expect(events.map((e) => [e.kind, e.actor, e.codes])).toEqual([
        ['reset', 'carol', ['RESET']],
        ['kill-switch', 'bob', ['KILL_SWITCH']],
      ]);
      expect((await store.riskState.tradingStateHistory()).map((r) => r.state)).toEqual(['active', 'halted']);
    }));

  it('refuses a malformed event at the caller without failing its batch', () =>
    withStore(async (store) => {
      const good = store.audit.append({ at: T0, kind: 'order', actor: 'ops' });
      await expect(store.audit.append({ at: Number.NaN, kind: 'order', actor: 'ops' })).rejects.toThrow(
        RangeError,
      );
      await expect(store.audit.append({ at: T0, kind: 'nope' as 'order', actor: 'ops' })).rejects.toThrow(
        RangeError,
      );
      const badCodes = [42] as unknown as string[];
      await expect(
        store.audit.append({ at: T0, kind: 'order', actor: 'ops', codes: badCodes }),
      ).rejects.toThrow(TypeError);
      expect((await good).inserted).toBe(true);
    }));
}
