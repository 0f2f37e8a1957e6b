import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { engineWith } from './support/engine-fixtures.ts';
import { describeWithShared } from './support/shared-data.ts';

const root = new URL('..', import.meta.url).pathname;

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

  it('re-arms on a reading below resumeBelow that arrives while latched (manual latch)', () => {
    const { engine } = engineWith({ breakers: { vix: { above: 40, resumeBelow: 30, rearm: 'manual' } } });
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

describeWithShared('VIX breaker on Cboe history (1990–2026)', ['data/cboe_vix_daily.csv'], ([path]) => {
  it('trips on 2008-09-29 and 2020-02-28, and re-arms on 2009-05-19 and 2020-05-08', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'examples/vix-breaker-history.ts', path as string],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out).toContain('2008-09-29  TRIP    VIX_LEVEL close=46.72 → reducing');
    // The profile's VIX latch re-arms when-clear: the engine lifts it at the re-arm itself.
    expect(out).toContain('2009-05-19  RE-ARM  close=28.80 < 30 (state active)');
    expect(out).not.toContain('RESET');
    expect(out).toContain('2020-02-28  TRIP    VIX_LEVEL close=40.11 → reducing');
    expect(out).toContain('2020-05-08  RE-ARM  close=27.98 < 30');
    // The March 2020 peak (82.69, the highest close on file) falls inside the February trip.
    expect(out).toMatch(/2020-02-28\s+40\.11\s+82\.69 \(2020-03-16\)\s+2020-05-08/);
    expect(out).toMatch(/2008-09-29\s+46\.72\s+80\.86 \(2008-11-20\)\s+2009-05-19/);
    expect(out).toContain('13 trips; trading state at the end: active');
  });
});
