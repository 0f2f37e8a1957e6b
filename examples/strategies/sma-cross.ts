import { defineStrategy } from '../../src/backtest/index.ts';

/**
 * SMA crossover: buy 100 shares at market when the 10-bar SMA of the close crosses above the
 * 30-bar SMA while the symbol is flat with no order working. It never sells by itself: the
 * risk profile's exit rules (a volatility stop, a time exit, breakers) close the positions.
 * This is the strategy of the parity workload (bench/PARITY.md).
 */
export default defineStrategy({
  name: 'sma-cross',
  onBar(bar, ctx) {
    const symbol = bar.symbol;
    if (ctx.position(symbol).qty !== 0 || ctx.openOrders(symbol).length > 0) return;
    const fast = ctx.sma(symbol, 10);
    const slow = ctx.sma(symbol, 30);
    const fastBefore = ctx.sma(symbol, 10, 1);
    const slowBefore = ctx.sma(symbol, 30, 1);
    if (fastBefore <= slowBefore && fast > slow) ctx.buy(symbol, 100);
  },
});
