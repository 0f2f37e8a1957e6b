import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { RiskEngine } from '../../../src/core/engine.ts';
import { engineWith } from '../../support/engine-fixtures.ts';
import {
  cancelOp,
  Driver,
  fillOp,
  markOp,
  type Operation,
  orderOp,
  PROPERTY_INSTRUMENTS,
  UNIVERSE,
} from './operations.ts';

type BookOperation =
  | Operation
  | { readonly kind: 'split'; readonly symbol: 'AAPL' | 'OPT'; readonly ratio: number };

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

const START = 1_000_000;

/** Exposures, counts and values computed from scratch from positions, marks and working orders. */
function recompute(engine: RiskEngine) {
  const sectors = new Map<string, number>();
  let gross = 0;
  let netUp = 0;
  let netDown = 0;
  let marketValue = 0;
  let openPositions = 0;
  let pendingOpens = 0;
  let reserved = 0;
  const perSymbol = new Map<string, { buy: number; sell: number; exitBuy: number; exitSell: number }>();
  for (const w of engine.book.working.values()) {
    const m = perSymbol.get(w.symbol) ?? { buy: 0, sell: 0, exitBuy: 0, exitSell: 0 };
    if (w.increasesRisk) {
      if (w.side === 'buy') m.buy += w.remaining;
      else m.sell += w.remaining;
      reserved += w.remaining * w.valuationPrice * engine.book.symbols.get(w.symbol)!.instrument.multiplier;
    } else if (w.side === 'buy') m.exitBuy += w.remaining;
    else m.exitSell += w.remaining;
    perSymbol.set(w.symbol, m);
  }
  const symbols = new Map<
    string,
    { exposure: number; counters: { buy: number; sell: number; exitBuy: number; exitSell: number } }
  >();
  for (const [symbol, e] of engine.book.symbols) {
    const q = e.position?.qty ?? 0;
    const price = Number.isFinite(e.price) ? e.price : 0;
    const mult = e.instrument.multiplier;
    const w = perSymbol.get(symbol) ?? { buy: 0, sell: 0, exitBuy: 0, exitSell: 0 };
    const up = (q + w.buy + w.exitBuy) * price * mult;
    const down = (q - w.sell - w.exitSell) * price * mult;
    const exposure = Math.max(Math.abs(up), Math.abs(down));
    symbols.set(symbol, { exposure, counters: w });
    sectors.set(e.instrument.sector, (sectors.get(e.instrument.sector) ?? 0) + exposure);
    gross += exposure;
    netUp += up;
    netDown += down;
    marketValue += q * price * mult;
    if (e.position !== undefined) openPositions++;
    if (q === 0 && w.buy + w.sell > 1e-9) pendingOpens++;
  }
  return {
    symbols,
    sectors,
    gross,
    netUp,
    netDown,
    net: Math.max(Math.abs(netUp), Math.abs(netDown)),
    marketValue,
    openPositions,
    pendingOpens,
    reserved,
  };
}

function close(actual: number, expected: number, what: string): void {
  if (Math.abs(actual - expected) > 1e-6 * Math.max(1, Math.abs(expected)))
    throw new Error(`${what}: incremental ${actual} but from scratch ${expected}`);
}

describe('the exposure book', () => {
  it('keeps symbol, sector, gross and net exposure, market value, position counts and reservations equal to a from-scratch recomputation after any sequence of orders, fills, cancels, marks and splits', () => {
    fc.assert(
      fc.property(bookOperations, (ops) => {
        const { engine } = engineWith(
          { startingEquity: START },
          { instruments: PROPERTY_INSTRUMENTS },
          { ...UNIVERSE },
        );
        const driver = new Driver(engine);
        // Independent model of positions and cash from the fills alone.
        const qty = new Map<string, number>();
        let cash = START;
        for (const op of ops as BookOperation[]) {
          if (op.kind === 'split') {
            engine.onMarket({ kind: 'split', symbol: op.symbol, time: engine.now(), ratio: op.ratio });
            qty.set(op.symbol, (qty.get(op.symbol) ?? 0) * op.ratio);
            continue;
          }
          const applied = driver.apply(op);
          if (applied.kind === 'fill') {
            const signed = applied.order.side === 'buy' ? applied.qty : -applied.qty;
            const price = applied.order.limitPrice ?? driver.price(applied.order.symbol);
            const mult = engine.instrument(applied.order.symbol)!.multiplier;
            qty.set(applied.order.symbol, (qty.get(applied.order.symbol) ?? 0) + signed);
            cash -= signed * price * mult;
          }
          const book = engine.book;
          const fresh = recompute(engine);
          for (const [symbol, e] of book.symbols) {
            const ref = fresh.symbols.get(symbol)!;
            close(e.exposure, ref.exposure, `${symbol} exposure`);
            close(e.workingBuy, ref.counters.buy, `${symbol} working buys`);
            close(e.workingSell, ref.counters.sell, `${symbol} working sells`);
            close(e.workingExitBuy, ref.counters.exitBuy, `${symbol} working exit buys`);
            close(e.workingExitSell, ref.counters.exitSell, `${symbol} working exit sells`);
            close(e.workingExit, ref.counters.exitBuy + ref.counters.exitSell, `${symbol} working exits`);
            close(e.position?.qty ?? 0, qty.get(symbol) ?? 0, `${symbol} position`);
          }
          for (const [sector, value] of fresh.sectors)
            close(book.sectorExposure(sector), value, `${sector} exposure`);
          close(book.gross, fresh.gross, 'gross');
          close(book.netUp, fresh.netUp, 'net up');
          close(book.netDown, fresh.netDown, 'net down');
          close(book.net, fresh.net, 'net');
          close(book.marketValue, fresh.marketValue, 'market value');
          close(book.reserved, fresh.reserved, 'reserved');
          if (book.openPositions !== fresh.openPositions)
            throw new Error(`open positions ${book.openPositions} but ${fresh.openPositions}`);
          if (book.pendingOpens !== fresh.pendingOpens)
            throw new Error(`pending opens ${book.pendingOpens} but ${fresh.pendingOpens}`);
          close(engine.equity, cash + fresh.marketValue, 'equity');
        }
      }),
      { numRuns: 200 },
    );
  });
});
