import { describe, expect, it } from 'vitest';
import { embeddedVixWalk } from './embedded-vix.ts';

describe('embedded VIX', () => {
  it('is the same walk for the same seed, stays between 10 and 28, and moves', () => {
    const a = embeddedVixWalk(7);
    const b = embeddedVixWalk(7);
    const values = Array.from({ length: 5_000 }, () => a());
    expect(Array.from({ length: 5_000 }, () => b())).toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values)).toBeLessThanOrEqual(28);
    expect(new Set(values).size).toBeGreaterThan(100);
  });
});
