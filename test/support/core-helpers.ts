import { expect } from 'vitest';
import type { Decision, Violation } from '../../src/core/decision.ts';
import type { RiskEngine } from '../../src/core/engine.ts';
import type { RiskActions } from '../../src/core/engine-types.ts';
import type { OrderIntent } from '../../src/core/order.ts';
import { fill, order } from './engine-fixtures.ts';

/** Asserts an accept (plain or modified) and returns the decision. */
export function expectAccepted(decision: Decision): Decision {
  if (decision.kind === 'deny') {
    const found = decision.violations.map((v) => `${v.code}: ${v.message}`).join('; ');
    expect.fail(`expected an accept, got a deny: ${found}`);
  }
  return decision;
}

/**
 * Asserts a deny that carries exactly one violation and returns it, so a test pins the code,
 * the rule id and the message with its numbers.
 */
export function expectOnlyViolation(decision: Decision): Violation {
  if (decision.kind !== 'deny') expect.fail(`expected a deny, got ${decision.kind}`);
  expect(decision.violations.map((v) => v.code)).toHaveLength(1);
  return plain(decision.violations[0]!);
}

/** A violation as a plain object (its message may be a lazily formatted getter). */
function plain(v: Violation): Violation {
  return {
    code: v.code,
    ruleId: v.ruleId,
    message: v.message,
    ...(v.values !== undefined ? { values: v.values } : {}),
  };
}

/** Asserts a deny with a violation of `code` among its violations and returns that violation. */
export function expectViolation(decision: Decision, code: string): Violation {
  if (decision.kind !== 'deny') expect.fail(`expected a deny with ${code}, got ${decision.kind}`);
  const found = decision.violations.find((v) => v.code === code);
  if (found === undefined)
    expect.fail(`expected ${code}, got ${decision.violations.map((v) => v.code).join(', ')}`);
  return plain(found);
}

/** Marks a symbol at a price at the engine's current time (or `time`). */
export function mark(engine: RiskEngine, symbol: string, price: number, time = engine.now()): RiskActions {
  return engine.onMarket({ kind: 'mark', symbol, time, price });
}

/** Sends a one-minute bar that starts at `time`. */
export function bar(
  engine: RiskEngine,
  symbol: string,
  time: number,
  ohlc: { open: number; high: number; low: number; close: number },
): RiskActions {
  return engine.onMarket({ kind: 'bar', symbol, time, volume: 1_000, ...ohlc });
}

/** Validates an order, asserts it is accepted, fills it completely at `price` and returns it. */
export function openPosition(
  engine: RiskEngine,
  symbol: string,
  side: 'buy' | 'sell',
  qty: number,
  price: number,
  extra: Partial<OrderIntent> = {},
): OrderIntent {
  const o = order(symbol, side, qty, extra);
  const decision = expectAccepted(engine.validateOrder(o));
  const sent = decision.kind === 'accept-modified' ? decision.order : o;
  fill(engine, sent, price);
  return sent;
}

/** Signed position quantity of a symbol (0 when flat). */
export function positionQty(engine: RiskEngine, symbol: string): number {
  return engine.book.symbols.get(symbol)?.position?.qty ?? 0;
}

/** A breaker that trips on the next evaluation after `arm()`: for driving the latch in tests. */
export function switchBreaker(
  action: 'reducing' | 'halted',
  options: { flatten?: boolean; id?: string } = {},
) {
  let armed = false;
  const breaker = {
    id: options.id ?? `test-${action}`,
    code: `TEST_${action.toUpperCase()}`,
    action,
    flatten: options.flatten ?? false,
    evaluate() {
      if (!armed) return null;
      armed = false;
      return { message: `TEST_${action.toUpperCase()}: tripped by the test`, values: {} };
    },
  };
  return {
    breaker,
    /** Arms the breaker and lets the engine evaluate it through an index reading. */
    trip(engine: RiskEngine): RiskActions {
      armed = true;
      return engine.onMarket({ kind: 'index', name: 'TEST', time: engine.now(), value: 1 });
    },
  };
}
