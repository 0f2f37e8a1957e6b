import { expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import { forEachBackend, type TestBackend } from './harness.ts';

/**
 * The dashboard's queries can use their indexes. The tables are tiny in a test, so the planner
 * is told to avoid sequential scans: the point is that an index *applies*, not the cost model.
 */
function explainSuite(backend: TestBackend): void {
  const plan = async (store: Store, sql: string, params: readonly unknown[] = []): Promise<string> =>
    store.database.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });

  it('uses an index for each dashboard query', async () => {
    await backend.setUp();
    const store = await backend.freshStore();
    try {
      const t = store.tables;
      expect(
        await plan(
          store,
          `SELECT * FROM ${t.audit_log} WHERE kind = 'decision' ORDER BY at DESC, seq DESC LIMIT 50`,
        ),
      ).toContain('audit_log_kind_at_idx');
      expect(
        await plan(
          store,
          `SELECT c.code, count(*) FROM ${t.audit_log} a CROSS JOIN LATERAL unnest(a.codes) AS c(code)
           WHERE a.outcome = 'deny' AND a.at >= now() - interval '30 days' GROUP BY 1`,
        ),
      ).toContain('audit_log_denials_at_idx');
      expect(await plan(store, `SELECT * FROM ${t.audit_log} WHERE codes @> ARRAY['X']::text[]`)).toContain(
        'audit_log_codes_idx',
      );
      expect(
        await plan(store, `SELECT * FROM ${t.breaker_events} ORDER BY at DESC, id DESC LIMIT 20`),
      ).toContain('breaker_events_at_idx');
      expect(
        await plan(store, `SELECT * FROM ${t.equity_marks} ORDER BY at DESC, id DESC LIMIT 500`),
      ).toContain('equity_marks_at_idx');
      expect(
        await plan(
          store,
          `SELECT * FROM ${t.orders} WHERE status NOT IN ('filled', 'canceled', 'expired', 'rejected', 'replaced', 'submit_failed') ORDER BY created_at`,
        ),
      ).toContain('orders_working_idx');
    } finally {
      await store.close();
      await backend.tearDown();
    }
  });
}

forEachBackend(explainSuite);
