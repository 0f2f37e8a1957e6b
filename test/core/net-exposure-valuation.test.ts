import { describe, expect, it } from 'vitest';
import { expectAccepted, expectOnlyViolation } from '../support/core-helpers.ts';
import { engineWith, order } from '../support/engine-fixtures.ts';

describe('net exposure values an order the way the book does', () => {
  it('a buy limited below the market counts at the market price, so the book never ends above the cap', () => {
    const { engine } = engineWith({ exposure: { net: { usd: 9_500 } } });
    // AAPL is marked at 100; 100 shares limited at 90 are $10,000 of exposure once in the book.
    const v = expectOnlyViolation(
      engine.validateOrder(order('AAPL', 'buy', 100, { type: 'limit', limitPrice: 90 })),
    );
    expect(v.code).toBe('NET_EXPOSURE_EXCEEDED');
    expect(v.ruleId).toBe('net-exposure');
    expect(v.message).toBe('exposure=10000.00 limit=9500.00');
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 95, { type: 'limit', limitPrice: 90 })));
    expect(engine.book.net).toBe(9_500);
  });
});
