import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const tsx = (args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8' });

describe('shipped examples', () => {
  it('the README library example runs and the engine exits on the stop it attached', () => {
    const out = tsx(['examples/library-usage.ts']);
    expect(out).toContain('send buy 30 AAPL, stop 167.32');
    expect(out).toContain('exit sell 30 AAPL: stop_loss');
  });

  it('riskgate demo runs the demonstration: denials with codes, a breaker trip and a latch that survives a restart', () => {
    const out = tsx(['src/cli/main.ts', 'demo', '--no-color']);
    for (const code of [
      'SYMBOL_EXPOSURE_EXCEEDED',
      'RESTRICTED_SYMBOL',
      'PRICE_OFF_TICK',
      'ORDER_QUANTITY_EXCEEDED',
      'PRICE_OUTSIDE_COLLAR',
      'STALE_REFERENCE_PRICE',
      'DUPLICATE_CLIENT_ORDER_ID',
      'TRADING_HALTED',
    ]) {
      expect(out).toContain(code);
    }
    expect(out).toMatch(/BREAKER\s+DAILY_LOSS_LIMIT → HALTED/);
    expect(out).toMatch(/STATE\s+halted\s+\(DAILY_LOSS_LIMIT/);
    // After the restart the halt holds until the next session opens (the daily loss re-arms next-session).
    expect(out).toMatch(/08:00\s+STATE\s+halted\s+\(DAILY_LOSS_LIMIT/);
    expect(out).toMatch(
      /09:30\s+STATE\s+active\s+\(REARM, by system: DAILY_LOSS_LIMIT re-armed \(next-session\)/,
    );
  });
});
