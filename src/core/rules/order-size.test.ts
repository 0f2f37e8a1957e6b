import { describe, expect, it } from 'vitest';
import { expectAccepted, expectOnlyViolation, openPosition } from '../../../test/support/core-helpers.ts';
import { engineWith, order } from '../../../test/support/engine-fixtures.ts';
import type { ProfileInput } from '../config/profile-schema.ts';

const orders = (extra: Partial<ProfileInput['orders']>): Partial<ProfileInput> => ({
  orders: { maxQuantity: 1_000_000, maxNotional: { usd: 1e12 }, ...extra },
});

describe('maximum order quantity', () => {
  it('accepts below and exactly at the maximum and denies one share more', () => {
    const { engine } = engineWith(orders({ maxQuantity: 100 }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 99), { dryRun: true }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 100), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 101)));
    expect(v).toMatchObject({
      code: 'ORDER_QUANTITY_EXCEEDED',
      ruleId: 'order-quantity',
      message: 'symbol=AAPL qty=101 maxQty=100',
    });
  });

  it('does not cap an exit: closing a position larger than one order allows is never blocked', () => {
    const { engine } = engineWith(orders({ maxQuantity: 100 }));
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 200))).effect).toBe('close');
  });
});

describe('maximum order notional', () => {
  it('in dollars: accepts below and exactly at the maximum and denies just above', () => {
    const { engine } = engineWith(orders({ maxNotional: { usd: 10_000 } }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 99), { dryRun: true }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 100), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 101)));
    expect(v).toMatchObject({
      code: 'ORDER_NOTIONAL_EXCEEDED',
      ruleId: 'order-notional',
      message: 'symbol=AAPL notional=10100.00 limit=10000.00',
    });
  });

  it('values a limit order at its limit price', () => {
    const { engine } = engineWith(orders({ maxNotional: { usd: 10_000 } }));
    const at = order('AAPL', 'buy', 100, { type: 'limit', limitPrice: 100 });
    expectAccepted(engine.validateOrder(at, { dryRun: true }));
    const v = expectOnlyViolation(
      engine.validateOrder(order('AAPL', 'buy', 100, { type: 'limit', limitPrice: 100.01 })),
    );
    expect(v.message).toBe('symbol=AAPL notional=10001.00 limit=10000.00');
  });

  it('in percent of the starting equity: 5% of $100,000 is $5,000', () => {
    const { engine } = engineWith(orders({ maxNotional: { percent: 5 } }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 50), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 51)));
    expect(v.message).toBe('symbol=AAPL notional=5100.00 limit=5000.00');
  });

  it('with percent and dollars the tighter applies, whichever it is', () => {
    const percentTighter = engineWith(orders({ maxNotional: { percent: 5, usd: 6_000 } })).engine;
    expect(expectOnlyViolation(percentTighter.validateOrder(order('AAPL', 'buy', 51))).message).toBe(
      'symbol=AAPL notional=5100.00 limit=5000.00',
    );
    const usdTighter = engineWith(orders({ maxNotional: { percent: 10, usd: 4_000 } })).engine;
    expectAccepted(usdTighter.validateOrder(order('AAPL', 'buy', 40), { dryRun: true }));
    expect(expectOnlyViolation(usdTighter.validateOrder(order('AAPL', 'buy', 41))).message).toBe(
      'symbol=AAPL notional=4100.00 limit=4000.00',
    );
  });
});
