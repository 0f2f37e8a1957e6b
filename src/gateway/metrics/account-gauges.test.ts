import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.ts';
import { parseProfile } from '../../core/config/load-profile.ts';
import { RiskEngine } from '../../core/engine.ts';
import { stock } from '../../core/instrument.ts';
import { AccountGauges } from './account-gauges.ts';

/** The value of one series in a registry, or undefined. */
async function value(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric as { values?: { labels: Record<string, unknown>; value: number }[] } | undefined)
    ?.values;
  return values?.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('account gauges', () => {
  it('show the loss streak and the VIX against their breakers, and drop series that are gone', async () => {
    const parsed = parseProfile({
      startingEquity: 100_000,
      orders: { maxQuantity: 1_000, maxNotional: { usd: 100_000 } },
      breakers: { lossStreak: { losses: 3 }, vix: { above: 30, resumeBelow: 25 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 0));
    const engine = new RiskEngine({
      profile: parsed.value,
      clock,
      instruments: [stock('AAPL', 'Tech'), stock('XOM', 'Energy')],
    });
    const registry = new Registry();
    const gauges = new AccountGauges(registry);
    const update = (watched: string[]) =>
      gauges.update({
        snapshot: engine.snapshot(),
        profile: engine.profile,
        indexLevel: (name) => engine.indexLevel(name),
        watched,
        priceTime: (symbol) => engine.book.symbols.get(symbol)?.priceTime,
        now: clock.now(),
      });

    engine.onMarket({ kind: 'index', name: 'VIX', value: 21.5, time: clock.now() });
    engine.onMarket({ kind: 'mark', symbol: 'AAPL', price: 100, time: clock.now() });
    engine.onMarket({ kind: 'mark', symbol: 'XOM', price: 50, time: clock.now() });
    // One losing round trip in AAPL, and a position in XOM.
    engine.onFill({ executionId: 'a1', symbol: 'AAPL', side: 'buy', qty: 10, price: 100, time: clock.now() });
    engine.onFill({ executionId: 'a2', symbol: 'AAPL', side: 'sell', qty: 10, price: 95, time: clock.now() });
    engine.onFill({ executionId: 'x1', symbol: 'XOM', side: 'buy', qty: 10, price: 50, time: clock.now() });
    clock.advance(4_000);
    update(['AAPL', 'XOM', 'NEVER']);

    expect(await value(registry, 'riskgate_breaker_value', { code: 'LOSS_STREAK' })).toBe(1);
    expect(await value(registry, 'riskgate_breaker_threshold', { code: 'LOSS_STREAK' })).toBe(3);
    expect(await value(registry, 'riskgate_breaker_headroom', { code: 'LOSS_STREAK' })).toBe(2);
    expect(await value(registry, 'riskgate_breaker_value', { code: 'VIX_LEVEL' })).toBe(21.5);
    expect(await value(registry, 'riskgate_breaker_headroom', { code: 'VIX_LEVEL' })).toBe(8.5);
    // No daily-loss breaker in this profile: no share of its limit either.
    expect(await value(registry, 'riskgate_daily_loss_limit_used_percent')).toBeNaN();
    expect(await value(registry, 'riskgate_sector_exposure_dollars', { sector: 'Energy' })).toBe(500);
    expect(await value(registry, 'riskgate_quote_age_seconds', { symbol: 'XOM' })).toBe(4);
    expect(await value(registry, 'riskgate_quote_age_seconds', { symbol: 'NEVER' })).toBe(
      Number.POSITIVE_INFINITY,
    );

    // XOM closed and no longer watched: its sector and quote-age series go.
    engine.onFill({ executionId: 'x2', symbol: 'XOM', side: 'sell', qty: 10, price: 50, time: clock.now() });
    update(['AAPL']);
    expect(await value(registry, 'riskgate_sector_exposure_dollars', { sector: 'Energy' })).toBeUndefined();
    expect(await value(registry, 'riskgate_quote_age_seconds', { symbol: 'XOM' })).toBeUndefined();
    expect(await value(registry, 'riskgate_quote_age_seconds', { symbol: 'AAPL' })).toBe(4);
  });
});
