import { describe, expect, it } from 'vitest';
import { expectAccepted, expectOnlyViolation, openPosition, positionQty } from '../support/core-helpers.ts';
import { engineWith, fill, order } from '../support/engine-fixtures.ts';

/**
 * A working exit only reduces the position while the position is still on its far side. Once
 * another order has taken the position past flat, the exit grows the new side, so the worst
 * case a limit is checked against must count working exits too.
 */
describe('working exits count in the worst case of later orders', () => {
  it('a long-only account cannot end up short through a working exit plus a second sell', () => {
    const { engine } = engineWith({ longOnly: true });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    const exit = order('AAPL', 'sell', 100);
    expect(expectAccepted(engine.validateOrder(exit)).effect).toBe('close');
    const second = engine.validateOrder(order('AAPL', 'sell', 100));
    const v = expectOnlyViolation(second);
    expect(v.code).toBe('SHORT_NOT_ALLOWED');
    expect(v.ruleId).toBe('short-sale');
    expect(v.message).toBe('symbol=AAPL reason=long-only profile');
  });

  it('the position quantity limit counts a working exit on the side the new order adds to', () => {
    const { engine } = engineWith({ positions: { maxQuantity: 150 } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    const exit = order('AAPL', 'sell', 100);
    expectAccepted(engine.validateOrder(exit));
    // Both fill: 100 − 100 − 150 = −150, exactly the limit.
    const atLimit = order('AAPL', 'sell', 150);
    expectAccepted(engine.validateOrder(atLimit));
    engine.onOrderClosed(atLimit.clientOrderId);
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 151)));
    expect(v.code).toBe('POSITION_QUANTITY_EXCEEDED');
    expect(v.message).toBe('symbol=AAPL qty=151 maxQty=150');
  });

  it('symbol exposure after an exit and a flip both fill never exceeds the limit the flip was checked against', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 16_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    const exit = order('AAPL', 'sell', 50);
    expect(expectAccepted(engine.validateOrder(exit)).effect).toBe('reduce');
    // Worst case if both fill: 100 − 50 − 250 = −200 shares, $20,000 > $16,000.
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 250)));
    expect(v.code).toBe('SYMBOL_EXPOSURE_EXCEEDED');
    expect(v.message).toBe('symbol=AAPL exposure=20000.00 limit=16000.00');
    const flip = order('AAPL', 'sell', 210);
    expect(expectAccepted(engine.validateOrder(flip)).effect).toBe('flip');
    expect(engine.book.symbols.get('AAPL')?.exposure).toBe(16_000);
    fill(engine, flip, 100);
    fill(engine, exit, 100);
    expect(positionQty(engine, 'AAPL')).toBe(-160);
    expect(engine.book.symbols.get('AAPL')?.exposure).toBe(16_000);
  });

  it('a lone exit still leaves the exposure of the position unchanged', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100)));
    expect(engine.book.symbols.get('AAPL')?.exposure).toBe(10_000);
    expect(engine.book.gross).toBe(10_000);
  });
});
