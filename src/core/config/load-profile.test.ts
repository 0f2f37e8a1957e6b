import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../result.ts';
import { formatIssues } from '../result.ts';
import { parseProfile, parseRiskProfileFile } from './load-profile.ts';

const YAML_FILE = `
# paper trading with conservative limits
mode: paper
profiles:
  paper:
    startingEquity: 100000
    exposureBasis: peak
    orders:
      maxQuantity: 500
      maxNotional: { percent: 10, usd: 25000 }
      priceCollarPercent: 5
      rateLimit: { perSecond: 5, perMinute: 100 }
    exposure:
      symbol: { percent: 10 }
      sector: { percent: 30 }
      gross: { percent: 150 }
    sectors: { AAPL: Information Technology }
    breakers:
      dailyLoss: { percent: 2, usd: 2500, flatten: true }
      maxDrawdown: { percent: 10 }
    indicators: { atr: { period: 14, timeframe: 1d } }
    protectiveStop: { policy: attach, method: atr, atrMultiple: 2, takeProfitR: 3 }
    exits:
      trailingStop: { percent: 3 }
  live:
    startingEquity: 25000
    orders: { maxQuantity: 100, maxNotional: { usd: 5000 } }
`;

const JSON_FILE = JSON.stringify({
  mode: 'live',
  liveConfirmed: true,
  profiles: {
    live: {
      startingEquity: 25_000,
      orders: { maxQuantity: 100, maxNotional: { usd: 5_000 } },
      halted: { allowExits: false },
    },
  },
});

const paths = (issues: readonly Issue[]) => issues.map((i) => i.path);

describe('risk profile files', () => {
  it('reads a YAML file and returns the profile of the chosen mode with defaults filled in', () => {
    const parsed = parseRiskProfileFile(YAML_FILE);
    if (!parsed.ok) expect.fail(formatIssues(parsed.issues));
    const p = parsed.value;
    expect(p.mode).toBe('paper');
    expect(p.startingEquity).toBe(100_000);
    expect(p.exposureBasis).toBe('peak');
    expect(p.orders).toMatchObject({ maxQuantity: 500, maxNotional: { percent: 10, usd: 25_000 } });
    expect(p.orders.duplicateWindowSeconds).toBe(86_400);
    expect(p.marketData.maxQuoteAgeMs).toBe(5_000);
    expect(p.breakers.dailyLoss).toEqual({
      percent: 2,
      usd: 2_500,
      action: 'halted',
      flatten: true,
      rearm: 'next-session',
    });
    expect(p.breakers.maxDrawdown).toEqual({
      percent: 10,
      action: 'reducing',
      flatten: false,
      rearm: 'manual',
    });
    expect(p.protectiveStop).toEqual({
      required: true,
      policy: 'attach',
      method: 'atr',
      percent: 2,
      atrMultiple: 2,
      takeProfitR: 3,
    });
    expect(p.halted.allowExits).toBe(true);
    expect(p.sectors).toEqual({ AAPL: 'Information Technology' });
  });

  it('reads the same schema from JSON', () => {
    const parsed = parseRiskProfileFile(JSON_FILE, 'live.json');
    if (!parsed.ok) expect.fail(formatIssues(parsed.issues));
    expect(parsed.value.mode).toBe('live');
    expect(parsed.value.halted.allowExits).toBe(false);
  });

  it('reports text that is neither YAML nor JSON', () => {
    const parsed = parseRiskProfileFile('mode: [paper', 'broken.yaml');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.issues[0]?.path).toBe('');
    expect(!parsed.ok && parsed.issues[0]?.message).toMatch(/^broken\.yaml is not valid YAML\/JSON: /);
  });

  it('reports every problem at once, each with its path and what was expected', () => {
    const parsed = parseRiskProfileFile(`
mode: live
profiles:
  paper:
    startingEquity: lots
    orders:
      maxQty: 100
      maxNotional: { usd: 1000 }
    exposure:
      symbol: {}
    breakers:
      vix: { above: 20, resumeBelow: 25 }
`);
    if (parsed.ok) expect.fail('expected the file to be rejected');
    expect(parsed.issues).toEqual([
      { path: 'profiles.paper.startingEquity', message: 'Invalid input: expected number, received string' },
      {
        path: 'profiles.paper.orders.maxQuantity',
        message: 'is required: expected number',
      },
      { path: 'profiles.paper.orders', message: 'unknown field(s) maxQty: check the spelling' },
      { path: 'profiles.paper.exposure.symbol', message: 'set percent, usd, or both' },
      { path: 'profiles.paper.breakers.vix.resumeBelow', message: 'resumeBelow must be at or below above' },
      { path: 'profiles.live', message: 'mode is live but no live profile is defined' },
      {
        path: 'liveConfirmed',
        message: 'mode is live: set liveConfirmed: true to trade real money deliberately',
      },
    ]);
  });

  it('refuses live mode without the deliberate liveConfirmed switch', () => {
    const parsed = parseRiskProfileFile(JSON_FILE.replace('"liveConfirmed":true', '"liveConfirmed":false'));
    expect(!parsed.ok && parsed.issues).toEqual([
      {
        path: 'liveConfirmed',
        message: 'mode is live: set liveConfirmed: true to trade real money deliberately',
      },
    ]);
  });

  it('refuses a mode whose profile is missing', () => {
    const parsed = parseRiskProfileFile(
      YAML_FILE.replace('mode: paper', 'mode: live\nliveConfirmed: true').replace(/ {2}live:[\s\S]*$/, ''),
    );
    expect(!parsed.ok && parsed.issues).toEqual([
      { path: 'profiles.live', message: 'mode is live but no live profile is defined' },
    ]);
  });

  it('refuses a file without a mode or with an unknown one', () => {
    const none = parseRiskProfileFile('profiles: {}');
    expect(!none.ok && paths(none.issues)).toEqual(['mode']);
    const odd = parseRiskProfileFile('mode: yolo\nprofiles: {}');
    expect(!odd.ok && paths(odd.issues)).toEqual(['mode']);
    expect(!odd.ok && odd.issues[0]?.message).toMatch(/paper.*live/);
  });

  it('requires the order quantity limit so a missing limit can never pass', () => {
    const parsed = parseProfile({ startingEquity: 1_000, orders: { maxNotional: { usd: 100 } } });
    expect(!parsed.ok && parsed.issues).toEqual([
      { path: 'orders.maxQuantity', message: 'is required: expected number' },
    ]);
  });

  it('rejects wrong types and out-of-range values deep in a profile', () => {
    const parsed = parseProfile({
      startingEquity: -5,
      orders: { maxQuantity: 10, maxNotional: { percent: 0 } },
      exposure: { gross: { usd: '1000' } },
      exits: { trailingStop: { percent: 2, atrMultiple: 3 } },
      longOnly: 'yes',
    });
    if (parsed.ok) expect.fail('expected the profile to be rejected');
    expect(paths(parsed.issues)).toEqual([
      'startingEquity',
      'orders.maxNotional.percent',
      'exposure.gross.usd',
      'longOnly',
      'exits.trailingStop',
    ]);
    expect(parsed.issues.find((i) => i.path === 'exits.trailingStop')?.message).toBe(
      'set exactly one of percent or atrMultiple',
    );
    expect(parsed.issues.find((i) => i.path === 'longOnly')?.message).toBe(
      'Invalid input: expected boolean, received string',
    );
  });

  const examples = new URL('../../../examples/profiles/', import.meta.url);
  const exampleFiles = existsSync(examples)
    ? readdirSync(examples).filter((f) => /\.(ya?ml|json)$/.test(f))
    : [];
  it.skipIf(exampleFiles.length === 0)('accepts every example profile shipped in examples/profiles', () => {
    for (const name of exampleFiles) {
      const parsed = parseRiskProfileFile(readFileSync(join(examples.pathname, name), 'utf8'), name);
      if (!parsed.ok) expect.fail(`${name}:\n${formatIssues(parsed.issues)}`);
    }
  });

  describe('bar counts name their timeframe', () => {
    const base = { startingEquity: 1_000, orders: { maxQuantity: 10, maxNotional: { usd: 100 } } };

    it('refuses an untimed maxBars, naming the field and the expected forms', () => {
      const parsed = parseProfile({ ...base, exits: { timeExit: { maxBars: 20 } } });
      if (parsed.ok) expect.fail('an untimed maxBars must be refused');
      expect(paths(parsed.issues)).toEqual(['exits.timeExit.timeframe']);
      expect(parsed.issues[0]?.message).toContain('timeExit: { maxBars: 20, timeframe: 1d }');
      expect(parsed.issues[0]?.message).toContain('1m, 5m, 15m, 1h, 1d');
    });

    it('accepts maxBars with a timeframe, and refuses an unknown timeframe', () => {
      const ok = parseProfile({ ...base, exits: { timeExit: { maxBars: 20, timeframe: '1d' } } });
      if (!ok.ok) expect.fail(formatIssues(ok.issues));
      expect(ok.value.exits.timeExit).toEqual({ maxBars: 20, timeframe: '1d' });
      const odd = parseProfile({ ...base, exits: { timeExit: { maxBars: 20, timeframe: '2d' } } });
      expect(!odd.ok && odd.issues).toEqual([
        { path: 'exits.timeExit.timeframe', message: 'expected a timeframe: one of 1m, 5m, 15m, 1h, 1d' },
      ]);
    });

    it('refuses the old untimed indicator fields with the timed form to use', () => {
      const parsed = parseProfile({ ...base, indicators: { atrPeriod: 14, realizedVolatilityWindow: 20 } });
      if (parsed.ok) expect.fail('untimed indicator windows must be refused');
      expect(paths(parsed.issues)).toEqual(['indicators.atrPeriod', 'indicators.realizedVolatilityWindow']);
      expect(parsed.issues[0]?.message).toContain('indicators: { atr: { period: 14, timeframe: 1d } }');
      expect(parsed.issues[1]?.message).toContain('realizedVolatility: { window: 20, timeframe: 1d }');
    });

    it('requires the ATR to be configured with its bars when a rule reads it', () => {
      const parsed = parseProfile({ ...base, exits: { atrStop: { multiple: 2 } } });
      expect(!parsed.ok && paths(parsed.issues)).toEqual(['indicators.atr']);
      const timed = parseProfile({
        ...base,
        indicators: { atr: { period: 14, timeframe: '5m' } },
        exits: { atrStop: { multiple: 2 } },
      });
      if (!timed.ok) expect.fail(formatIssues(timed.issues));
      expect(timed.value.indicators.atr).toEqual({ period: 14, method: 'wilder', timeframe: '5m' });
    });
  });
});
