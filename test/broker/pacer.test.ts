import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer, type RequestKind } from '../../src/broker/alpaca/pacer.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder(pacer: Pacer) {
  const ran: string[] = [];
  const run = (kind: RequestKind, name: string) =>
    pacer.schedule(kind, async () => {
      ran.push(name);
    });
  return { ran, run };
}

describe('Pacer', () => {
  it('keeps within the requests-per-minute budget', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 2,
      maxConcurrent: 10,
      clientSharePercent: 100,
      now: () => Date.now(),
    });
    const { ran, run } = recorder(pacer);
    const all = Promise.all([run('read', 'a'), run('read', 'b'), run('read', 'c')]);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(ran).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(1_000);
    await all;
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('waits for the reset when the broker reports no requests remaining', async () => {
    const pacer = new Pacer({ requestsPerMinute: 200, now: () => Date.now() });
    pacer.observe({ limit: 200, remaining: 0, resetAtMs: Date.now() + 5_000 });
    const { ran, run } = recorder(pacer);
    const done = run('read', 'a');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(ran).toEqual(['a']);
  });

  it('orders waiting requests: cancels, exits, entries, reads; first come first served within a kind', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 2,
      maxConcurrent: 10,
      clientSharePercent: 100,
      now: () => Date.now(),
    });
    const { ran, run } = recorder(pacer);
    await Promise.all([run('read', 'warm-1'), run('read', 'warm-2')]);
    const all = Promise.all([
      run('read', 'read-1'),
      run('entry', 'entry-1'),
      run('exit', 'exit-1'),
      run('cancel', 'cancel-1'),
      run('entry', 'entry-2'),
      run('cancel', 'cancel-2'),
    ]);
    for (let minute = 0; minute < 3; minute++) await vi.advanceTimersByTimeAsync(60_000);
    await all;
    expect(ran.slice(2)).toEqual(['cancel-1', 'cancel-2', 'exit-1', 'entry-1', 'entry-2', 'read-1']);
  });

  it('refuses what is still waiting when closed', async () => {
    const pacer = new Pacer({ requestsPerMinute: 1, now: () => Date.now() });
    const { run } = recorder(pacer);
    await run('read', 'a');
    const waiting = run('read', 'b');
    pacer.close();
    await expect(waiting).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('Pacer reserve for the priority classes', () => {
  it('lets entries and client reads use only their share of the minute; the rest stays for polls, cancels and exits', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 10,
      maxConcurrent: 100,
      clientSharePercent: 40,
      now: () => Date.now(),
    });
    const { ran, run } = recorder(pacer);
    const flood = Promise.all([
      ...Array.from({ length: 20 }, (_, i) => run('entry', `entry-${i}`)),
      ...Array.from({ length: 5 }, (_, i) => run('read', `read-${i}`)),
    ]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toHaveLength(4);
    // Arriving after the flood, the reserved classes still go at once.
    await Promise.all([
      run('monitor', 'quotes'),
      run('monitor', 'account'),
      run('exit', 'stop'),
      run('cancel', 'cancel'),
    ]);
    expect(ran.slice(4)).toEqual(['quotes', 'account', 'stop', 'cancel']);
    const snapshot = pacer.snapshot();
    expect(snapshot).toMatchObject({ limit: 10, clientLimit: 4 });
    expect(snapshot.sent).toEqual({ cancel: 1, exit: 1, monitor: 2, entry: 4, read: 0 });
    expect(snapshot.waiting).toMatchObject({ entry: 16, read: 5 });
    // A minute later the next share of the flood goes, and no more.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ran).toHaveLength(12);
    pacer.close();
    await flood.catch(() => undefined);
  });

  it('may give the priority classes the whole minute when client traffic is quiet', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 6,
      maxConcurrent: 100,
      clientSharePercent: 50,
      now: () => Date.now(),
    });
    const { ran, run } = recorder(pacer);
    await Promise.all(Array.from({ length: 6 }, (_, i) => run('monitor', `poll-${i}`)));
    expect(ran).toHaveLength(6);
    const entry = run('entry', 'entry');
    await vi.advanceTimersByTimeAsync(59_000);
    expect(ran).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(1_000);
    await entry;
    expect(ran).toHaveLength(7);
  });

  it('keeps slots in flight free for the priority classes while client requests hang', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 1_000,
      maxConcurrent: 4,
      clientSharePercent: 50,
      now: () => Date.now(),
    });
    const release: Array<() => void> = [];
    const hung = Array.from({ length: 6 }, () =>
      pacer.schedule('entry', () => new Promise<void>((resolve) => release.push(resolve))),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(release).toHaveLength(2);
    const { ran, run } = recorder(pacer);
    await Promise.all([run('monitor', 'quotes'), run('exit', 'stop')]);
    expect(ran).toEqual(['quotes', 'stop']);
    expect(pacer.snapshot()).toMatchObject({ clientConcurrent: 2, waiting: { entry: 4 } });
    pacer.close();
    for (const r of release) r();
    await Promise.allSettled(hung);
  });

  it('leaves what the broker reports remaining to the priority classes once it falls to the reserve', async () => {
    const pacer = new Pacer({
      requestsPerMinute: 200,
      maxConcurrent: 100,
      clientSharePercent: 50,
      now: () => Date.now(),
    });
    // The broker allows 200 a minute and has 100 left: exactly the reserve of the priority classes.
    pacer.observe({ limit: 200, remaining: 100, resetAtMs: Date.now() + 30_000 });
    const { ran, run } = recorder(pacer);
    const entry = run('entry', 'entry');
    await run('monitor', 'poll');
    expect(ran).toEqual(['poll']);
    await vi.advanceTimersByTimeAsync(30_000);
    await entry;
    expect(ran).toEqual(['poll', 'entry']);
  });

  it('refuses a client share outside (0, 100]', () => {
    expect(() => new Pacer({ clientSharePercent: 0 })).toThrow(/clientSharePercent/);
    expect(() => new Pacer({ clientSharePercent: 101 })).toThrow(/clientSharePercent/);
  });
});

describe('Pacer budgets at scale', () => {
  it('keeps every rolling minute within the budget and the client share, first come first served within a kind, whatever the traffic', async () => {
    const kinds: RequestKind[] = ['cancel', 'exit', 'monitor', 'entry', 'read'];
    const client = new Set<RequestKind>(['entry', 'read']);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 3_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 400 }), fc.nat(25_000)), {
          minLength: 1,
          maxLength: 40,
        }),
        async (limit, share, bursts) => {
          vi.setSystemTime(1_000_000);
          const pacer = new Pacer({
            requestsPerMinute: limit,
            maxConcurrent: 1_000,
            clientSharePercent: share,
            now: () => Date.now(),
          });
          const clientLimit = Math.max(1, Math.floor((limit * share) / 100));
          const dispatched: Array<{ at: number; kind: RequestKind; seq: number }> = [];
          const pending: Promise<void>[] = [];
          let seq = 0;
          for (const [k, count, gapMs] of bursts) {
            const kind = kinds[k]!;
            for (let i = 0; i < count; i++) {
              const mine = seq++;
              pending.push(
                pacer.schedule(kind, async () => {
                  dispatched.push({ at: Date.now(), kind, seq: mine });
                }),
              );
            }
            await vi.advanceTimersByTimeAsync(gapMs);
            // The budget's own count of the minute is the dispatches of the last 60 s.
            const since = Date.now() - 60_000;
            const sent = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<RequestKind, number>;
            for (const d of dispatched) if (d.at > since) sent[d.kind]++;
            expect(pacer.snapshot().sent).toEqual(sent);
          }
          // Long enough for every budget to let the rest through.
          await vi.advanceTimersByTimeAsync(60_000 * (Math.ceil(seq / clientLimit) + 1));
          await Promise.all(pending);
          expect(dispatched).toHaveLength(seq);
          // Within any 60 s window: at most `limit` dispatches and `clientLimit` client ones.
          let from = 0;
          let clientInWindow = 0;
          for (let to = 0; to < dispatched.length; to++) {
            if (client.has(dispatched[to]!.kind)) clientInWindow++;
            while (dispatched[from]!.at <= dispatched[to]!.at - 60_000) {
              if (client.has(dispatched[from]!.kind)) clientInWindow--;
              from++;
            }
            expect(to - from + 1).toBeLessThanOrEqual(limit);
            expect(clientInWindow).toBeLessThanOrEqual(clientLimit);
          }
          // First come first served within a kind.
          for (const kind of kinds) {
            const order = dispatched.filter((d) => d.kind === kind).map((d) => d.seq);
            expect(order).toEqual([...order].sort((a, b) => a - b));
          }
          pacer.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});
