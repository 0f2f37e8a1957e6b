import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRiskReducing, type OrderEffect } from '../../../src/core/decision.ts';
import type { RiskEngine } from '../../../src/core/engine.ts';
import { engineWith } from '../../support/engine-fixtures.ts';
import { type Applied, Driver, operations, PROPERTY_INSTRUMENTS, type Sym, UNIVERSE } from './operations.ts';

/** Dollar limits (starting basis), so only the book moves them. */
const LIMITS = { symbol: 20_000, sector: 30_000, unknown: 10_000, gross: 60_000, net: 40_000 };
const SLACK = 1 + 1e-6;

function limitedEngine(): RiskEngine {
  return engineWith(
    {
      startingEquity: 1_000_000,
      exposure: {
        symbol: { usd: LIMITS.symbol },
        sector: { usd: LIMITS.sector },
        unknownSector: { usd: LIMITS.unknown },
        gross: { usd: LIMITS.gross },
        net: { usd: LIMITS.net },
      },
    },
    { instruments: PROPERTY_INSTRUMENTS },
    { ...UNIVERSE },
  ).engine;
}

function sectorOf(engine: RiskEngine, symbol: string): string {
  return engine.instrument(symbol)!.sector;
}

function sectorLimit(sector: string): number {
  return sector === 'Unknown' ? LIMITS.unknown : LIMITS.sector;
}

interface Figures {
  readonly symbol: Record<string, number>;
  readonly sector: Record<string, number>;
  readonly gross: number;
  readonly net: number;
}

function figures(engine: RiskEngine): Figures {
  const symbol: Record<string, number> = {};
  for (const s of Object.keys(UNIVERSE)) symbol[s] = engine.book.symbols.get(s)?.exposure ?? 0;
  return {
    symbol,
    sector: Object.fromEntries([...engine.book.sectors].map(([name, total]) => [name, total.exposure])),
    gross: engine.book.gross,
    net: engine.book.net,
  };
}

const notAbove = (after: number, before: number) => after <= before * SLACK + 1e-6;

/** Throws (cheaper than expect in a hot loop) when a figure is above its limit beyond float noise. */
function atMost(value: number, limit: number, what: string): void {
  if (!(value <= limit * SLACK)) throw new Error(`${what} ${value} is above its limit ${limit}`);
}

describe('exposure limits under random order flow', () => {
  it('with prices fixed, no interleaving of accepted orders, partial fills and cancels ever leaves symbol, sector or gross exposure (working orders counted) above its limit', () => {
    fc.assert(
      fc.property(operations(), (ops) => {
        const engine = limitedEngine();
        const driver = new Driver(engine);
        for (const op of ops) {
          driver.apply(op);
          for (const entry of engine.book.symbols.values()) {
            atMost(entry.exposure, LIMITS.symbol, `${entry.symbol} exposure`);
            const sector = entry.instrument.sector;
            atMost(engine.book.sectorExposure(sector), sectorLimit(sector), `${sector} exposure`);
          }
          atMost(engine.book.gross, LIMITS.gross, 'gross exposure');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('with prices moving, exposure grows only by accepted entries (each leaving symbol, sector, gross and net within their limits) and by re-valuation at the new mark; fills, cancels and accepted exits never raise symbol, sector or gross exposure', () => {
    fc.assert(
      fc.property(operations({ maxMovePercent: 5 }), (ops) => {
        const engine = limitedEngine();
        const driver = new Driver(engine);
        for (const op of ops) {
          const before = figures(engine);
          const applied: Applied = driver.apply(op);
          const after = figures(engine);
          switch (applied.kind) {
            case 'order': {
              const s = applied.order.symbol as Sym;
              const sector = sectorOf(engine, s);
              if (!applied.accepted) {
                expect(after).toEqual(before);
              } else if (isRiskReducing(applied.effect as OrderEffect)) {
                expect(notAbove(after.symbol[s]!, before.symbol[s]!)).toBe(true);
                expect(notAbove(after.sector[sector]!, before.sector[sector]!)).toBe(true);
                expect(notAbove(after.gross, before.gross)).toBe(true);
              } else {
                expect(after.symbol[s]).toBeLessThanOrEqual(LIMITS.symbol * SLACK);
                expect(after.sector[sector]).toBeLessThanOrEqual(sectorLimit(sector) * SLACK);
                expect(after.gross).toBeLessThanOrEqual(LIMITS.gross * SLACK);
                expect(after.net).toBeLessThanOrEqual(LIMITS.net * SLACK);
              }
              break;
            }
            case 'fill':
            case 'cancel': {
              const s = applied.order.symbol as Sym;
              const sector = sectorOf(engine, s);
              expect(notAbove(after.symbol[s]!, before.symbol[s]!)).toBe(true);
              expect(notAbove(after.sector[sector]!, before.sector[sector]!)).toBe(true);
              expect(notAbove(after.gross, before.gross)).toBe(true);
              expect(notAbove(after.net, before.net)).toBe(true);
              break;
            }
            case 'mark': {
              // Re-valuation only: the worst-case quantity is unchanged, so exposure scales with the price.
              const s = applied.symbol;
              const expected = before.symbol[s]! * (applied.to / applied.from);
              expect(after.symbol[s]).toBeCloseTo(expected, 6);
              expect(after.gross - before.gross).toBeCloseTo(after.symbol[s]! - before.symbol[s]!, 6);
              break;
            }
            case 'noop':
              expect(after).toEqual(before);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
