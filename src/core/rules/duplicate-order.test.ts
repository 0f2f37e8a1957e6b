import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, fill, order } from '../../../test/support/engine-fixtures.ts';

const withWindow = (duplicateWindowSeconds: number) =>
  engineWith({ orders: { maxQuantity: 1_000_000, maxNotional: { usd: 1e12 }, duplicateWindowSeconds } });

describe('duplicate client order id', () => {
  it('denies an id accepted earlier in the window', () => {
    const { engine } = withWindow(60);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'abc-1' })));
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1, { clientOrderId: 'abc-1' })));
    expect(v).toMatchObject({
      code: 'DUPLICATE_CLIENT_ORDER_ID',
      ruleId: 'duplicate-order',
      message: 'clientOrderId=abc-1',
    });
  });

  it('accepts an id again once the engine forgets an order that never reached the broker', () => {
    const { engine } = withWindow(60);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'lost-1' })));
    expect(engine.book.working.has('lost-1')).toBe(true);
    engine.forgetOrder('lost-1');
    expect(engine.book.working.has('lost-1')).toBe(false);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'lost-1' })));
  });

  it('denies the id until the window has passed and accepts it from then on', () => {
    const { engine, clock } = withWindow(60);
    const first = order('AAPL', 'buy', 1, { clientOrderId: 'abc-2' });
    expectAccepted(engine.validateOrder(first));
    fill(engine, first, 100);
    clock.advance(59_999);
    mark(engine, 'AAPL', 100);
    expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'abc-2' })));
    clock.advance(1);
    mark(engine, 'AAPL', 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'abc-2' })));
  });

  it('denies an id that is still working however old it is, so the book never counts one order twice', () => {
    const { engine, clock } = withWindow(60);
    const gtc = order('AAPL', 'buy', 10, { clientOrderId: 'gtc-1', timeInForce: 'gtc' });
    expectAccepted(engine.validateOrder(gtc));
    clock.advance(3_600_000);
    mark(engine, 'AAPL', 100);
    expect(expectOnlyViolation(engine.validateOrder(gtc)).code).toBe('DUPLICATE_CLIENT_ORDER_ID');
    engine.onOrderClosed('gtc-1');
    expect(engine.book.symbols.get('AAPL')?.workingBuy).toBe(0);
    expect(engine.book.reserved).toBe(0);
    expectAccepted(engine.validateOrder(gtc));
  });

  it('does not remember a denied or dry-run order: its id may be used for the real attempt', () => {
    const { engine } = withWindow(60);
    const tooBig = order('AAPL', 'buy', 10_000, { clientOrderId: 'abc-3' });
    expect(expectOnlyViolation(engine.validateOrder(tooBig)).code).toBe('INSUFFICIENT_BUYING_POWER');
    expectAccepted(
      engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'abc-3' }), { dryRun: true }),
    );
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { clientOrderId: 'abc-3' })));
  });

  it('applies to exits: a retried exit must not close twice', () => {
    const { engine } = withWindow(60);
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 50, { clientOrderId: 'exit-1' })));
    expect(
      expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 50, { clientOrderId: 'exit-1' }))).code,
    ).toBe('DUPLICATE_CLIENT_ORDER_ID');
  });
});
