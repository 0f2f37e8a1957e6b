import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, order } from '../../../test/support/engine-fixtures.ts';

const throttled = (rateLimit: { perSecond?: number; perMinute?: number }) =>
  engineWith({ orders: { maxQuantity: 1_000_000, maxNotional: { usd: 1e12 }, rateLimit } });

describe('order rate limit', () => {
  it('per second: accepts up to the limit in one instant and denies the next', () => {
    const { engine } = throttled({ perSecond: 3 });
    for (let i = 0; i < 3; i++) expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'RATE_LIMIT_EXCEEDED',
      ruleId: 'rate-limit',
      message: 'window=1s maxOrders=3',
    });
  });

  it('per second: a token comes back after 1/limit of a second, not before', () => {
    const { engine, clock } = throttled({ perSecond: 2 });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    clock.advance(499);
    expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    clock.advance(1);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('per minute: accepts the limit spread over the minute and denies the next until a token refills', () => {
    const { engine, clock } = throttled({ perMinute: 5 });
    for (let i = 0; i < 5; i++) {
      expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
      clock.advance(1_000);
      mark(engine, 'AAPL', 100);
    }
    // 5 s have passed: 5 × 5/60 of a token has come back, not a whole one.
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'window=1m maxOrders=5',
    );
    clock.advance(7_000);
    mark(engine, 'AAPL', 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('with both windows, whichever is exhausted first denies', () => {
    const { engine, clock } = throttled({ perSecond: 2, perMinute: 3 });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'window=1s maxOrders=2',
    );
    clock.advance(1_000);
    mark(engine, 'AAPL', 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'window=1m maxOrders=3',
    );
  });

  it('denied and dry-run orders use no token', () => {
    const { engine } = throttled({ perSecond: 1 });
    expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1_000_000)));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true }));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('never throttles an exit, even with the bucket empty', () => {
    const { engine } = throttled({ perSecond: 1 });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
    for (let i = 0; i < 10; i++)
      expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 1))).effect).toBe('reduce');
  });

  it('exits accepted in a burst do not use up the budget of the next entry', () => {
    const { engine, clock } = throttled({ perSecond: 2 });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    clock.advance(1_000);
    mark(engine, 'AAPL', 100);
    mark(engine, 'MSFT', 200);
    for (let i = 0; i < 5; i++) expectAccepted(engine.validateOrder(order('AAPL', 'sell', 1)));
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1)));
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 1)));
    expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
  });

  it('never stands in the way of a cancel: releasing a working order needs no validation', () => {
    const { engine } = throttled({ perSecond: 1 });
    const working = order('AAPL', 'buy', 10);
    expectAccepted(engine.validateOrder(working));
    expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    engine.onOrderClosed(working.clientOrderId);
    expect(engine.book.working.size).toBe(0);
    expect(engine.book.symbols.get('AAPL')?.workingBuy).toBe(0);
  });
});
