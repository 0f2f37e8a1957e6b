import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { RiskEvent } from '../../../src/core/engine-types.ts';
import type { TradingState } from '../../../src/core/trading-state.ts';
import { switchBreaker } from '../../support/core-helpers.ts';
import { engineWith } from '../../support/engine-fixtures.ts';
import {
  Driver,
  fillOp,
  markOp,
  type Operation,
  orderOp,
  PROPERTY_INSTRUMENTS,
  UNIVERSE,
} from './operations.ts';

const SEVERITY: Record<TradingState, number> = { active: 0, reducing: 1, halted: 2 };

type LatchOperation =
  | Operation
  | { readonly kind: 'kill'; readonly flatten: boolean }
  | { readonly kind: 'trip'; readonly action: 'reducing' | 'halted' }
  | { readonly kind: 'vix'; readonly value: number }
  | { readonly kind: 'account'; readonly equity: number }
  | { readonly kind: 'reset' };

const latchOperations = fc.array(
  fc.oneof(
    { arbitrary: orderOp, weight: 4 },
    { arbitrary: fillOp, weight: 4 },
    { arbitrary: markOp(8), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant('kill' as const), flatten: fc.boolean() }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('trip' as const),
        action: fc.constantFrom('reducing' as const, 'halted' as const),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('vix' as const),
        value: fc.double({ min: 10, max: 45, noNaN: true }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('account' as const),
        equity: fc.double({ min: 80_000, max: 120_000, noNaN: true }),
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
  ),
  { minLength: 10, maxLength: 60, size: 'max' },
);

/** Runs the operations; `manual` configures every breaker's latch as manual. */
function runLatch(ops: readonly LatchOperation[], manual: boolean): void {
  const rearm = manual ? ({ rearm: 'manual' } as const) : {};
  const reducing = switchBreaker('reducing');
  const halted = switchBreaker('halted');
  const { engine } = engineWith(
    {
      breakers: {
        dailyLoss: { usd: 3_000, action: 'reducing', ...rearm },
        maxDrawdown: { percent: 5, action: 'halted', ...rearm },
        equityFloor: { usd: 90_000, ...rearm },
        lossStreak: { losses: 2, cooldownMinutes: 5, ...rearm },
        vix: { above: 30, resumeBelow: 25, ...rearm },
      },
    },
    { instruments: PROPERTY_INSTRUMENTS, breakers: [reducing.breaker, halted.breaker] },
    { ...UNIVERSE },
  );
  const events: RiskEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const driver = new Driver(engine);
  let killed = false;
  for (const op of ops) {
    const before = engine.tradingState;
    switch (op.kind) {
      case 'kill':
        engine.kill('ops', 'property test', { flatten: op.flatten });
        killed = true;
        break;
      case 'trip':
        (op.action === 'reducing' ? reducing : halted).trip(engine);
        break;
      case 'vix':
        engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value: op.value });
        break;
      case 'account':
        engine.onAccount({
          time: engine.now(),
          equity: op.equity,
          cash: op.equity,
          buyingPower: op.equity,
        });
        break;
      case 'reset':
        engine.reset('risk-officer', 'property test');
        killed = false;
        break;
      default:
        driver.apply(op);
    }
    const after = engine.tradingState;
    if (op.kind === 'reset') {
      if (after !== 'active') throw new Error(`reset left the latch at ${after}`);
    } else if (SEVERITY[after] < SEVERITY[before] && (manual || op.kind !== 'vix')) {
      // Only a VIX reading can clear a when-clear latch here (the clock does not reach a new session).
      throw new Error(`${op.kind} moved the latch back from ${before} to ${after}`);
    }
    if (killed && after !== 'halted') throw new Error(`the kill switch was lifted by ${op.kind}`);
  }
  for (const e of events) {
    if (e.type !== 'state' || SEVERITY[e.record.state] >= SEVERITY[e.previous.state]) continue;
    const byPolicy = !manual && e.record.code === 'REARM' && e.record.by === 'system';
    if (e.record.code !== 'RESET' && !byPolicy)
      throw new Error(`transition ${e.previous.state} → ${e.record.state} by ${e.record.code}`);
  }
}

describe('the trading-state latch', () => {
  it('with manual latches never becomes less severe except through an authorised reset, whatever marks, fills, breakers, kills and account updates happen', () => {
    fc.assert(
      fc.property(latchOperations, (ops) => runLatch(ops as LatchOperation[], true)),
      { numRuns: 200 },
    );
  });

  it('with the default policies steps down only by a reset or a re-arm by the system, and never lifts the kill switch', () => {
    fc.assert(
      fc.property(latchOperations, (ops) => runLatch(ops as LatchOperation[], false)),
      { numRuns: 200 },
    );
  });
});
