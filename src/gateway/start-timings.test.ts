import { describe, expect, it } from 'vitest';
import { StartTimings } from './start-timings.ts';

describe('StartTimings', () => {
  it('reports each phase with its own duration and its end since the process started', () => {
    const timings = new StartTimings();
    timings.mark('imports');
    timings.mark('store open');
    const phases = timings.phases();
    expect(phases.map((p) => p.phase)).toEqual(['imports', 'store open']);
    // The first phase runs from the process start; each next one from the previous mark.
    expect(phases[0]!.ms).toBe(phases[0]!.atMs);
    expect(phases[1]!.ms).toBe(phases[1]!.atMs - phases[0]!.atMs);
    expect(timings.format().split('\n')).toHaveLength(2);
    expect(timings.format()).toMatch(/^ {2}imports {5}\s+\d+ ms {2}\(at \d+ ms\)$/m);
  });
});
