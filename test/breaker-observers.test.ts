import { describe, expect, it } from 'vitest';
import type { Breaker } from '../src/core/breaker.ts';
import type { MarketEvent } from '../src/core/market.ts';
import { engineWith, T0 } from './support/engine-fixtures.ts';

describe('breakers that observe market events', () => {
  it('see every event, also while tripped, before the breakers are evaluated', () => {
    const seen: string[] = [];
    const observer: Breaker = {
      id: 'observer',
      code: 'OBSERVED',
      action: 'reducing',
      flatten: false,
      onMarket: (event: MarketEvent) => seen.push(event.kind),
      evaluate: () => (seen.length === 2 ? { message: 'OBSERVED: two events', values: {} } : null),
    };
    const { engine } = engineWith({}, { breakers: [observer] }, {});
    expect(engine.onMarket({ kind: 'index', name: 'VIX', time: T0, value: 20 }).trips).toEqual([]);
    expect(engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 }).trips.length).toBe(1);
    engine.onMarket({ kind: 'split', symbol: 'AAPL', time: T0, ratio: 2 });
    engine.onMarket({ kind: 'bar', symbol: 'NOPE', time: T0, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    expect(seen).toEqual(['index', 'mark', 'split', 'bar']);
  });

  it('trip (fail closed) when their onMarket throws', () => {
    const faulty: Breaker = {
      id: 'faulty',
      code: 'FAULTY',
      action: 'halted',
      flatten: false,
      onMarket: () => {
        throw new Error('bad feed');
      },
      evaluate: () => null,
    };
    const { engine } = engineWith({}, { breakers: [faulty] }, {});
    const { trips } = engine.onMarket({ kind: 'mark', symbol: 'AAPL', time: T0, price: 100 });
    expect(trips.map((t) => t.message)).toEqual([
      'FAULTY: breaker threw (bad feed); tripping to fail closed',
    ]);
    expect(engine.tradingState).toBe('halted');
  });
});
