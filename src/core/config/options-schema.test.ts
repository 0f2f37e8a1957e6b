import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProfile, parseRiskProfileFile } from './load-profile.ts';

const base = { startingEquity: 100_000, orders: { maxQuantity: 100, maxNotional: { usd: 10_000 } } };

function issues(extra: Record<string, unknown>) {
  const parsed = parseProfile({ ...base, ...extra });
  return parsed.ok ? [] : parsed.issues;
}

describe('profile: options', () => {
  it('is optional; with only a rate, the rest takes its defaults', () => {
    const without = parseProfile(base);
    expect(without.ok && without.value.options).toBeUndefined();
    const parsed = parseProfile({ ...base, options: { rate: 0.04 } });
    expect(parsed.ok && parsed.value.options).toEqual({
      rate: 0.04,
      dividendYields: {},
      timeStepSeconds: 60,
      solveImpliedVolatility: true,
      limits: {},
    });
  });

  it('takes a fallback volatility surface, filling the parameters left out, and names a bad one', () => {
    const parsed = parseProfile({ ...base, options: { rate: 0.04, volatilitySurface: { base: 0.3 } } });
    expect(parsed.ok && parsed.value.options?.volatilitySurface).toEqual({
      base: 0.3,
      skew: -0.15,
      curvature: 0.3,
      termSlope: 0,
      minVolatility: 0.05,
      maxVolatility: 3,
    });
    const bad = issues({ options: { rate: 0.04, volatilitySurface: { base: -0.2 } } });
    expect(bad.map((i) => i.path)).toContain('options.volatilitySurface.base');
  });

  it('accepts every limit and the monitor', () => {
    const options = {
      rate: 0.045,
      dividendYields: { SPY: 0.013 },
      limits: {
        netDelta: { shares: 5_000, usd: 500_000 },
        totalNetDelta: { usd: 1_000_000 },
        gamma: { perUnderlying: 20_000, total: 50_000 },
        vega: { perUnderlying: 5_000, total: 15_000 },
        thetaPerDay: { perUnderlying: 1_000, total: 2_500 },
        contracts: { perUnderlying: 200, perExpiry: 100 },
      },
      monitor: { action: 'halted', flatten: true },
    };
    const parsed = parseProfile({ ...base, options });
    expect(parsed.ok && parsed.value.options).toEqual({
      ...options,
      timeStepSeconds: 60,
      solveImpliedVolatility: true,
    });
  });

  it('reports every problem at once, each with its path', () => {
    expect(
      issues({
        options: {
          rate: 4,
          dividendYields: { SPY: -0.01 },
          timeStepSeconds: 0,
          limits: {
            netDelta: {},
            totalNetDelta: { shares: 10 },
            gamma: { perUnderlying: -1 },
            vega: { total: 0 },
            thetaPerDay: {},
            contracts: { perExpiry: 2.5 },
            rho: { total: 1 },
          },
          monitor: { action: 'pause' },
        },
      }),
    ).toEqual([
      { path: 'options.rate', message: 'expected the rate as a fraction per year, e.g. 0.04 for 4%' },
      { path: 'options.dividendYields.SPY', message: 'Too small: expected number to be >=0' },
      { path: 'options.timeStepSeconds', message: 'Too small: expected number to be >0' },
      { path: 'options.limits.netDelta', message: 'set shares, usd, or both' },
      {
        path: 'options.limits.totalNetDelta.shares',
        message: 'shares of different underlyings do not add up: limit the total in usd',
      },
      { path: 'options.limits.totalNetDelta.usd', message: 'is required: expected number' },
      { path: 'options.limits.gamma.perUnderlying', message: 'Too small: expected number to be >0' },
      { path: 'options.limits.vega.total', message: 'Too small: expected number to be >0' },
      { path: 'options.limits.thetaPerDay', message: 'set perUnderlying, total, or both' },
      { path: 'options.limits.contracts.perExpiry', message: 'Invalid input: expected int, received number' },
      { path: 'options.limits', message: 'unknown field(s) rho: check the spelling' },
      { path: 'options.monitor.action', message: 'Invalid option: expected one of "reducing"|"halted"' },
    ]);
  });

  it('needs the rate', () => {
    expect(issues({ options: {} })).toEqual([
      { path: 'options.rate', message: 'is required: expected number' },
    ]);
  });
});

describe('profile: breakers.correlation', () => {
  it('takes its defaults', () => {
    const parsed = parseProfile({
      ...base,
      breakers: { correlation: { window: 20, above: 0.8, resumeBelow: 0.6 } },
    });
    expect(parsed.ok && parsed.value.breakers.correlation).toEqual({
      window: 20,
      minNames: 2,
      above: 0.8,
      resumeBelow: 0.6,
      action: 'reducing',
      flatten: false,
      rearm: 'when-clear',
      clearFor: 1,
    });
  });

  it('reports inconsistent settings with their paths', () => {
    expect(
      issues({
        breakers: {
          correlation: {
            window: 10,
            minObservations: 11,
            minNames: 4,
            symbols: ['A', 'B', 'C'],
            above: 0.5,
            resumeBelow: 0.7,
          },
        },
      }),
    ).toEqual([
      { path: 'breakers.correlation.resumeBelow', message: 'resumeBelow must be at or below above' },
      {
        path: 'breakers.correlation.minObservations',
        message: 'minObservations must be at most window (10)',
      },
      {
        path: 'breakers.correlation.minNames',
        message: 'minNames must be at most the number of symbols (3)',
      },
    ]);
    expect(
      issues({ breakers: { correlation: { window: 1, above: 2, resumeBelow: -1, action: 'pause' } } }),
    ).toEqual([
      { path: 'breakers.correlation.window', message: 'Too small: expected number to be >=2' },
      { path: 'breakers.correlation.above', message: 'Too big: expected number to be <=1' },
      { path: 'breakers.correlation.resumeBelow', message: 'Too small: expected number to be >-1' },
      { path: 'breakers.correlation.action', message: 'Invalid option: expected one of "reducing"|"halted"' },
    ]);
  });
});

describe('the example profile', () => {
  it('still parses, and its commented options block is valid once uncommented', () => {
    const text = readFileSync(new URL('../../../examples/profiles/example.yaml', import.meta.url), 'utf8');
    expect(parseRiskProfileFile(text).ok).toBe(true);
    const uncommented = text.replace(
      /^(\s*)# ?(options:| {2}|correlation:)/gm,
      (_, indent: string, rest: string) => `${indent}${rest}`,
    );
    expect(uncommented).not.toBe(text);
    const parsed = parseRiskProfileFile(uncommented);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    expect(parsed.ok && parsed.value.options?.limits.netDelta).toEqual({ shares: 2_000, usd: 300_000 });
    expect(parsed.ok && parsed.value.breakers.correlation?.window).toBe(20);
  });
});
