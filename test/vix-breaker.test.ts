import { describe, expect, it } from 'vitest';
import { engineWith } from './support/engine-fixtures.ts';

describe('VIX breaker fed through onMarket', () => {
  const vixAt = (engine: ReturnType<typeof engineWith>['engine'], value: number) =>
    engine.onMarket({ kind: 'index', name: 'VIX', time: engine.now(), value });
  const armed = (engine: ReturnType<typeof engineWith>['engine']) =>
    (engine.snapshot().breakers.find((b) => b.id === 'vix')?.state as { armed: boolean } | undefined)?.armed;

  it('trips on an index event named VIX and shows its hysteresis state in the snapshot', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 40, resumeBelow: 30 } } });
    expect(armed(engine)).toBe(true);
    expect(engine.onMarket({ kind: 'index', name: 'VIX9D', time: engine.now(), value: 90 }).trips).toEqual(
      [],
    );
    expect(vixAt(engine, 39.99).trips).toEqual([]);
    expect(vixAt(engine, 40).trips.map((t) => t.message)).toEqual([
      'VIX_LEVEL: vix=40.00 above=40 resumeBelow=30',
    ]);
    expect(engine.tradingState).toBe('reducing');
    expect(armed(engine)).toBe(false);
  });

  it('re-arms on a reading below resumeBelow that arrives while latched', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 40, resumeBelow: 30 } } });
    vixAt(engine, 45);
    vixAt(engine, 35);
    expect(armed(engine)).toBe(false);
    vixAt(engine, 29);
    expect(armed(engine)).toBe(true);
    expect(engine.tradingState).toBe('reducing'); // re-armed, still latched until a reset
    vixAt(engine, 42); // a new episode while latched: seen at the first reading after the reset
    engine.reset('risk-officer', 'after the re-arm');
    expect(vixAt(engine, 41).trips.map((t) => t.code)).toEqual(['VIX_LEVEL']);
  });
});
