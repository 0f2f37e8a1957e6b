import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Violation } from '../../../src/core/decision.ts';
import { classifyEffect, type RiskEngine } from '../../../src/core/engine.ts';
import type { OrderIntent } from '../../../src/core/order.ts';
import type { CheckInput } from '../../../src/core/rule.ts';
import { buildPreTradeRules } from '../../../src/core/rules/build-rules.ts';
import { engineWith } from '../../support/engine-fixtures.ts';
import { Driver, operations, PROPERTY_INSTRUMENTS, UNIVERSE } from './operations.ts';

/** Limits close enough to the generated book that a fair share of orders is denied. */
function limitedEngine(): RiskEngine {
  return engineWith(
    {
      startingEquity: 1_000_000,
      orders: { maxQuantity: 300, maxNotional: { usd: 30_000 }, priceCollarPercent: 0.5 },
      positions: { maxQuantity: 500, maxNotional: { usd: 40_000 }, maxOpen: 4 },
      exposure: {
        symbol: { usd: 20_000 },
        sector: { usd: 30_000 },
        unknownSector: { usd: 10_000 },
        gross: { usd: 60_000 },
        net: { percent: 4 },
      },
      restrictedSymbols: ['BAC'],
    },
    { instruments: PROPERTY_INSTRUMENTS },
    { ...UNIVERSE },
  ).engine;
}

/**
 * The check input worked out the long way: the symbol's working orders summed from the list of
 * working orders and its exposure recomputed from the position, instead of the counters the
 * engine keeps per symbol.
 */
function referenceInput(engine: RiskEngine, order: OrderIntent): CheckInput {
  const entry = engine.book.symbols.get(order.symbol);
  const instrument = entry?.instrument ?? engine.instrument(order.symbol);
  const now = engine.now();
  let buy = 0;
  let sell = 0;
  let exitBuy = 0;
  let exitSell = 0;
  for (const w of engine.book.working.values()) {
    if (w.symbol !== order.symbol) continue;
    if (w.increasesRisk) {
      if (w.side === 'buy') buy += w.remaining;
      else sell += w.remaining;
    } else if (w.side === 'buy') exitBuy += w.remaining;
    else exitSell += w.remaining;
  }
  const q = entry?.position?.qty ?? 0;
  const signed = order.side === 'buy' ? order.qty : -order.qty;
  const price = entry?.price ?? Number.NaN;
  const valuation = order.limitPrice ?? order.stopPrice ?? price;
  const mult = instrument?.multiplier ?? 1;
  const notional = order.qty * valuation * mult;
  const base = {
    order,
    now,
    basis: engine.basisEquity(),
    effect: classifyEffect(q, signed, exitBuy + exitSell + (q > 0 ? sell : buy)),
    instrument: entry === undefined ? undefined : instrument,
    book: entry,
    multiplier: entry === undefined ? 1 : mult,
    referencePrice: price,
    referenceAgeMs:
      entry === undefined || !Number.isFinite(entry.priceTime)
        ? Number.POSITIVE_INFINITY
        : now - entry.priceTime,
    valuationPrice: valuation,
    notional,
  };
  if (entry === undefined)
    return { ...base, symbolExposureAfter: notional, exposureIncrease: notional, positionQtyAfter: signed };
  const worst = (p: number, buys: number, sells: number) =>
    Math.max(Math.abs((q + buys) * p * mult), Math.abs((q - sells) * p * mult));
  const mark = Number.isFinite(price) ? price : valuation;
  const buys = buy + exitBuy + Math.max(signed, 0);
  const sells = sell + exitSell + Math.max(-signed, 0);
  const after = worst(mark, buys, sells);
  const current = worst(Number.isFinite(price) ? price : 0, buy + exitBuy, sell + exitSell);
  return {
    ...base,
    symbolExposureAfter: after,
    exposureIncrease: Math.max(0, after - current),
    positionQtyAfter: signed > 0 ? q + buys : q - sells,
  };
}

/** Every rule of the profile called in turn from one loop: the plainest evaluation there is. */
function referenceViolations(engine: RiskEngine, order: OrderIntent): Violation[] {
  const input = referenceInput(engine, order);
  const reducing = input.effect === 'reduce' || input.effect === 'close';
  const found: Violation[] = [];
  for (const rule of buildPreTradeRules(engine.profile)) {
    if (reducing && rule.scope === 'entries') continue;
    const v = rule.check(input, engine);
    if (v !== null) found.push(v);
  }
  return found;
}

const describeViolations = (vs: readonly Violation[]) => vs.map((v) => `${v.code} ${v.message}`);

const probe = fc.record({
  symbol: fc.constantFrom(...(Object.keys(UNIVERSE) as (keyof typeof UNIVERSE)[]), 'NOPE'),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.integer({ min: 1, max: 600 }),
  limitOffset: fc.option(fc.integer({ min: -120, max: 120 }), { nil: null }),
});

describe('the compiled pre-trade check', () => {
  it('decides as every rule evaluated in a plain loop on inputs worked out from the working orders', () => {
    const seen = { accept: 0, deny: 0, reducing: 0 };
    fc.assert(
      fc.property(
        operations({ maxMovePercent: 5, maxLength: 40 }),
        fc.array(probe, { minLength: 1, maxLength: 8 }),
        (ops, probes) => {
          const engine = limitedEngine();
          const driver = new Driver(engine);
          for (const op of ops) driver.apply(op);
          probes.forEach((p, i) => {
            const ref = engine.book.symbols.get(p.symbol)?.price ?? 10;
            const order: OrderIntent = {
              clientOrderId: `probe-${i}`,
              symbol: p.symbol,
              side: p.side,
              qty: p.qty,
              timeInForce: 'day',
              ...(p.limitOffset === null
                ? { type: 'market' as const }
                : {
                    type: 'limit' as const,
                    limitPrice: Math.round(ref * (1 + p.limitOffset / 10_000) * 100) / 100,
                  }),
            };
            const expected = describeViolations(referenceViolations(engine, order));
            const decision = engine.validateOrder(order, { dryRun: true });
            const actual = decision.kind === 'deny' ? describeViolations(decision.violations) : [];
            seen[decision.kind === 'deny' ? 'deny' : 'accept']++;
            if (decision.effect === 'reduce' || decision.effect === 'close') seen.reducing++;
            if (JSON.stringify(actual) !== JSON.stringify(expected))
              throw new Error(
                `${JSON.stringify(order)}: engine ${JSON.stringify(actual)}, reference ${JSON.stringify(expected)}`,
              );
          });
        },
      ),
      { numRuns: 150 },
    );
    // The generated cases reach both outcomes and the exits-only path.
    expect(seen.accept).toBeGreaterThan(50);
    expect(seen.deny).toBeGreaterThan(50);
    expect(seen.reducing).toBeGreaterThan(0);
  });
});
