import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Instrument } from '../../src/core/instrument.ts';
import type { PositionGreeks } from '../../src/core/options/greek-units.ts';
import { PortfolioGreeks } from '../../src/core/options/portfolio-greeks.ts';
import type { PortfolioTotals, UnderlyingGreeks } from '../../src/core/options/portfolio-snapshot.ts';
import { IV, OPTION_INSTRUMENTS, optionsEngine, RATE } from '../support/options-fixtures.ts';

const FIELDS = [
  'value',
  'sharesDelta',
  'dollarDelta',
  'gamma',
  'dollarGamma',
  'dollarVega',
  'dollarThetaPerDay',
  'dollarRhoPerPercent',
] as const satisfies readonly (keyof PositionGreeks)[];
const TOTAL_FIELDS = FIELDS.filter((f) => f !== 'sharesDelta' && f !== 'gamma') as (keyof PortfolioTotals &
  keyof PositionGreeks)[];
const STEP_MS = 60_000;
const OPTIONS = OPTION_INSTRUMENTS.filter((i) => i.option !== undefined);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b));

const operation = fc.oneof(
  fc.record({
    kind: fc.constant('fill' as const),
    index: fc.nat(OPTION_INSTRUMENTS.length - 1),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({
    kind: fc.constant('tick' as const),
    underlying: fc.constantFrom('AAPL', 'MSFT'),
    price: fc.double({ min: 40, max: 400, noNaN: true }),
    quote: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('iv' as const),
    index: fc.nat(OPTIONS.length - 1),
    iv: fc.double({ min: 0.05, max: 1.5, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: 0, max: 3 * 86_400_000 }) }),
  fc.record({
    kind: fc.constant('work' as const),
    index: fc.nat(OPTION_INSTRUMENTS.length - 1),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    qty: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), fillFirst: fc.boolean() }),
);

/** A from-scratch valuation of `quantities` (symbol → signed qty). */
function fromScratch(
  quantities: ReadonlyMap<string, number>,
  prices: ReadonlyMap<string, number>,
  ivs: ReadonlyMap<string, number>,
  timeMs: number,
): PortfolioGreeks {
  const book = new PortfolioGreeks({ rate: RATE, timeMs });
  for (const [symbol, qty] of quantities) {
    const instrument = OPTION_INSTRUMENTS.find((i) => i.symbol === symbol) as Instrument;
    if (qty !== 0) book.setPosition(instrument, qty, ivs.get(symbol));
  }
  for (const [underlying, price] of prices) book.onUnderlyingPrice(underlying, price);
  return book;
}

function expectSame(actual: PortfolioGreeks, wanted: PortfolioGreeks, label: string): void {
  expect(actual.underlyings().sort(), label).toEqual(wanted.underlyings().sort());
  for (const underlying of wanted.underlyings()) {
    const a = actual.byUnderlying(underlying) as UnderlyingGreeks;
    const w = wanted.byUnderlying(underlying) as UnderlyingGreeks;
    for (const field of FIELDS)
      expect(close(a[field], w[field]), `${label} ${underlying}.${field}`).toBe(true);
    expect(a.unpriced).toBe(w.unpriced);
    expect(a.contractsByExpiry).toEqual(w.contractsByExpiry);
  }
  const a = actual.totals();
  const w = wanted.totals();
  for (const field of TOTAL_FIELDS) expect(close(a[field], w[field]), `${label} total ${field}`).toBe(true);
  expect(a.contracts).toEqual(w.contracts);
}

describe("the engine's portfolio Greeks (property test)", () => {
  it('equal a from-scratch PortfolioGreeks after any sequence of fills, ticks, volatilities, orders and time', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 50 }), (ops) => {
        const { engine, clock } = optionsEngine({}, { marketData: { maxQuoteAgeMs: 1e12 } });
        const held = new Map<string, number>();
        const prices = new Map([
          ['AAPL', 100],
          ['MSFT', 200],
        ]);
        const ivs = new Map(OPTIONS.map((i) => [i.symbol, IV]));
        const working: { id: string; symbol: string; side: 'buy' | 'sell'; qty: number }[] = [];
        let seq = 0;
        let exec = 0;
        for (const op of ops) {
          if (op.kind === 'fill' || op.kind === 'work') {
            const instrument = OPTION_INSTRUMENTS[op.index] as Instrument;
            const id = `p-${seq++}`;
            if (op.kind === 'work') {
              const decision = engine.validateOrder({
                clientOrderId: id,
                symbol: instrument.symbol,
                side: op.side,
                qty: op.qty,
                type: 'market',
                timeInForce: 'day',
              });
              if (decision.kind !== 'deny')
                working.push({ id, symbol: instrument.symbol, side: op.side, qty: op.qty });
              continue;
            }
            engine.onFill({
              executionId: `e-${exec++}`,
              symbol: instrument.symbol,
              side: op.side,
              qty: op.qty,
              price: 5,
              time: clock.now(),
            });
            held.set(
              instrument.symbol,
              (held.get(instrument.symbol) ?? 0) + (op.side === 'buy' ? op.qty : -op.qty),
            );
          } else if (op.kind === 'tick') {
            const time = clock.now();
            engine.onMarket(
              op.quote
                ? { kind: 'quote', symbol: op.underlying, time, bid: op.price - 0.01, ask: op.price + 0.01 }
                : { kind: 'mark', symbol: op.underlying, time, price: op.price },
            );
            prices.set(op.underlying, op.quote ? (op.price - 0.01 + (op.price + 0.01)) / 2 : op.price);
          } else if (op.kind === 'iv') {
            const symbol = (OPTIONS[op.index] as Instrument).symbol;
            engine.onMarket({ kind: 'iv', symbol, time: clock.now(), value: op.iv });
            ivs.set(symbol, op.iv);
          } else if (op.kind === 'clock') {
            clock.advance(op.ms);
          } else if (working.length > 0) {
            const [order] = working.splice(op.pick % working.length, 1);
            if (order === undefined) continue;
            if (op.fillFirst) {
              const qty = Math.ceil(order.qty / 2);
              engine.onFill({
                executionId: `e-${exec++}`,
                clientOrderId: order.id,
                symbol: order.symbol,
                side: order.side,
                qty,
                price: 5,
                time: clock.now(),
              });
              held.set(order.symbol, (held.get(order.symbol) ?? 0) + (order.side === 'buy' ? qty : -qty));
            }
            engine.onOrderClosed(order.id);
          }
        }
        const book = engine.greeks;
        if (book === undefined) throw new Error('no Greeks book');
        // Any event brings the valuation time to within one step of the clock.
        engine.onMarket({
          kind: 'mark',
          symbol: 'AAPL',
          time: clock.now(),
          price: prices.get('AAPL') ?? 100,
        });
        expect(clock.now() - book.timeMs).toBeGreaterThanOrEqual(0);
        expect(clock.now() - book.timeMs).toBeLessThan(STEP_MS);
        expectSame(book.positions, fromScratch(held, prices, ivs, book.timeMs), 'positions');
        // Positions plus the risk-increasing working orders the engine's book holds.
        const withWorking = new Map(held);
        for (const entry of engine.book.symbols.values()) {
          const extra = entry.workingBuy - entry.workingSell;
          if (extra !== 0) withWorking.set(entry.symbol, (withWorking.get(entry.symbol) ?? 0) + extra);
        }
        expectSame(book.withWorking, fromScratch(withWorking, prices, ivs, book.timeMs), 'with working');
        const snapshot = engine.snapshot().greeks;
        expect(snapshot?.totals).toEqual(book.positions.totals());
        expect(snapshot?.valuationTime).toBe(book.timeMs);
      }),
      { numRuns: 200 },
    );
  });
});
