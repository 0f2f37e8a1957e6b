import type { ProtectiveStopConfig } from '../config/profile-schema.ts';
import type { Modification, Violation } from '../decision.ts';
import type { OrderIntent } from '../order.ts';
import type { PreTradeRule } from '../rule.ts';
import { limitDirection, protectiveStopDirection, roundToTick } from '../tick.ts';
import { violation } from './limits.ts';

type Config = ReturnType<typeof ProtectiveStopConfig.parse>;

/*
 * The check's violations are built outside it, so the check stays small enough for V8 to inline
 * into the compiled pipeline.
 */

function stopRequired(ruleId: string, order: OrderIntent, config: Config): Violation {
  return violation('PROTECTIVE_STOP_REQUIRED', ruleId, {
    symbol: order.symbol,
    policy: config.policy,
    reason:
      config.policy === 'attach'
        ? `could not compute a ${config.method} stop (no price or ATR yet)`
        : 'entry has no stopLoss',
  });
}

function stopInvalid(ruleId: string, order: OrderIntent, stopLoss: number, entry: number): Violation {
  return violation('PROTECTIVE_STOP_INVALID', ruleId, {
    symbol: order.symbol,
    side: order.side,
    stopLoss,
    entry,
  });
}

/**
 * Every entry must carry a protective stop. Policy `deny` refuses entries without one;
 * `attach` adds one at a fixed percent or k × ATR from the entry price (rounded to the tick in
 * the conservative direction) and, if configured, a take-profit at an R multiple.
 * A stop on the wrong side of the entry is always denied.
 */
export function protectiveStopRule(config: Config): PreTradeRule {
  const rule: PreTradeRule = {
    id: 'protective-stop',
    scope: 'entries',
    adjust(order, input, ctx) {
      if (!config.required || config.policy !== 'attach' || order.protection?.stopLoss !== undefined)
        return null;
      const entry = order.limitPrice ?? order.stopPrice ?? input.referencePrice;
      if (!(entry > 0)) return null; // no price: the reference-price rule denies
      let distance: number;
      if (config.method === 'atr') {
        const atr = ctx.atr(order.symbol);
        if (!(atr > 0)) return null; // no ATR yet: the check below denies with the reason
        distance = atr * config.atrMultiple;
      } else distance = (entry * config.percent) / 100;
      const stopSide = order.side === 'buy' ? 'sell' : 'buy';
      const rawStop = order.side === 'buy' ? entry - distance : entry + distance;
      const stopLoss = roundToTick(rawStop, protectiveStopDirection(stopSide));
      if (!(stopLoss > 0)) return null;
      const modifications: Modification[] = [
        {
          ruleId: this.id,
          field: 'protection.stopLoss',
          from: null,
          to: stopLoss,
          reason:
            config.method === 'atr'
              ? `protective stop attached at ${config.atrMultiple} x ATR ${order.side === 'buy' ? 'below' : 'above'} entry ${entry}`
              : `protective stop attached ${config.percent}% from entry ${entry}`,
        },
      ];
      let takeProfit = order.protection?.takeProfit;
      if (takeProfit === undefined && config.takeProfitR !== undefined) {
        const risk = Math.abs(entry - stopLoss);
        const raw =
          order.side === 'buy' ? entry + risk * config.takeProfitR : entry - risk * config.takeProfitR;
        takeProfit = roundToTick(raw, limitDirection(stopSide));
        modifications.push({
          ruleId: this.id,
          field: 'protection.takeProfit',
          from: null,
          to: takeProfit,
          reason: `take-profit attached at ${config.takeProfitR}R`,
        });
      }
      const adjusted: OrderIntent = {
        ...order,
        protection: { ...order.protection, stopLoss, ...(takeProfit !== undefined ? { takeProfit } : {}) },
      };
      return { order: adjusted, modifications };
    },
    check(input) {
      const order = input.order;
      // Tested before it is read as a number: `protection?.stopLoss` would merge undefined with
      // the price, and V8 boxes the double on every check to do that.
      const protection = order.protection;
      if (protection === undefined || protection.stopLoss === undefined)
        return config.required ? stopRequired(this.id, order, config) : null;
      const stop = protection.stopLoss;
      const entry = order.limitPrice ?? order.stopPrice ?? input.referencePrice;
      const wrongSide = order.side === 'buy' ? stop >= entry : stop <= entry;
      return entry > 0 && wrongSide ? stopInvalid(this.id, order, stop, entry) : null;
    },
  };
  // Only the attach policy changes orders: without it the engine has no adjustment to call.
  if (config.required && config.policy === 'attach') return rule;
  const { adjust: _unused, ...checkOnly } = rule;
  return checkOnly;
}
