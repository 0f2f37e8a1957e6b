import { describe, expect, it } from 'vitest';
import { SerialQueues } from './serial-queues.ts';

describe('SerialQueues', () => {
  it('runs the work of one key in order, even when it fails, and keys side by side', async () => {
    const queues = new SerialQueues();
    const log: string[] = [];
    const step =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const a1 = queues.run('a', step('a1', 20, true));
    const a2 = queues.run('a', step('a2', 1));
    const b1 = queues.run('b', step('b1', 1));
    await expect(a1).rejects.toThrow('a1');
    expect(await a2).toBe('a2');
    expect(await b1).toBe('b1');
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await queues.idle();
    expect(queues.busy('a')).toBe(false);
  });
});
