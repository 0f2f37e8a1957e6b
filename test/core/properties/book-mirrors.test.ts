import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineWith } from '../../support/engine-fixtures.ts';
import { cancelOp, Driver, fillOp, markOp, orderOp, PROPERTY_INSTRUMENTS, UNIVERSE } from './operations.ts';

const bookOperations = fc.array(
  fc.oneof(
    { arbitrary: orderOp, weight: 4 },
    { arbitrary: fillOp, weight: 4 },
    { arbitrary: cancelOp, weight: 1 },
    { arbitrary: markOp(10), weight: 3 },
    {
      arbitrary: fc.record({
        kind: fc.constant('split' as const),
        symbol: fc.constantFrom('AAPL' as const, 'OPT' as const),
        ratio: fc.constantFrom(2, 4, 0.5),
      }),
      weight: 1,
    },
  ),
  { minLength: 10, maxLength: 60, size: 'max' },
);

describe('the per-symbol figures a pre-trade check reads without following references', () => {
  it('match the position and instrument they mirror after any sequence of orders, fills, cancels, marks and splits', () => {
    fc.assert(
      fc.property(bookOperations, (ops) => {
        const { engine } = engineWith(
          { startingEquity: 1_000_000 },
          { instruments: PROPERTY_INSTRUMENTS },
          { ...UNIVERSE },
        );
        const driver = new Driver(engine);
        for (const op of ops) {
          if (op.kind === 'split')
            engine.onMarket({ kind: 'split', symbol: op.symbol, time: engine.now(), ratio: op.ratio });
          else driver.apply(op);
          for (const [symbol, entry] of engine.book.symbols) {
            const expected = {
              qty: entry.position?.qty ?? 0,
              multiplier: entry.instrument.multiplier,
              sector: entry.instrument.sector,
              tradable: entry.instrument.tradable,
            };
            const mirrored = {
              qty: entry.qty,
              multiplier: entry.multiplier,
              sector: entry.sector,
              tradable: entry.tradable,
            };
            if (JSON.stringify(mirrored) !== JSON.stringify(expected))
              throw new Error(
                `${symbol}: mirrored ${JSON.stringify(mirrored)}, expected ${JSON.stringify(expected)}`,
              );
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is there for an option, whose multiplier is 100', () => {
    const { engine } = engineWith(
      { startingEquity: 1_000_000 },
      { instruments: PROPERTY_INSTRUMENTS },
      {
        ...UNIVERSE,
      },
    );
    const entry = engine.book.symbols.get('OPT');
    expect(entry?.multiplier).toBe(100);
    expect(entry?.sector).toBe('Information Technology');
  });
});
