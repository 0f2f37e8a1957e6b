import { describe, expect, it } from 'vitest';
import { engineWith, fill, INSTRUMENTS, order, T0 } from '../../../test/support/engine-fixtures.ts';
import type { ProfileInput } from '../config/profile-schema.ts';
import type { RiskEngine } from '../engine.ts';
import { optionInstrument } from '../options/option-instrument.ts';

const DAY = 86_400_000;
type Correlation = NonNullable<NonNullable<ProfileInput['breakers']>['correlation']>;

/** Feeds one daily bar per symbol, closes from `returns` applied to the last close. */
function day(engine: RiskEngine, t: number, last: Map<string, number>, returns: Record<string, number>) {
  const trips = [];
  for (const [symbol, r] of Object.entries(returns)) {
    const close = (last.get(symbol) ?? 100) * (1 + r);
    last.set(symbol, close);
    const time = T0 + t * DAY;
    trips.push(
      ...engine.onMarket({
        kind: 'bar',
        symbol,
        time,
        open: close,
        high: close,
        low: close,
        close,
        volume: 1,
      }).trips,
    );
  }
  return trips;
}

/** Every name moves with the market plus a small wobble: correlation close to 1. */
const together = (t: number) => {
  const m = t % 2 === 0 ? 0.01 : -0.012;
  return { AAPL: m, MSFT: m * 1.1 + 0.0001 * (t % 3), JPM: m * 0.9 - 0.0001 * (t % 5) };
};
/** AAPL and MSFT in opposite directions, JPM on its own: a negative average. */
const apart = (t: number) => {
  const m = t % 2 === 0 ? 0.01 : -0.01;
  return { AAPL: m, MSFT: -m, JPM: t % 4 < 2 ? 0.005 : -0.006 };
};

const armed = (engine: RiskEngine) =>
  (engine.snapshot().breakers.find((b) => b.id === 'correlation')?.state as { armed: boolean } | undefined)
    ?.armed;

function watching(extra: Partial<Correlation> = {}) {
  const correlation: Correlation = {
    window: 5,
    above: 0.8,
    resumeBelow: 0.3,
    symbols: ['AAPL', 'MSFT', 'JPM'],
    ...extra,
  };
  return { ...engineWith({ breakers: { correlation } }), last: new Map<string, number>() };
}

describe('correlation breaker', () => {
  it('trips once the window is full and the average is at or above the level', () => {
    const { engine, last } = watching();
    for (let t = 0; t < 5; t++) expect(day(engine, t, last, together(t))).toEqual([]); // 4 returns
    const trips = day(engine, 5, last, together(5));
    expect(trips).toMatchObject([
      {
        breakerId: 'correlation',
        code: 'CORRELATION',
        action: 'reducing',
        values: { names: 3, observations: 5 },
      },
    ]);
    expect(trips[0]?.message).toMatch(
      /^CORRELATION: averageCorrelation=(0\.9\d\d|1\.000) above=0\.8 resumeBelow=0\.3 names=3 observations=5$/,
    );
    expect(engine.tradingState).toBe('reducing');
  });

  it('re-arms only below resumeBelow, also while latched, then trips again after a reset', () => {
    const { engine, last } = watching();
    let t = 0;
    for (; t < 6; t++) day(engine, t, last, together(t));
    expect(engine.tradingState).toBe('reducing');
    expect(armed(engine)).toBe(false);
    // Still high: a reset does not make it trip again at once.
    engine.reset('risk-officer', 'checked');
    for (; t < 8; t++) expect(day(engine, t, last, together(t))).toEqual([]);
    expect(armed(engine)).toBe(false);
    // The names drift apart: below resumeBelow it re-arms (nothing trips on the way down).
    for (; t < 14; t++) expect(day(engine, t, last, apart(t))).toEqual([]);
    expect(armed(engine)).toBe(true);
    // Together again: a new episode trips.
    const trips = [];
    for (; t < 20; t++) trips.push(...day(engine, t, last, together(t)));
    expect(trips.map((x) => x.code)).toEqual(['CORRELATION']);
  });

  it('lifts its latch by default once the average falls below resumeBelow, and trips again on the next episode', () => {
    const { engine, last } = watching();
    let t = 0;
    for (; t < 6; t++) day(engine, t, last, together(t));
    expect(engine.tradingState).toBe('reducing');
    for (; t < 12; t++) day(engine, t, last, apart(t));
    expect(engine.tradingState).toBe('active');
    expect(engine.snapshot().tradingState).toMatchObject({ code: 'REARM', by: 'system' });
    const trips = [];
    for (; t < 18; t++) trips.push(...day(engine, t, last, together(t)));
    expect(trips.map((x) => x.code)).toEqual(['CORRELATION']);
  });

  it('follows the average during a manual latch: a full cycle while latched trips again right after the reset', () => {
    const { engine, last } = watching({ rearm: 'manual' });
    let t = 0;
    for (; t < 6; t++) day(engine, t, last, together(t));
    for (; t < 12; t++) day(engine, t, last, apart(t));
    expect(armed(engine)).toBe(true);
    for (; t < 18; t++) day(engine, t, last, together(t));
    expect(engine.snapshot().trippedBreakers.length).toBe(1); // latched: evaluated again only after a reset
    engine.reset('risk-officer', 'new episode');
    expect(day(engine, t, last, together(t)).map((x) => x.code)).toEqual(['CORRELATION']);
  });

  it('drops a period a name misses, and needs minNames names that move', () => {
    const { engine, last } = watching({ minNames: 3 });
    for (let t = 0; t < 6; t++) {
      const r = together(t);
      day(engine, t, last, t === 3 ? { AAPL: r.AAPL, MSFT: r.MSFT } : r); // JPM misses day 3
    }
    expect(engine.tradingState).toBe('active'); // 4 returns so far
    expect(day(engine, 6, last, together(6)).length).toBe(1);
    const flat = watching({ minNames: 3 });
    for (let t = 0; t < 8; t++) day(flat.engine, t, flat.last, { ...together(t), JPM: 0 }); // JPM never moves
    expect(flat.engine.tradingState).toBe('active');
  });

  it('without a watch list, averages the underlyings held, an option counting as its underlying', () => {
    const call = optionInstrument('JPM240621C00050000');
    if (!call.ok) throw new Error('bad symbol');
    const { engine } = engineWith(
      { breakers: { correlation: { window: 5, above: 0.8, resumeBelow: 0.3 } } },
      { instruments: [...INSTRUMENTS, call.value] },
      { AAPL: 100, MSFT: 100, JPM: 100, XOM: 100 },
    );
    const last = new Map<string, number>();
    // XOM is not held yet: its bars are recorded, but it is not in the average.
    const withXom = (t: number) => ({ ...apart(t), XOM: apart(t).MSFT });
    for (let t = 0; t < 8; t++) day(engine, t, last, withXom(t));
    expect(engine.tradingState).toBe('active'); // nothing held
    fill(engine, order('AAPL', 'buy', 1), 100);
    fill(engine, order('XOM', 'sell', 1), 100);
    fill(engine, order(call.value.symbol, 'buy', 1), 1);
    expect(engine.tradingState).toBe('active'); // AAPL, XOM and JPM (the call) disagree
    const trips = [];
    for (let t = 8; t < 14; t++)
      trips.push(...day(engine, t, last, { ...together(t), XOM: together(t).AAPL }));
    expect(trips.map((x) => [x.code, x.values.names])).toEqual([['CORRELATION', 3]]);
  });
});
