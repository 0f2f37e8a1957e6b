import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatchList } from './watch-list.ts';

describe('WatchList', () => {
  it('always holds the base list, positions and working orders, however many dry runs come', () => {
    const needed = ['AAPL', 'MSFT'];
    const watch = new WatchList({ base: ['SPY'], needed: () => needed, dryRunSymbols: 3, orderSymbols: 2 });
    for (let i = 0; i < 10_000; i++) watch.noteDryRun(`D${i}`);
    expect(watch.symbols().sort()).toEqual(['AAPL', 'D9997', 'D9998', 'D9999', 'MSFT', 'SPY']);
    expect(watch.sizes()).toEqual({ base: 1, orders: 0, dryRuns: 3 });
  });

  it('drops the least recently used symbol first, in each bounded part', () => {
    const watch = new WatchList({ needed: () => [], dryRunSymbols: 2, orderSymbols: 2 });
    watch.noteOrder('A');
    watch.noteOrder('B');
    watch.noteOrder('A');
    watch.noteOrder('C');
    watch.noteDryRun('X');
    watch.noteDryRun('Y');
    watch.noteDryRun('X');
    watch.noteDryRun('Z');
    expect(watch.symbols().sort()).toEqual(['A', 'C', 'X', 'Z']);
  });

  it('keeps the same symbols as a plain least-recently-used list, repeated touches included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E'), { maxLength: 40 }),
        (capacity, touches) => {
          const watch = new WatchList({ needed: () => [], dryRunSymbols: capacity });
          let lru: string[] = [];
          for (const symbol of touches) {
            watch.noteDryRun(symbol);
            lru = [...lru.filter((s) => s !== symbol), symbol].slice(-capacity);
          }
          expect(watch.symbols()).toEqual(lru);
        },
      ),
    );
  });

  it('lists each symbol once, and keeps nothing when a capacity is zero', () => {
    const watch = new WatchList({ base: ['AAPL'], needed: () => ['AAPL'], dryRunSymbols: 0 });
    watch.noteDryRun('QQQ');
    watch.noteOrder('AAPL');
    expect(watch.symbols()).toEqual(['AAPL']);
  });

  it('refuses a capacity that is not a whole number >= 0, naming it', () => {
    expect(() => new WatchList({ needed: () => [], dryRunSymbols: -1 })).toThrow(/dryRunSymbols/);
    expect(() => new WatchList({ needed: () => [], orderSymbols: 1.5 })).toThrow(/orderSymbols/);
  });
});
