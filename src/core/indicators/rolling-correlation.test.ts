import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingCorrelation } from './rolling-correlation.ts';

/** Pearson correlation computed directly from two arrays. */
function pearson(x: readonly number[], y: readonly number[]): number | undefined {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = (x[k] as number) - mx;
    const dy = (y[k] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : undefined;
}

/** Average pairwise correlation over the last `window` rows, recomputed from scratch. */
function naiveAverage(rows: readonly number[][], window: number): number | undefined {
  const recent = rows.slice(-window);
  const names = recent[0]?.length ?? 0;
  const series = Array.from({ length: names }, (_, i) => recent.map((r) => r[i] as number));
  const valid = series.filter((s) => pearson(s, s) !== undefined);
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < valid.length; i++) {
    for (let j = i + 1; j < valid.length; j++) {
      total += pearson(valid[i] as number[], valid[j] as number[]) as number;
      pairs++;
    }
  }
  return pairs > 0 ? total / pairs : undefined;
}

describe('rolling average pairwise correlation', () => {
  it('matches a naive recomputation over the window after every push', () => {
    // Returns to a millionth, as market data has them (no subnormal noise).
    const returns = fc.integer({ min: -100_000, max: 100_000 }).map((k) => k / 1e6);
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 15 }),
        fc.array(fc.array(returns, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 60 }),
        (names, window, data) => {
          const rows = data.map((r) => r.slice(0, names));
          const rolling = new RollingCorrelation({ names, window, minObservations: 2 });
          rows.forEach((row, t) => {
            expect(rolling.push(row)).toEqual({ ok: true });
            const naive = t + 1 >= 2 ? naiveAverage(rows.slice(0, t + 1), window) : undefined;
            const result = rolling.average();
            if (naive === undefined) expect(result.ready).toBe(false);
            else {
              expect(result.ready).toBe(true);
              if (result.ready) expect(Math.abs(result.value - naive)).toBeLessThan(1e-9);
            }
          });
          expect(rolling.observations).toBe(Math.min(rows.length, window));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('needs the minimum observations and names', () => {
    const rolling = new RollingCorrelation({ names: 3, window: 5, minObservations: 3, minNames: 3 });
    rolling.push([0.01, 0.02, 0]);
    rolling.push([0.02, 0.01, 0]);
    expect(rolling.average()).toMatchObject({
      ready: false,
      reason: 'TOO_FEW_OBSERVATIONS',
      observations: 2,
    });
    rolling.push([-0.01, 0.0, 0]);
    // The third name has not moved: only two names have a variance.
    expect(rolling.average()).toMatchObject({ ready: false, reason: 'TOO_FEW_NAMES', names: 2 });
    rolling.push([0.03, 0.02, 0.01]);
    const ready = rolling.average();
    expect(ready.ready && ready.pairs).toBe(3);
  });

  it('reports +1 for identical series and −1 for mirrored ones', () => {
    const rolling = new RollingCorrelation({ names: 3, window: 10 });
    for (let t = 0; t < 10; t++) {
      const r = Math.sin(t) / 50;
      rolling.push([r, 2 * r, -r]);
    }
    expect(rolling.correlation(0, 1)).toBeCloseTo(1, 12);
    expect(rolling.correlation(2, 0)).toBeCloseTo(-1, 12);
    const avg = rolling.average();
    expect(avg.ready && avg.value).toBeCloseTo(-1 / 3, 12);
  });

  it('stays exact over long runs (periodic re-summation)', () => {
    const rolling = new RollingCorrelation({ names: 2, window: 20 });
    const rows: number[][] = [];
    let seed = 3;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    for (let t = 0; t < 5000; t++) {
      const common = next();
      const row = [0.02 * (common + 0.3 * next()), 0.02 * (common + 0.3 * next())];
      rows.push(row);
      rolling.push(row);
    }
    const avg = rolling.average();
    expect(avg.ready && Math.abs(avg.value - (naiveAverage(rows, 20) as number))).toBeLessThan(1e-12);
  });

  it('refuses malformed observations without changing state', () => {
    const rolling = new RollingCorrelation({ names: 2, window: 3, minObservations: 2 });
    rolling.push([0.01, 0.02]);
    rolling.push([0.02, 0.01]);
    const before = rolling.average();
    expect(rolling.push([0.01])).toMatchObject({ ok: false, code: 'INVALID_OBSERVATION' });
    expect(rolling.push([0.01, Number.NaN])).toMatchObject({ ok: false, code: 'INVALID_OBSERVATION' });
    expect(rolling.average()).toEqual(before);
    expect(() => new RollingCorrelation({ names: 1, window: 3 })).toThrow(RangeError);
    expect(() => new RollingCorrelation({ names: 2, window: 3, minObservations: 4 })).toThrow(RangeError);
  });
});
