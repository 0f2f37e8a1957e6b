import { defineStrategy } from '../../src/backtest/index.ts';

/** Bars in the entry channel (a new 55-bar high) and the exit channel (a new 20-bar low). */
const ENTRY_BARS = 55;
const EXIT_BARS = 20;
/** Initial stop distance in ATRs; the position is sized so a stop-out loses the profile's risk percent. */
const STOP_ATRS = 2;

/**
 * Donchian channel breakout, long only: buy when the close makes a new 55-bar high, with a
 * protective stop 2 × ATR(20) below the close (a bracket leg at the broker) and the size the
 * risk engine suggests: the profile's `sizing.riskPercent` of equity lost at that stop, cut to
 * the headroom under the exposure limits. Sell when the close makes a new 20-bar low. Breakers
 * and the profile's own exits apply on top.
 */
export default defineStrategy({
  name: 'breakout',
  onBar(bar, ctx) {
    const symbol = bar.symbol;
    if (ctx.barCount(symbol) <= ENTRY_BARS) return;
    const position = ctx.position(symbol);
    if (position.qty > 0) {
      const exitLow = ctx.lowest(symbol, EXIT_BARS, 'close', 1);
      if (bar.close < exitLow && ctx.openOrders(symbol).every((o) => o.role !== 'exit'))
        ctx.close(symbol, { reason: 'channel_exit' });
      return;
    }
    if (position.qty !== 0 || ctx.openOrders(symbol).length > 0) return;
    const entryHigh = ctx.highest(symbol, ENTRY_BARS, 'close', 1);
    if (!(bar.close > entryHigh)) return;
    const atr = ctx.atr(symbol, 20);
    const stopLoss = Math.floor((bar.close - STOP_ATRS * atr) * 100) / 100;
    if (!(stopLoss > 0)) return;
    // Risk-based size, already cut to what the exposure limits and buying power leave room for.
    const size = ctx.suggestSize({ symbol, side: 'buy', stopPrice: stopLoss });
    if (size.bound !== 'risk') ctx.log(`${symbol} size cut by ${size.bound} to ${size.qty} shares`);
    if (size.qty >= 1) ctx.buy(symbol, size.qty, { stopLoss });
  },
});
