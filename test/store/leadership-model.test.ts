import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.ts';
import { isStoreError } from '../../src/store/errors.ts';
import { openPgDatabase } from '../../src/store/pg-database.ts';
import { createStore, type Store } from '../../src/store/store.ts';
import { dropSchema, freshSchemaName, serverUrl, useGenerousTimeouts } from './harness.ts';

// Random interleavings of three instances taking, renewing and releasing the lead and writing the
// account's state, against the real server (each instance its own pool), checked against a model
// after every step: a write lands exactly when it carries the epoch of the lease in force, epochs
// only grow, and the lease is whatever the model says.
const url = serverUrl();
const RUNS = Number(process.env.RISKGATE_LEASE_MODEL_RUNS ?? 25);
const INSTANCES = 3;
/** Long enough never to lapse by itself during a run; lapses are a step of their own. */
const TTL_MS = 600_000;

type Step =
  | { readonly kind: 'acquire'; readonly who: number }
  | { readonly kind: 'renew'; readonly who: number }
  | { readonly kind: 'release'; readonly who: number }
  | { readonly kind: 'write'; readonly who: number }
  | { readonly kind: 'lapse' };

const who = fc.integer({ min: 0, max: INSTANCES - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  who.map((w) => ({ kind: 'acquire', who: w }) as const),
  who.map((w) => ({ kind: 'renew', who: w }) as const),
  who.map((w) => ({ kind: 'release', who: w }) as const),
  who.map((w) => ({ kind: 'write', who: w }) as const),
  who.map((w) => ({ kind: 'write', who: w }) as const),
  fc.constant({ kind: 'lapse' } as const),
);

describe.skipIf(url === undefined)('the lease and its fencing under random interleavings', () => {
  useGenerousTimeouts();
  const databases: Database[] = [];
  const stores: Store[] = [];
  const schemas: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < INSTANCES; i++)
      databases.push(await openPgDatabase({ connectionString: url!, maxConnections: 2 }));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const d of databases) await d.close();
    for (const schema of schemas) await dropSchema(url!, schema);
  });

  it('lets a write land exactly when it carries the epoch of the lease in force', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const schema = freshSchemaName('rg_lease_model');
        schemas.push(schema);
        const instances: Store[] = [];
        for (const db of databases) {
          db.setEpoch(null);
          const s = await createStore(db, { schema });
          stores.push(s);
          instances.push(s);
        }
        const holderId = (i: number) => `instance-${i}`;
        let lease = null as { holder: number; epoch: number; live: boolean } | null;
        const mine: (number | null)[] = Array.from({ length: INSTANCES }, () => null);
        let lastEpoch = 0;
        for (const s of steps) {
          if (s.kind === 'lapse') {
            await instances[0]!.database.query(
              `UPDATE "${schema}".leader_lease SET expires_at = clock_timestamp() - interval '1 millisecond'`,
            );
            if (lease !== null) lease = { ...lease, live: false };
            continue;
          }
          const store = instances[s.who]!;
          const db = databases[s.who]!;
          switch (s.kind) {
            case 'acquire': {
              const outcome = await store.lease.acquire(holderId(s.who), TTL_MS);
              const expected = lease === null || !lease.live || lease.holder === s.who;
              expect(outcome.held).toBe(expected);
              if (outcome.held) {
                expect(outcome.lease.epoch).toBe((lease?.epoch ?? 0) + 1);
                lease = { holder: s.who, epoch: outcome.lease.epoch, live: true };
                mine[s.who] = outcome.lease.epoch;
                db.setEpoch(outcome.lease.epoch);
              }
              break;
            }
            case 'renew': {
              const epoch = mine[s.who] ?? null;
              if (epoch === null) continue;
              const outcome = await store.lease.renew(holderId(s.who), epoch, TTL_MS);
              const expected = lease !== null && lease.holder === s.who && lease.epoch === epoch;
              expect(outcome.held).toBe(expected);
              if (outcome.held) lease = { ...lease!, live: true };
              break;
            }
            case 'release': {
              const epoch = mine[s.who] ?? null;
              if (epoch === null) continue;
              const released = await store.lease.release(holderId(s.who), epoch);
              const expected = lease !== null && lease.holder === s.who && lease.epoch === epoch;
              expect(released).toBe(expected);
              if (released) lease = { ...lease!, live: false };
              break;
            }
            case 'write': {
              const landed = await store.riskState.saveCounter('model', s.who, Date.now()).then(
                () => true,
                (error: unknown) => {
                  if (!isStoreError(error, 'STORE_FENCED')) throw error;
                  return false;
                },
              );
              // Before anyone led, anything writes; after, only the epoch of the lease in force.
              const expected = lease === null || mine[s.who] === lease.epoch;
              expect(landed).toBe(expected);
              break;
            }
          }
          const stored = await store.lease.read();
          expect(stored?.epoch ?? 0).toBeGreaterThanOrEqual(lastEpoch);
          lastEpoch = stored?.epoch ?? 0;
          expect(stored === null ? null : { holder: stored.holder, epoch: stored.epoch }).toEqual(
            lease === null ? null : { holder: holderId(lease.holder), epoch: lease.epoch },
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});
