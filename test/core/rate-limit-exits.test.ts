import { describe, expect, it } from 'vitest';
import { expectAccepted } from '../support/core-helpers.ts';
import { engineWith, fill, order } from '../support/engine-fixtures.ts';

describe('the order throttle and exits', () => {
  it('exits accepted in a burst do not use up the budget of the next entry', () => {
    const { engine } = engineWith({
      orders: { maxQuantity: 1_000_000, maxNotional: { usd: 1e12 }, rateLimit: { perSecond: 2 } },
    });
    const entry = order('AAPL', 'buy', 100);
    expectAccepted(engine.validateOrder(entry));
    fill(engine, entry, 100);
    for (let i = 0; i < 5; i++) expectAccepted(engine.validateOrder(order('AAPL', 'sell', 1)));
    // One entry used one of the two tokens this second; the exits used none.
    expect(expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1))).kind).toBe('accept');
  });
});
