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
    const pacer = new Pacer({ requestsPerMinute: 2, maxConcurrent: 10, now: () => Date.now() });
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
    const pacer = new Pacer({ requestsPerMinute: 2, maxConcurrent: 10, now: () => Date.now() });
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
