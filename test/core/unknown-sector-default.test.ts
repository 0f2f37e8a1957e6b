import { describe, expect, it } from 'vitest';
import { resolveLimit, tighterLimit } from '../../src/core/rules/limits.ts';
import { expectAccepted, expectOnlyViolation } from '../support/core-helpers.ts';
import { engineWith, order } from '../support/engine-fixtures.ts';

describe('the Unknown sector limit when the profile sets none', () => {
  it('is the tighter of the sector and symbol limits, so unlabelled symbols never get more room than a known sector', () => {
    const { engine } = engineWith({ exposure: { sector: { usd: 10_000 }, symbol: { usd: 20_000 } } });
    // MYST has no sector and is marked at $10.
    expectAccepted(engine.validateOrder(order('MYST', 'buy', 1_000), { dryRun: true }));
    const v = expectOnlyViolation(engine.validateOrder(order('MYST', 'buy', 1_001)));
    expect(v.code).toBe('SECTOR_EXPOSURE_EXCEEDED');
    expect(v.ruleId).toBe('sector-exposure');
    expect(v.message).toBe('sector=Unknown exposure=10010.00 limit=10000.00');
  });

  it('combines percent and dollar parts so it resolves to the lower of both limits at any basis', () => {
    const a = { percent: 5, usd: 9_000 };
    const b = { percent: 8, usd: 4_000 };
    const both = tighterLimit(a, b)!;
    for (const basis of [10_000, 50_000, 100_000, 1_000_000]) {
      expect(resolveLimit(both, basis)).toBe(Math.min(resolveLimit(a, basis), resolveLimit(b, basis)));
    }
    expect(tighterLimit(undefined, b)).toBe(b);
    expect(tighterLimit(a, undefined)).toBe(a);
    expect(tighterLimit({ percent: 5 }, { usd: 4_000 })).toEqual({ percent: 5, usd: 4_000 });
  });
});
