import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/result.ts';
import { EXAMPLE_PROFILE_PATH, loadRiskProfile } from './profile-file.ts';

describe('risk profile files', () => {
  it('loads the shipped example with its sector map merged', async () => {
    const profile = await loadRiskProfile(EXAMPLE_PROFILE_PATH);
    expect(profile.mode).toBe('paper');
    expect(profile.startingEquity).toBe(55_000);
    expect(profile.sectors.AAPL).toBe('Information Technology');
    expect(profile.sectors.XOM).toBe('Energy');
    expect(profile.sectors.BAC).toBe('Financials'); // from sectors.csv
  });

  it('loads the JSON example', async () => {
    const profile = await loadRiskProfile(EXAMPLE_PROFILE_PATH.replace('.yaml', '.json'));
    expect(profile.exposure.symbol).toEqual({ percent: 10, usd: 5500 });
  });

  it('reports every problem at once with its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'mode: live',
        'profiles:',
        '  live:',
        '    startingEquity: -5',
        '    orders: { maxNotional: { percent: 10 } }',
        '    exposur: {}',
      ].join('\n'),
    );
    const error = await loadRiskProfile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'profiles.live.startingEquity',
        'profiles.live.orders.maxQuantity',
        'profiles.live',
        'liveConfirmed',
      ]),
    );
    expect((error as ValidationError).message).toMatch(/unknown field\(s\) exposur/);
  });

  it('names a missing file', async () => {
    await expect(loadRiskProfile('/nonexistent/profile.yaml')).rejects.toThrow(
      /cannot read risk profile .*ENOENT/,
    );
  });
});
