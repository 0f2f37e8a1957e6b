import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  openPosition,
  positionQty,
} from '../../../test/support/core-helpers.ts';
import { engineWith, order, profile } from '../../../test/support/engine-fixtures.ts';
import { indexFreshnessRule, requiredIndexNames } from './index-freshness.ts';

describe('index freshness', () => {
  const fresh = (maxAgeMs = 60_000, names: readonly string[] = ['VIX']) =>
    engineWith(
      { marketData: { maxQuoteAgeMs: 86_400_000 } },
      { rules: [indexFreshnessRule(names, maxAgeMs)] },
    );

  it('denies an entry while a required index was never received, naming it', () => {
    const { engine } = fresh();
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'INDEX_STALE',
      ruleId: 'index-freshness',
      message: 'index=VIX received=never max=60s',
    });
  });

  it('accepts a reading as old as the maximum age and denies one a tenth of a second older, with its age', () => {
    const { engine, clock } = fresh();
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value: 18 });
    clock.advance(60_000);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1), { dryRun: true }));
    clock.advance(33_200);
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1)));
    expect(v.message).toBe('index=VIX age=93.2s max=60s');
    expect(v.values).toMatchObject({ index: 'VIX' });
  });

  it('measures the age from the reading time, not from when it arrived', () => {
    const { engine } = fresh();
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now() - 120_000, value: 18 });
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'index=VIX age=120.0s max=60s',
    );
  });

  it('never blocks an exit', () => {
    const { engine, clock } = fresh();
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value: 18 });
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    clock.advance(3_600_000);
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: engine.now(), price: 100 });
    expect(positionQty(engine, 'AAPL')).toBe(10);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 10)));
    expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 1)));
  });

  it('denies a reading that is not a finite number as never received', () => {
    const { engine } = fresh();
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value: Number.NaN });
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'index=VIX received=never max=60s',
    );
  });

  it('checks every required index', () => {
    const { engine } = fresh(60_000, ['VIX', 'VVIX']);
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value: 18 });
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1))).message).toBe(
      'index=VVIX received=never max=60s',
    );
  });

  it('requires the VIX when the profile has a VIX breaker or a VIX regime, plus any named', () => {
    expect(requiredIndexNames(profile(), [])).toEqual([]);
    expect(requiredIndexNames(profile(), ['VVIX'])).toEqual(['VVIX']);
    expect(
      requiredIndexNames(profile({ breakers: { vix: { above: 40, resumeBelow: 30 } } }), ['VIX', 'VVIX']),
    ).toEqual(['VIX', 'VVIX']);
    const regime = profile({
      regime: {
        by: 'vix',
        bands: [
          { name: 'calm', below: 20, exits: {} },
          { name: 'stress', exits: {} },
        ],
      },
    });
    expect(requiredIndexNames(regime, [])).toEqual(['VIX']);
    const rv = profile({
      indicators: { realizedVolatility: { window: 20, timeframe: '1d' } },
      regime: { by: 'realizedVolatility', bands: [{ name: 'any', exits: {} }] },
    });
    expect(requiredIndexNames(rv, [])).toEqual([]);
  });
});
