import { describe, expect, it } from 'vitest';
import { bsmGreeks } from './black-scholes.ts';
import {
  dollarDelta,
  dollarGamma,
  dollarRhoPerPercent,
  dollarThetaPerDay,
  dollarVega,
  positionGreeksInto,
  rhoPerPercent,
  sharesDelta,
  thetaPerDay,
  vegaPerVolPoint,
  zeroPositionGreeks,
} from './greek-units.ts';

describe('Greek unit conversions', () => {
  // Haug's theta example: -31.1924 per year is -0.0855 per calendar day.
  it('converts raw Greeks to per vol point, per calendar day and per 1%', () => {
    expect(thetaPerDay(-31.1924)).toBeCloseTo(-0.0855, 4);
    expect(vegaPerVolPoint(18.9358)).toBeCloseTo(0.189358, 12);
    expect(rhoPerPercent(8.91)).toBeCloseTo(0.0891, 12);
  });

  it('scales to dollar exposures of a position', () => {
    // 10 short calls of 100 shares at S = 50 with Δ = 0.5, Γ = 0.04.
    expect(sharesDelta(0.5, 100, -10)).toBe(-500);
    expect(dollarDelta(0.5, 50, 100, -10)).toBe(-25_000);
    // Γ·S²/100 per contract unit = 0.04·2500/100 = 1 dollar of dollar delta per 1% move, ×100×(−10).
    expect(dollarGamma(0.04, 50, 100, -10)).toBeCloseTo(-1000, 9);
    expect(dollarVega(12, 100, -10)).toBeCloseTo(-120, 12);
    expect(dollarThetaPerDay(-36.5, 100, -10)).toBeCloseTo(100, 12);
    expect(dollarRhoPerPercent(8, 100, 2)).toBeCloseTo(16, 12);
  });

  it('dollar gamma is the change in shares delta for a 1% move, valued at the spot', () => {
    const p = {
      right: 'call' as const,
      strike: 100,
      timeToExpiry: 0.5,
      rate: 0.03,
      dividendYield: 0.01,
      volatility: 0.25,
    };
    const spot = 104;
    const h = 1e-4; // a move of h·100 percent
    const shares = (s: number) => sharesDelta(bsmGreeks({ ...p, spot: s }).delta, 100, 1);
    const perPercent = (shares(spot * (1 + h)) - shares(spot * (1 - h))) / (2 * h * 100);
    const g = bsmGreeks({ ...p, spot });
    expect(dollarGamma(g.gamma, spot, 100, 1)).toBeCloseTo(perPercent * spot, 4);
  });

  it('positionGreeksInto fills every field consistently with the single-value helpers', () => {
    const raw = bsmGreeks({
      right: 'put',
      spot: 80,
      strike: 85,
      timeToExpiry: 0.25,
      rate: 0.04,
      dividendYield: 0,
      volatility: 0.3,
    });
    const out = zeroPositionGreeks();
    expect(positionGreeksInto(out, raw, 80, 100, 3)).toBe(out);
    expect(out.value).toBeCloseTo(raw.price * 300, 12);
    expect(out.sharesDelta).toBeCloseTo(sharesDelta(raw.delta, 100, 3), 12);
    expect(out.dollarDelta).toBeCloseTo(dollarDelta(raw.delta, 80, 100, 3), 9);
    expect(out.gamma).toBeCloseTo(raw.gamma * 300, 12);
    expect(out.dollarGamma).toBeCloseTo(dollarGamma(raw.gamma, 80, 100, 3), 9);
    expect(out.dollarVega).toBeCloseTo(dollarVega(raw.vega, 100, 3), 12);
    expect(out.dollarThetaPerDay).toBeCloseTo(dollarThetaPerDay(raw.theta, 100, 3), 12);
    expect(out.dollarRhoPerPercent).toBeCloseTo(dollarRhoPerPercent(raw.rho, 100, 3), 12);
  });
});
