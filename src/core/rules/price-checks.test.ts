import { describe, expect, it } from 'vitest';
import { expectAccepted, expectOnlyViolation, openPosition } from '../../../test/support/core-helpers.ts';
import { engineWith, order } from '../../../test/support/engine-fixtures.ts';

const limitBuy = (symbol: string, limitPrice: number) =>
  order(symbol, 'buy', 1, { type: 'limit', limitPrice });

describe('tick validity', () => {
  it('accepts whole cents at or above $1 and denies a fraction of a cent', () => {
    const { engine } = engineWith();
    expectAccepted(engine.validateOrder(limitBuy('AAPL', 100.01), { dryRun: true }));
    expectAccepted(engine.validateOrder(limitBuy('AAPL', 99.99), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(limitBuy('AAPL', 100.005)));
    expect(v).toMatchObject({
      code: 'PRICE_OFF_TICK',
      ruleId: 'tick',
      message: 'field=limitPrice price=100.005 tick=0.01',
    });
  });

  it('accepts hundredths of a cent below $1 and denies anything finer', () => {
    const { engine } = engineWith();
    expectAccepted(engine.validateOrder(limitBuy('PENNY', 0.5001), { dryRun: true }));
    expectAccepted(engine.validateOrder(limitBuy('PENNY', 0.9999), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(limitBuy('PENNY', 0.50005)));
    expect(v).toMatchObject({
      code: 'PRICE_OFF_TICK',
      ruleId: 'tick',
      message: 'field=limitPrice price=0.50005 tick=0.0001',
    });
  });

  it('switches band exactly at $1: 1.0001 is off the cent grid', () => {
    const { engine } = engineWith({}, {}, { PENNY: 0.99 });
    expectAccepted(engine.validateOrder(limitBuy('PENNY', 1), { dryRun: true }));
    expect(expectOnlyViolation(engine.validateOrder(limitBuy('PENNY', 1.0001))).message).toBe(
      'field=limitPrice price=1.0001 tick=0.01',
    );
  });

  it('checks the stop price and every protective leg, naming the field', () => {
    const { engine } = engineWith();
    const stop = order('AAPL', 'buy', 1, { type: 'stop', stopPrice: 101.001 });
    expect(expectOnlyViolation(engine.validateOrder(stop)).message).toBe(
      'field=stopPrice price=101.001 tick=0.01',
    );
    const tp = order('AAPL', 'buy', 1, { protection: { takeProfit: 110.005, stopLoss: 95 } });
    expect(expectOnlyViolation(engine.validateOrder(tp)).message).toBe(
      'field=takeProfit price=110.005 tick=0.01',
    );
    const sl = order('AAPL', 'buy', 1, { protection: { stopLoss: 94.999 } });
    expect(expectOnlyViolation(engine.validateOrder(sl)).message).toBe(
      'field=stopLoss price=94.999 tick=0.01',
    );
    const sll = order('AAPL', 'buy', 1, { protection: { stopLoss: 95, stopLossLimit: 94.995 } });
    expect(expectOnlyViolation(engine.validateOrder(sll)).message).toBe(
      'field=stopLossLimit price=94.995 tick=0.01',
    );
  });

  it('applies to exits as well: the venue would reject an off-tick exit anyway', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    const exit = order('AAPL', 'sell', 10, { type: 'limit', limitPrice: 100.001 });
    expect(expectOnlyViolation(engine.validateOrder(exit)).code).toBe('PRICE_OFF_TICK');
  });
});

describe('price collar', () => {
  const collared = () =>
    engineWith({ orders: { maxQuantity: 1e6, maxNotional: { usd: 1e12 }, priceCollarPercent: 5 } });

  it('accepts a limit inside the collar and exactly at its edge, and denies one cent beyond', () => {
    const { engine } = collared();
    expectAccepted(engine.validateOrder(limitBuy('AAPL', 104.99), { dryRun: true }));
    expectAccepted(engine.validateOrder(limitBuy('AAPL', 105), { dryRun: true }));
    expectAccepted(engine.validateOrder(limitBuy('AAPL', 95), { dryRun: true }));
    const above = expectOnlyViolation(engine.validateOrder(limitBuy('AAPL', 105.01)));
    expect(above).toMatchObject({
      code: 'PRICE_OUTSIDE_COLLAR',
      ruleId: 'price-collar',
      message: 'symbol=AAPL price=105.01 reference=100.00 deviationPercent=5.01 limitPercent=5.00',
    });
    const below = expectOnlyViolation(engine.validateOrder(limitBuy('AAPL', 94.99)));
    expect(below.message).toBe(
      'symbol=AAPL price=94.99 reference=100.00 deviationPercent=5.01 limitPercent=5.00',
    );
  });

  it('collars stop prices too', () => {
    const { engine } = collared();
    expectAccepted(
      engine.validateOrder(order('AAPL', 'buy', 1, { type: 'stop', stopPrice: 105 }), { dryRun: true }),
    );
    const v = expectOnlyViolation(
      engine.validateOrder(order('AAPL', 'buy', 1, { type: 'stop', stopPrice: 106 })),
    );
    expect(v.message).toBe(
      'symbol=AAPL price=106.00 reference=100.00 deviationPercent=6.00 limitPercent=5.00',
    );
  });

  it('does not collar a market order or an exit', () => {
    const { engine } = collared();
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    const exit = order('AAPL', 'sell', 10, { type: 'limit', limitPrice: 80 });
    expect(expectAccepted(engine.validateOrder(exit)).effect).toBe('close');
  });
});
