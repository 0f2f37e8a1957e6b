import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NamesCorrelation } from './names-correlation.ts';

const SYMBOLS = ['A', 'B', 'C', 'D'] as const;
const WINDOW = 5;

/** Mean pairwise Pearson correlation of the columns of `rows`, over columns that move. */
function naiveAverage(rows: readonly number[][]): number | undefined {
  const n = rows[0]?.length ?? 0;
  const columns = Array.from({ length: n }, (_, j) => rows.map((r) => r[j] as number));
  const centred = columns.map((c) => {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    return c.map((x) => x - mean);
  });
  const norms = centred.map((c) => Math.sqrt(c.reduce((a, x) => a + x * x, 0)));
  const moving = norms.map((v, j) =>
    v > 1e-12 * Math.sqrt(columns[j]!.reduce((a, x) => a + x * x, 0)) ? j : -1,
  );
  const names = moving.filter((j) => j >= 0);
  if (names.length < 2) return undefined;
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < names.length; a++)
    for (let b = a + 1; b < names.length; b++) {
      const i = names[a]!;
      const j = names[b]!;
      const dot = centred[i]!.reduce((s, x, k) => s + x * centred[j]![k]!, 0);
      total += dot / (norms[i]! * norms[j]!);
      pairs++;
    }
  return total / pairs;
}

/**
 * The reference: every close kept, and the window rebuilt from scratch after every period, by
 * the documented rules (periods every name reports; after a change of names, only the last
 * window + 1 closes of each symbol are known).
 */
class Model {
  readonly closes = new Map<string, Map<number, number>>();
  readonly recorded = new Map<string, number[]>();
  names: string[] = [];
  returns: number[][] = [];
  lastCloses: number[] | undefined;
  lastTime = Number.NEGATIVE_INFINITY;

  record(symbol: string, time: number, close: number): void {
    if (!this.closes.has(symbol)) this.closes.set(symbol, new Map());
    this.closes.get(symbol)!.set(time, close);
    const times = this.recorded.get(symbol) ?? [];
    times.push(time);
    this.recorded.set(symbol, times);
  }

  endPeriod(time: number): void {
    if (this.names.length === 0 || !this.names.every((n) => this.closes.get(n)?.has(time))) return;
    this.#take(time);
  }

  setNames(names: string[]): void {
    const sorted = [...new Set(names)].sort();
    if (sorted.join() === this.names.join()) return; // the same names keep their window
    this.names = sorted;
    this.returns = [];
    this.lastCloses = undefined;
    this.lastTime = Number.NEGATIVE_INFINITY;
    if (this.names.length === 0) return;
    const known = this.names.map((n) => new Set((this.recorded.get(n) ?? []).slice(-(WINDOW + 1))));
    const common = [...known[0]!].filter((t) => known.every((k) => k.has(t))).sort((a, b) => a - b);
    for (const t of common.slice(-(WINDOW + 1))) this.#take(t);
  }

  #take(time: number): void {
    const closes = this.names.map((n) => this.closes.get(n)!.get(time)!);
    if (this.lastCloses !== undefined) this.returns.push(closes.map((c, i) => c / this.lastCloses![i]! - 1));
    this.lastCloses = closes;
    this.lastTime = time;
  }

  average(minObservations: number): number | undefined {
    const rows = this.returns.slice(-WINDOW);
    return rows.length < minObservations ? undefined : naiveAverage(rows);
  }
}

describe('NamesCorrelation', () => {
  it('matches a from-scratch recomputation through missing bars and changes of names (property)', () => {
    const period = fc.record({
      // Returns on a 0.01% grid: a series is never constant up to rounding only (the reference's
      // test for a constant series is not RollingCorrelation's, and need not agree there).
      bars: fc.array(
        fc.option(
          fc.integer({ min: -500, max: 500 }).map((k) => k / 10_000),
          { freq: 6 },
        ),
        {
          minLength: 4,
          maxLength: 4,
        },
      ),
      names: fc.option(fc.subarray([...SYMBOLS]), { freq: 4 }),
    });
    fc.assert(
      fc.property(fc.array(period, { maxLength: 30 }), (periods) => {
        const tracker = new NamesCorrelation({ window: WINDOW, minObservations: 3, minNames: 2 });
        const model = new Model();
        const last = new Map<string, number>(SYMBOLS.map((s) => [s, 100]));
        periods.forEach(({ bars, names }, p) => {
          const time = (p + 1) * 86_400_000;
          if (names !== null) {
            tracker.setNames(names);
            model.setNames(names);
          }
          bars.forEach((r, i) => {
            if (r === null) return;
            const symbol = SYMBOLS[i]!;
            const close = last.get(symbol)! * (1 + r);
            last.set(symbol, close);
            tracker.onClose(symbol, time, close);
            model.record(symbol, time, close);
          });
          model.endPeriod(time);
          const wanted = model.names.length >= 2 ? model.average(3) : undefined;
          const value = tracker.value;
          if (wanted === undefined) expect(value.ready).toBe(false);
          else {
            expect(value.ready).toBe(true);
            if (value.ready) expect(Math.abs(value.value - wanted)).toBeLessThan(1e-9);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps collecting a period some names reported before the names changed', () => {
    const tracker = new NamesCorrelation({ window: 3, minNames: 2 });
    tracker.setNames(['A', 'B']);
    const closes = [
      [100, 50, 10],
      [101, 50.4, 10.2],
      [99, 49.9, 10.1],
      [102, 51, 10.4],
    ];
    closes.forEach(([a, b, c], t) => {
      tracker.onClose('A', t, a!);
      tracker.onClose('B', t, b!);
      if (t < 3) tracker.onClose('C', t, c!);
    });
    // Period 3: A and B reported, C not yet; adding C keeps period 3 open until C arrives.
    tracker.setNames(['A', 'B', 'C']);
    expect(tracker.value.observations).toBe(2);
    expect(tracker.onClose('C', 3, 10.4)).toBe(true);
    expect(tracker.value.observations).toBe(3);
    expect(tracker.value.ready).toBe(true);
  });

  it('sees no return in a split', () => {
    const tracker = new NamesCorrelation({ window: 3, minNames: 2, only: ['A', 'B'] });
    tracker.setNames(['A', 'B']);
    tracker.onClose('A', 0, 700);
    tracker.onClose('B', 0, 50);
    tracker.onSplit('A', 7);
    tracker.onClose('A', 1, 100);
    tracker.onClose('B', 1, 50);
    tracker.onClose('A', 2, 101);
    tracker.onClose('B', 2, 50.5);
    tracker.onClose('A', 3, 100);
    tracker.onClose('B', 3, 50);
    const value = tracker.value;
    expect(value.ready && value.value).toBeCloseTo(1, 9); // the 7:1 gap would have been −85.7%
    tracker.onClose('Z', 4, 1); // not on the watch list: ignored
    expect(tracker.names).toEqual(['A', 'B']);
  });
});
