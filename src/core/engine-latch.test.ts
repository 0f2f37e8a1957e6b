import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
  switchBreaker,
} from '../../test/support/core-helpers.ts';
import { engineWith, order, T0 } from '../../test/support/engine-fixtures.ts';
import type { RiskEvent } from './engine-types.ts';
import type { PreTradeRule } from './rule.ts';

const dry = { dryRun: true } as const;

function reducingEngine() {
  const reducing = switchBreaker('reducing');
  const made = engineWith({}, { breakers: [reducing.breaker] });
  openPosition(made.engine, 'AAPL', 'buy', 100, 100);
  openPosition(made.engine, 'JPM', 'sell', 100, 50);
  reducing.trip(made.engine);
  expect(made.engine.tradingState).toBe('reducing');
  return made;
}

describe('reducing', () => {
  it('denies an order that would increase a position', () => {
    const { engine } = reducingEngine();
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'TRADING_REDUCING',
      ruleId: 'state-gate',
      message: 'state=reducing effect=increase symbol=AAPL',
    });
    expect(expectOnlyViolation(engine.validateOrder(order('JPM', 'sell', 1))).message).toBe(
      'state=reducing effect=increase symbol=JPM',
    );
  });

  it('accepts an order that reduces or closes a position, long or short', () => {
    const { engine } = reducingEngine();
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 99), dry)).effect).toBe('reduce');
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100), dry)).effect).toBe('close');
    expect(expectAccepted(engine.validateOrder(order('JPM', 'buy', 100), dry)).effect).toBe('close');
  });

  it('denies an order one share larger than the position: it would flip it', () => {
    const { engine } = reducingEngine();
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 101))).message).toBe(
      'state=reducing effect=flip symbol=AAPL',
    );
    expect(expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 101))).message).toBe(
      'state=reducing effect=flip symbol=JPM',
    );
  });

  it('denies an order in a flat symbol, in either direction', () => {
    const { engine } = reducingEngine();
    expect(expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1))).message).toBe(
      'state=reducing effect=open symbol=MSFT',
    );
    expect(expectOnlyViolation(engine.validateOrder(order('MSFT', 'sell', 1))).message).toBe(
      'state=reducing effect=open symbol=MSFT',
    );
  });

  it('counts exits already working: a second full exit would flip the position and is denied', () => {
    const { engine } = reducingEngine();
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 60)));
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 40))).effect).toBe('close');
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 1))).message).toBe(
      'state=reducing effect=flip symbol=AAPL',
    );
  });

  it('holds when the loss is made good: only a reset moves it back', () => {
    const { engine, clock } = reducingEngine();
    clock.advance(3_600_000);
    mark(engine, 'AAPL', 150);
    expect(engine.tradingState).toBe('reducing');
    engine.reset('risk-officer', 'reviewed');
    expect(engine.tradingState).toBe('active');
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });
});

describe('halted', () => {
  function haltedEngine(allowExits?: boolean) {
    const made = engineWith(allowExits === undefined ? {} : { halted: { allowExits } });
    openPosition(made.engine, 'AAPL', 'buy', 100, 100);
    made.engine.kill('ops', 'test halt');
    return made;
  }

  it('denies every entry', () => {
    const { engine } = haltedEngine();
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'TRADING_HALTED',
      ruleId: 'state-gate',
      message: 'state=halted effect=open symbol=MSFT',
    });
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'state=halted effect=increase symbol=AAPL',
    );
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 101))).message).toBe(
      'state=halted effect=flip symbol=AAPL',
    );
  });

  it('lets exits through by default (halted.allowExits defaults to true)', () => {
    const { engine } = haltedEngine();
    expect(engine.profile.halted.allowExits).toBe(true);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 50), dry)).effect).toBe('reduce');
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100), dry)).effect).toBe('close');
  });

  it('denies exits too when halted.allowExits is false', () => {
    const { engine } = haltedEngine(false);
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 100))).message).toBe(
      'state=halted effect=close symbol=AAPL',
    );
  });

  it('never needs to validate a cancel: releasing a working order works in any state', () => {
    const { engine } = engineWith({ halted: { allowExits: false } });
    const working = order('MSFT', 'buy', 10);
    expectAccepted(engine.validateOrder(working));
    engine.kill('ops', 'cancel everything');
    engine.onOrderClosed(working.clientOrderId);
    expect(engine.book.working.size).toBe(0);
    expect(engine.book.reserved).toBe(0);
  });

  it('is never softened by a breaker asking for reducing', () => {
    const reducing = switchBreaker('reducing');
    const { engine } = engineWith({}, { breakers: [reducing.breaker] });
    engine.kill('ops', 'halt');
    const actions = reducing.trip(engine);
    expect(actions.trips.map((t) => t.code)).toEqual(['TEST_REDUCING']);
    expect(engine.tradingState).toBe('halted');
    expect(engine.snapshot().tradingState).toMatchObject({ state: 'halted', code: 'KILL_SWITCH' });
  });

  it('is reached from reducing by a more severe breaker', () => {
    const reducing = switchBreaker('reducing');
    const halted = switchBreaker('halted');
    const { engine } = engineWith({}, { breakers: [reducing.breaker, halted.breaker] });
    reducing.trip(engine);
    expect(engine.tradingState).toBe('reducing');
    halted.trip(engine);
    expect(engine.snapshot().tradingState).toMatchObject({
      state: 'halted',
      code: 'TEST_HALTED',
      by: 'engine',
    });
  });
});

describe('kill switch and reset', () => {
  it('halts with who and why, and returns no exits unless asked to flatten', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    const events: RiskEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const actions = engine.kill('alice', 'runaway strategy');
    expect(actions.exits).toEqual([]);
    expect(actions.trips).toMatchObject([
      {
        breakerId: 'kill-switch',
        code: 'KILL_SWITCH',
        action: 'halted',
        flatten: false,
        message: 'KILL_SWITCH: by=alice reason=runaway strategy',
        at: T0,
      },
    ]);
    expect(engine.snapshot().tradingState).toEqual({
      state: 'halted',
      code: 'KILL_SWITCH',
      reason: 'runaway strategy',
      by: 'alice',
      at: T0,
    });
    expect(events.map((e) => e.type)).toEqual(['trip', 'state']);
  });

  it('with flatten, returns a market exit for every open position', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    openPosition(engine, 'JPM', 'sell', 30, 50);
    const actions = engine.kill('alice', 'flatten all', { flatten: true });
    expect(actions.exits).toEqual([
      {
        symbol: 'AAPL',
        side: 'sell',
        qty: 100,
        reason: 'kill_switch',
        price: undefined,
        rules: ['kill_switch'],
        time: T0,
      },
      {
        symbol: 'JPM',
        side: 'buy',
        qty: 30,
        reason: 'kill_switch',
        price: undefined,
        rules: ['kill_switch'],
        time: T0,
      },
    ]);
    // The exits it asks for pass the halted gate.
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100))).effect).toBe('close');
  });

  it('reset needs a non-empty who and why, and leaves the latch alone without them', () => {
    const { engine } = engineWith();
    engine.kill('alice', 'halt');
    expect(() => engine.reset('', 'why')).toThrow(/non-empty `by` and `reason`/);
    expect(() => engine.reset('bob', '   ')).toThrow(/non-empty/);
    expect(engine.tradingState).toBe('halted');
    const record = engine.reset('bob', 'incident closed');
    expect(record).toEqual({ state: 'active', code: 'RESET', reason: 'incident closed', by: 'bob', at: T0 });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('re-arms the breakers: one that tripped before the reset can trip again after it', () => {
    const halted = switchBreaker('halted');
    const { engine } = engineWith({}, { breakers: [halted.breaker] });
    expect(halted.trip(engine).trips).toHaveLength(1);
    // While tripped, the breaker is latched and not evaluated again.
    expect(halted.trip(engine).trips).toHaveLength(0);
    engine.reset('bob', 'ok');
    expect(engine.snapshot().trippedBreakers).toEqual([]);
    expect(halted.trip(engine).trips).toHaveLength(1);
    expect(engine.tradingState).toBe('halted');
  });
});

describe('failing closed', () => {
  it('denies with RULE_ERROR when a rule throws, naming the rule and the error', () => {
    const boom: PreTradeRule = {
      id: 'boom',
      scope: 'all',
      check() {
        throw new Error('kaput');
      },
    };
    const { engine } = engineWith({}, { rules: [boom] });
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({ code: 'RULE_ERROR', ruleId: 'boom', message: 'rule=boom error=kaput' });
    expect(engine.book.working.size).toBe(0);
  });

  it('denies with RULE_ERROR when a rule throws while adjusting an order', () => {
    const badAdjust: PreTradeRule = {
      id: 'bad-adjust',
      scope: 'entries',
      check: () => null,
      adjust() {
        throw new TypeError('no stop today');
      },
    };
    const { engine } = engineWith({}, { rules: [badAdjust] });
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'rule=bad-adjust error=no stop today',
    );
  });

  it('trips a breaker that throws', () => {
    const broken = {
      id: 'broken',
      code: 'BROKEN',
      action: 'halted' as const,
      flatten: false,
      evaluate(): never {
        throw new Error('division by zero');
      },
    };
    const { engine } = engineWith({}, { breakers: [broken] });
    expect(engine.tradingState).toBe('halted');
    expect(engine.snapshot().trippedBreakers[0]?.message).toBe(
      'BROKEN: breaker threw (division by zero); tripping to fail closed',
    );
  });

  it('ignores a listener that throws', () => {
    const { engine } = engineWith();
    engine.subscribe(() => {
      throw new Error('listener bug');
    });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(engine.kill('ops', 'x').trips).toHaveLength(1);
  });
});
