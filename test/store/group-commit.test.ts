import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStoreError } from '../../src/store/errors.ts';
import { GroupCommitWriter } from '../../src/store/group-commit.ts';

/** A commit function whose batches complete only when the test says so. */
function controlledCommit() {
  const batches: Array<{ items: readonly number[]; finish: (error?: Error) => void }> = [];
  const waiters: Array<() => void> = [];
  const commit = (items: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      batches.push({
        items,
        finish: (error) => (error === undefined ? resolve(items.map((i) => `ok:${i}`)) : reject(error)),
      });
      for (const wake of waiters.splice(0)) wake();
    });
  /** Resolves when at least `n` batches have started. */
  const started = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (batches.length >= n ? resolve() : waiters.push(check));
      check();
    });
  return { commit, batches, started };
}

function settledFlags<T>(promises: ReadonlyArray<Promise<T>>): { settled: boolean[] } {
  const state = { settled: promises.map(() => false) };
  promises.forEach((p, i) => {
    p.then(
      () => {
        state.settled[i] = true;
      },
      () => {
        state.settled[i] = true;
      },
    );
  });
  return state;
}

describe('GroupCommitWriter', () => {
  it('acknowledges no append before the commit of its batch has finished', async () => {
    const { commit, batches, started } = controlledCommit();
    const writer = new GroupCommitWriter(commit, { maxDelayMs: 1, maxItems: 100 });
    const promises = [1, 2, 3].map((i) => writer.append(i));
    const state = settledFlags(promises);
    await started(1);
    await new Promise((r) => setImmediate(r));
    expect(state.settled).toEqual([false, false, false]);
    batches[0]?.finish();
    expect(await Promise.all(promises)).toEqual(['ok:1', 'ok:2', 'ok:3']);
  });

  it('gathers appends made during a commit into the next batch', async () => {
    const { commit, batches, started } = controlledCommit();
    const writer = new GroupCommitWriter(commit, { maxDelayMs: 1, maxItems: 100 });
    const first = writer.append(1);
    await started(1);
    const later = [2, 3, 4].map((i) => writer.append(i));
    expect(writer.pending).toBe(3);
    batches[0]?.finish();
    await first;
    await started(2);
    expect(batches[1]?.items).toEqual([2, 3, 4]);
    batches[1]?.finish();
    expect(await Promise.all(later)).toEqual(['ok:2', 'ok:3', 'ok:4']);
  });

  it('rejects every caller of a failed batch and carries on with the next', async () => {
    const { commit, batches, started } = controlledCommit();
    const writer = new GroupCommitWriter(commit, { maxDelayMs: 1, maxItems: 2 });
    const doomed = [1, 2].map((i) => writer.append(i));
    const fine = writer.append(3);
    await started(1);
    batches[0]?.finish(new Error('disk full'));
    await Promise.all(doomed.map((p) => expect(p).rejects.toThrow('disk full')));
    await started(2);
    batches[1]?.finish();
    expect(await fine).toBe('ok:3');
    expect(writer.stats).toMatchObject({ batches: 2, items: 3, failedBatches: 1, largestBatch: 2 });
  });

  it('flushes on close and refuses appends afterwards', async () => {
    const writer = new GroupCommitWriter(async (items: readonly number[]) => items.map((i) => i * 2), {
      maxDelayMs: 10_000,
    });
    const pending = writer.append(21);
    await writer.close();
    expect(await pending).toBe(42);
    const refused = await writer.append(1).catch((e: unknown) => e);
    expect(isStoreError(refused, 'STORE_CLOSED')).toBe(true);
  });

  it('returns each caller its own result, in order, in batches no larger than maxItems', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 16 }),
        async (bursts, maxItems) => {
          const seen: number[][] = [];
          const writer = new GroupCommitWriter(
            async (items: readonly number[]) => {
              seen.push([...items]);
              await new Promise((r) => setImmediate(r));
              return items.map((i) => -i);
            },
            { maxDelayMs: 0, maxItems },
          );
          let next = 0;
          const all: Array<Promise<number>> = [];
          for (const size of bursts) {
            for (let i = 0; i < size; i++) all.push(writer.append(next++));
            await new Promise((r) => setImmediate(r));
          }
          const results = await Promise.all(all);
          expect(results).toEqual(all.map((_, i) => -i));
          expect(seen.flat()).toEqual(all.map((_, i) => i));
          expect(seen.every((batch) => batch.length <= maxItems)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
