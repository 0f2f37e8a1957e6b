import type { PreTradeRule } from '../rule.ts';
import { violation } from './limits.ts';

/**
 * The trading-state latch as a rule: in `reducing` only orders that shrink a position pass;
 * in `halted` nothing passes except exits (when the profile allows them). Also enforces
 * strategies disabled by the repeated-execution limit and timed pauses.
 */
export const stateGateRule: PreTradeRule = {
  id: 'state-gate',
  scope: 'all',
  check(input, ctx) {
    const reducing = input.effect === 'reduce' || input.effect === 'close';
    const state = ctx.tradingState;
    if (state === 'halted' && !(reducing && ctx.profile.halted.allowExits)) {
      return violation('TRADING_HALTED', this.id, {
        state,
        effect: input.effect,
        symbol: input.order.symbol,
      });
    }
    if (state === 'reducing' && !reducing) {
      return violation('TRADING_REDUCING', this.id, {
        state,
        effect: input.effect,
        symbol: input.order.symbol,
      });
    }
    if (reducing) return null;
    if (ctx.isStrategyDisabled(input.order.strategy)) {
      return violation('STRATEGY_DISABLED', this.id, { strategy: input.order.strategy ?? '(none)' });
    }
    const pause = ctx.pause;
    if (pause.until > input.now) {
      return violation(pause.code, this.id, {
        reason: pause.reason,
        until: new Date(pause.until).toISOString(),
      });
    }
    return null;
  },
};
