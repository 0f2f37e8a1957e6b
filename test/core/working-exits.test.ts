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

  it('an order sent while a flip is working counts the flip first: it is checked as a flip, not let through as an exit', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 12_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    const flip = order('AAPL', 'sell', 150);
    expect(expectAccepted(engine.validateOrder(flip)).effect).toBe('flip');
    // If both fill: 100 − 150 − 100 = −150 shares, $15,000.
    const d = engine.validateOrder(order('AAPL', 'sell', 100));
    expect(d.effect).toBe('flip');
    expect(expectOnlyViolation(d).message).toBe('symbol=AAPL exposure=15000.00 limit=12000.00');
    engine.onOrderClosed(flip.clientOrderId);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100))).effect).toBe('close');
  });

  it('in reducing, an exit is denied while a working entry on the other side could take the position past flat', () => {
    const { engine } = engineWith({ breakers: { equityFloor: { usd: 99_500, action: 'reducing' } } });
    // Two entries sent while flat, a long one and a short one; the long one fills.
    const long = order('AAPL', 'buy', 100);
    const stale = order('AAPL', 'sell', 100);
    expect(expectAccepted(engine.validateOrder(long)).effect).toBe('open');
    expect(expectAccepted(engine.validateOrder(stale)).effect).toBe('open');
    fill(engine, long, 100);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: engine.now(), price: 95 });
    expect(engine.tradingState).toBe('reducing');
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 100))).code).toBe(
      'TRADING_REDUCING',
    );
    engine.onOrderClosed(stale.clientOrderId);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100))).effect).toBe('close');
  });

  it('a lone exit still leaves the exposure of the position unchanged', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100)));
    expect(engine.book.symbols.get('AAPL')?.exposure).toBe(10_000);
    expect(engine.book.gross).toBe(10_000);
  });
});
