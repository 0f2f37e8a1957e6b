import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SymbolBook } from '../../../src/core/book.ts';
import { isRiskReducing, type OrderEffect } from '../../../src/core/decision.ts';
import { switchBreaker } from '../../support/core-helpers.ts';
import { engineWith } from '../../support/engine-fixtures.ts';
import { Driver, operations, PROPERTY_INSTRUMENTS, UNIVERSE } from './operations.ts';

/** Largest |position| the symbol could reach if any subset of its working orders filled. */
function worstCase(e: SymbolBook): number {
  const q = e.position?.qty ?? 0;
  return Math.max(
    Math.abs(q + e.workingBuy + e.workingExitBuy),
    Math.abs(q - e.workingSell - e.workingExitSell),
  );
}

describe('reducing', () => {
  it('no order accepted while reducing, nor any fill of one, ever grows |position| or flips it, nor raises the largest |position| that all working orders (entries from before the latch included) could reach', () => {
    fc.assert(
      fc.property(operations(), operations({ maxMovePercent: 3 }), (before, during) => {
        const reducing = switchBreaker('reducing');
        const { engine } = engineWith(
          {},
          { instruments: PROPERTY_INSTRUMENTS, breakers: [reducing.breaker] },
          { ...UNIVERSE },
        );
        const warmup = new Driver(engine, 'pre');
        for (const op of before) warmup.apply(op);
        reducing.trip(engine);
        expect(engine.tradingState).toBe('reducing');
        const atLatch = new Map([...engine.book.symbols].map(([s, e]) => [s, e.position?.qty ?? 0]));

        // Only orders accepted from now on are filled; earlier ones stay working.
        const driver = new Driver(engine, 'red');
        for (const op of during) {
          const qtyBefore = new Map([...engine.book.symbols].map(([s, e]) => [s, e.position?.qty ?? 0]));
          const worstBefore = new Map([...engine.book.symbols].map(([s, e]) => [s, worstCase(e)]));
          const applied = driver.apply(op);
          if (applied.kind === 'order' && applied.accepted) {
            if (!isRiskReducing(applied.effect as OrderEffect))
              throw new Error(`accepted a ${applied.effect} order while reducing`);
            const s = applied.order.symbol;
            const worst = worstCase(engine.book.symbols.get(s)!);
            if (worst > (worstBefore.get(s) ?? 0) + 1e-9)
              throw new Error(
                `accepting ${applied.order.side} ${applied.order.qty} ${s} raised the worst case to ${worst}`,
              );
          }
          if (applied.kind === 'fill') {
            const q0 = qtyBefore.get(applied.order.symbol) ?? 0;
            const q1 = engine.book.symbols.get(applied.order.symbol)?.position?.qty ?? 0;
            if (Math.abs(q1) > Math.abs(q0) + 1e-9 || q0 * q1 < 0)
              throw new Error(
                `fill of ${applied.order.clientOrderId} moved ${applied.order.symbol} from ${q0} to ${q1}`,
              );
          }
        }
        for (const [symbol, entry] of engine.book.symbols) {
          const q = entry.position?.qty ?? 0;
          const q0 = atLatch.get(symbol) ?? 0;
          if (Math.abs(q) > Math.abs(q0) + 1e-9 || q * q0 < 0)
            throw new Error(`${symbol} went from ${q0} to ${q}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
