import { describe, expect, it } from 'vitest';
import { expectAccepted, expectOnlyViolation, mark } from '../../../test/support/core-helpers.ts';
import { engineWith, fill, order } from '../../../test/support/engine-fixtures.ts';
import type { RiskEngine } from '../engine.ts';
import type { RiskEvent } from '../engine-types.ts';

function engineWithLimit() {
  const made = engineWith({ repeatedExecution: { maxFills: 3, windowSeconds: 60 } });
  const events: RiskEvent[] = [];
  made.engine.subscribe((e) => events.push(e));
  return { ...made, events };
}

/** Validates and fills one entry of `strategy`, asserting it was accepted. */
function tradeOnce(engine: RiskEngine, strategy: string, symbol = 'AAPL') {
  const o = order(symbol, 'buy', 1, { strategy });
  expectAccepted(engine.validateOrder(o));
  fill(engine, o, 100);
}

describe('repeated-execution limit', () => {
  it('below the limit the strategy keeps trading; the fill that reaches it disables the strategy', () => {
    const { engine, events } = engineWithLimit();
    tradeOnce(engine, 's1');
    tradeOnce(engine, 's1');
    expect(engine.isStrategyDisabled('s1')).toBe(false);
    // The third order is at the limit: it is accepted, and its fill disables the strategy.
    tradeOnce(engine, 's1');
    expect(engine.isStrategyDisabled('s1')).toBe(true);
    expect(events.filter((e) => e.type === 'strategy-disabled')).toMatchObject([
      {
        strategy: 's1',
        reason: 'REPEATED_EXECUTION_LIMIT: strategy=s1 symbol=AAPL fills=3 windowSec=60',
      },
    ]);
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1, { strategy: 's1' })));
    expect(v).toMatchObject({ code: 'STRATEGY_DISABLED', ruleId: 'state-gate', message: 'strategy=s1' });
    expect(engine.snapshot().disabledStrategies).toEqual(['s1']);
  });

  it('leaves other strategies trading and lets the disabled one exit', () => {
    const { engine } = engineWithLimit();
    for (let i = 0; i < 3; i++) tradeOnce(engine, 's1');
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { strategy: 's2' })));
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 3, { strategy: 's1' }))).effect).toBe(
      'close',
    );
  });

  it('counts fills per strategy and symbol', () => {
    const { engine } = engineWithLimit();
    tradeOnce(engine, 's1', 'AAPL');
    tradeOnce(engine, 's1', 'AAPL');
    tradeOnce(engine, 's1', 'MSFT');
    tradeOnce(engine, 's2', 'AAPL');
    expect(engine.isStrategyDisabled('s1')).toBe(false);
  });

  it('forgets fills older than the window', () => {
    const { engine, clock } = engineWithLimit();
    tradeOnce(engine, 's1');
    clock.advance(30_000);
    mark(engine, 'AAPL', 100);
    tradeOnce(engine, 's1');
    clock.advance(30_000);
    mark(engine, 'AAPL', 100);
    // The first fill is exactly 60 s old: out of the window.
    tradeOnce(engine, 's1');
    expect(engine.isStrategyDisabled('s1')).toBe(false);
  });

  it('stays disabled until an authorised reset', () => {
    const { engine, clock } = engineWithLimit();
    for (let i = 0; i < 3; i++) tradeOnce(engine, 's1');
    clock.advance(3_600_000);
    mark(engine, 'AAPL', 100);
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1, { strategy: 's1' }))).code).toBe(
      'STRATEGY_DISABLED',
    );
    engine.reset('risk-officer', 're-enabled after review');
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1, { strategy: 's1' })));
  });

  it('treats untagged orders as one strategy', () => {
    const { engine } = engineWithLimit();
    for (let i = 0; i < 3; i++) {
      const o = order('AAPL', 'buy', 1);
      expectAccepted(engine.validateOrder(o));
      fill(engine, o, 100);
    }
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'strategy=(none)',
    );
  });
});
