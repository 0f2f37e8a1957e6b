import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mark, openPosition, switchBreaker } from '../../test/support/core-helpers.ts';
import { engineWith, profile } from '../../test/support/engine-fixtures.ts';
import { parseProfile } from './config/load-profile.ts';
import type { RiskEngine } from './engine.ts';
import type { RiskEvent } from './engine-types.ts';
import { newYorkToEpoch } from './session.ts';

const at = (date: string, time: string) => newYorkToEpoch(date, time);

function vix(engine: RiskEngine, value: number, time: number) {
  return engine.onMarket({ kind: 'index', name: 'VIX', time, value });
}

function listen(engine: RiskEngine): RiskEvent[] {
  const events: RiskEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return events;
}

/** An engine holding 1,000 AAPL at 100 whose daily-loss breaker (2%) trips on a fall to 97. */
function dailyLossTripped(rearm?: 'manual' | 'next-session', tripAt = at('2024-03-15', '11:00')) {
  const made = engineWith({
    breakers: { dailyLoss: { percent: 2, action: 'halted', ...(rearm ? { rearm } : {}) } },
  });
  openPosition(made.engine, 'AAPL', 'buy', 1000, 100);
  made.clock.set(tripAt);
  mark(made.engine, 'AAPL', 97, tripAt);
  expect(made.engine.tradingState).toBe('halted');
  return made;
}

describe('latch policy in the profile', () => {
  it('defaults each breaker to what a trader expects', () => {
    const p = profile({
      breakers: {
        dailyLoss: { percent: 2 },
        equityFloor: { usd: 1000 },
        maxDrawdown: { percent: 10 },
        lossStreak: { losses: 3, action: 'reducing' },
        vix: { above: 40, resumeBelow: 25 },
        correlation: { window: 20, above: 0.8, resumeBelow: 0.6 },
      },
    });
    expect(p.breakers.dailyLoss?.rearm).toBe('next-session');
    expect(p.breakers.equityFloor?.rearm).toBe('manual');
    expect(p.breakers.maxDrawdown?.rearm).toBe('manual');
    expect(p.breakers.lossStreak?.rearm).toBe('next-session');
    expect(p.breakers.vix).toMatchObject({ rearm: 'when-clear', clearFor: 1 });
    expect(p.breakers.correlation).toMatchObject({ rearm: 'when-clear', clearFor: 1 });
  });

  it('shows each breaker latch policy in the snapshot; custom breakers are manual', () => {
    const custom = switchBreaker('reducing');
    const { engine } = engineWith(
      { breakers: { dailyLoss: { percent: 2 }, vix: { above: 40, resumeBelow: 25, clearFor: 3 } } },
      { breakers: [custom.breaker] },
    );
    expect(engine.snapshot().breakers.map((b) => [b.id, b.rearm])).toEqual([
      ['daily-loss', 'next-session'],
      ['vix', 'when-clear'],
      [custom.breaker.id, 'manual'],
    ]);
  });

  it('refuses a policy a breaker cannot honour, naming the field and what is allowed', () => {
    const bad = parseProfile({
      startingEquity: 1000,
      breakers: { dailyLoss: { percent: 2, rearm: 'when-clear' } },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const text = JSON.stringify(bad.issues);
    expect(text).toContain('breakers.dailyLoss.rearm');
    expect(text).toContain('manual');
    expect(text).toContain('next-session');
    const clearFor = parseProfile({
      startingEquity: 1000,
      breakers: { vix: { above: 40, resumeBelow: 25, rearm: 'manual', clearFor: 3 } },
    });
    expect(clearFor.ok).toBe(false);
    if (!clearFor.ok)
      expect(JSON.stringify(clearFor.issues)).toContain('clearFor applies only to rearm: when-clear');
  });
});

describe('next-session re-arm', () => {
  it('lifts a daily-loss halt at the open of the next trading day, by "system" with the reason', () => {
    const { engine, clock } = dailyLossTripped();
    const events = listen(engine);
    for (const t of [at('2024-03-15', '15:59'), at('2024-03-16', '12:00'), at('2024-03-18', '09:29')]) {
      clock.set(t);
      mark(engine, 'AAPL', 97, t);
      expect(engine.tradingState).toBe('halted');
    }
    const open = at('2024-03-18', '09:30');
    clock.set(open);
    mark(engine, 'AAPL', 97, open);
    expect(engine.tradingState).toBe('active');
    const record = engine.snapshot().tradingState;
    expect(record).toMatchObject({ state: 'active', code: 'REARM', by: 'system', at: open });
    expect(record.reason).toContain('DAILY_LOSS_LIMIT');
    expect(record.reason).toContain('next-session');
    const rearm = events.find((e) => e.type === 'rearm');
    expect(rearm).toMatchObject({
      type: 'rearm',
      breakerId: 'daily-loss',
      code: 'DAILY_LOSS_LIMIT',
      policy: 'next-session',
      time: open,
    });
    expect(events.some((e) => e.type === 'state' && e.record.code === 'REARM')).toBe(true);
    // The new day starts from today's equity: the loss of yesterday does not trip again.
    expect(engine.dayStartEquity).toBeCloseTo(engine.equity, 6);
    expect(engine.snapshot().trippedBreakers).toEqual([]);
  });

  it('skips holidays: a Thursday trip before Good Friday lifts on Monday', () => {
    const { engine, clock } = dailyLossTripped('next-session', at('2024-03-28', '11:00'));
    clock.set(at('2024-03-29', '10:00'));
    mark(engine, 'AAPL', 97);
    expect(engine.tradingState).toBe('halted');
    clock.set(at('2024-04-01', '09:30'));
    engine.onAccount({
      time: at('2024-04-01', '09:30'),
      equity: engine.equity,
      cash: 0,
      buyingPower: engine.equity,
    });
    expect(engine.tradingState).toBe('active');
  });

  it('re-arms on an index reading too, starting the new day first so the old loss does not trip again', () => {
    const { engine, clock } = dailyLossTripped();
    const t = at('2024-03-18', '09:31');
    clock.set(t);
    vix(engine, 15, t);
    expect(engine.tradingState).toBe('active');
    expect(engine.dayStartEquity).toBeCloseTo(engine.equity, 6);
  });

  it('with rearm: manual the halt holds until an authorised reset', () => {
    const { engine, clock } = dailyLossTripped('manual');
    clock.set(at('2024-03-20', '10:00'));
    mark(engine, 'AAPL', 97);
    expect(engine.tradingState).toBe('halted');
    engine.reset('risk-officer', 'reviewed');
    expect(engine.tradingState).toBe('active');
  });
});

describe('when-clear re-arm', () => {
  function vixEngine(clearFor: number) {
    const made = engineWith({ breakers: { vix: { above: 40, resumeBelow: 25, clearFor } } });
    const events = listen(made.engine);
    vix(made.engine, 45, made.clock.now());
    expect(made.engine.tradingState).toBe('reducing');
    return { ...made, events };
  }

  it('lifts a VIX latch after clearFor consecutive readings below the re-arm level', () => {
    const { engine, clock, events } = vixEngine(3);
    let t = clock.now();
    const feed = (value: number) => {
      t += 86_400_000;
      clock.set(t);
      vix(engine, value, t);
      return engine.tradingState;
    };
    expect(feed(20)).toBe('reducing');
    expect(feed(20)).toBe('reducing');
    expect(feed(30)).toBe('reducing'); // above resumeBelow: the count starts again
    expect(feed(20)).toBe('reducing');
    expect(feed(24)).toBe('reducing');
    expect(feed(24.9)).toBe('active');
    expect(engine.snapshot().tradingState).toMatchObject({ code: 'REARM', by: 'system' });
    expect(events.filter((e) => e.type === 'rearm')).toHaveLength(1);
    // Armed again: the next spike trips it.
    expect(feed(41)).toBe('reducing');
  });

  it('keeps the most severe remaining latch: a VIX re-arm under a daily-loss halt leaves it halted', () => {
    const { engine, clock } = engineWith({
      breakers: {
        dailyLoss: { percent: 2, action: 'halted', rearm: 'manual' },
        vix: { above: 40, resumeBelow: 25 },
      },
    });
    openPosition(engine, 'AAPL', 'buy', 1000, 100);
    vix(engine, 45, clock.now());
    mark(engine, 'AAPL', 97);
    expect(engine.tradingState).toBe('halted');
    vix(engine, 20, clock.now());
    expect(engine.tradingState).toBe('halted');
    expect(engine.snapshot().trippedBreakers.map((t) => t.code)).toEqual(['DAILY_LOSS_LIMIT']);
  });

  it('steps down from halted to the reducing latch that still holds', () => {
    const { engine, clock } = engineWith({
      breakers: {
        dailyLoss: { percent: 2, action: 'halted' },
        vix: { above: 40, resumeBelow: 25, rearm: 'manual' },
      },
    });
    openPosition(engine, 'AAPL', 'buy', 1000, 100);
    vix(engine, 45, clock.now());
    mark(engine, 'AAPL', 97);
    expect(engine.tradingState).toBe('halted');
    const t = at('2024-03-18', '10:00');
    clock.set(t);
    mark(engine, 'AAPL', 97, t);
    expect(engine.snapshot().tradingState).toMatchObject({ state: 'reducing', code: 'REARM', by: 'system' });
    expect(engine.snapshot().tradingState.reason).toContain('VIX_LEVEL');
  });
});

describe('manual latches and the kill switch', () => {
  it('never lift a manual latch without a reset, whatever the market does', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('vix' as const),
              value: fc.double({ min: 5, max: 80, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('mark' as const),
              value: fc.double({ min: 50, max: 150, noNaN: true }),
            }),
          ),
          { maxLength: 40 },
        ),
        fc.array(fc.integer({ min: 1, max: 5 * 86_400_000 }), { minLength: 40, maxLength: 40 }),
        (steps, gaps) => {
          const manual = switchBreaker('reducing');
          const { engine, clock } = engineWith(
            {
              breakers: {
                dailyLoss: { percent: 50, rearm: 'manual' },
                vix: { above: 90, resumeBelow: 25, rearm: 'manual' },
              },
            },
            { breakers: [manual.breaker] },
          );
          manual.trip(engine);
          let t = clock.now();
          steps.forEach((step, i) => {
            t += gaps[i]!;
            clock.set(t);
            if (step.kind === 'vix') vix(engine, step.value, t);
            else mark(engine, 'AAPL', step.value, t);
            expect(engine.tradingState).not.toBe('active');
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps the kill switch halted through sessions and clear readings', () => {
    const { engine, clock } = engineWith({
      breakers: { dailyLoss: { percent: 2 }, vix: { above: 40, resumeBelow: 25 } },
    });
    vix(engine, 45, clock.now());
    engine.kill('ops', 'test');
    for (const date of ['2024-03-18', '2024-03-19']) {
      const t = at(date, '10:00');
      clock.set(t);
      vix(engine, 15, t);
      mark(engine, 'AAPL', 100, t);
    }
    expect(engine.tradingState).toBe('halted');
    expect(engine.snapshot().trippedBreakers.map((t) => t.code)).toEqual(['KILL_SWITCH']);
  });

  it('a when-clear latch lifts exactly when the last clearFor readings are all below the re-arm level', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: 5, max: 39, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (clearFor, readings) => {
          const { engine, clock } = engineWith({
            breakers: { vix: { above: 40, resumeBelow: 25, clearFor } },
          });
          vix(engine, 45, clock.now());
          let run = 0;
          let lifted = false;
          let t = clock.now();
          for (const value of readings) {
            t += 60_000;
            clock.set(t);
            vix(engine, value, t);
            run = value < 25 ? run + 1 : 0;
            if (run >= clearFor) lifted = true;
            expect(engine.tradingState).toBe(lifted ? 'active' : 'reducing');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
