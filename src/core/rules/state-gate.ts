import type { Violation } from '../decision.ts';
import type { CheckInput, PreTradeRule, RiskContext } from '../rule.ts';
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
    if (state === 'halted' && !(reducing && ctx.profile.halted.allowExits))
      return stateViolation('TRADING_HALTED', this.id, state, input);
    if (state === 'reducing' && !reducing) return stateViolation('TRADING_REDUCING', this.id, state, input);
    if (reducing) return null;
    if (ctx.isStrategyDisabled(input.order.strategy)) return strategyDisabled(this.id, input.order.strategy);
    const pause = ctx.pause;
    if (pause.until > input.now) return paused(this.id, pause);
    return null;
  },
};

/*
 * The violations are built outside the check, so the check stays small enough for V8 to inline
 * into the compiled pipeline.
 */

function stateViolation(code: string, ruleId: string, state: string, input: CheckInput): Violation {
  return violation(code, ruleId, { state, effect: input.effect, symbol: input.order.symbol });
}

function strategyDisabled(ruleId: string, strategy: string | undefined): Violation {
  return violation('STRATEGY_DISABLED', ruleId, { strategy: strategy ?? '(none)' });
}

function paused(ruleId: string, pause: RiskContext['pause']): Violation {
  return violation(pause.code, ruleId, { reason: pause.reason, until: new Date(pause.until).toISOString() });
}
