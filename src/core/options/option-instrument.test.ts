import { describe, expect, it } from 'vitest';
import { optionInstrument } from './option-instrument.ts';

describe('option instrument builder', () => {
  const expected = {
    symbol: 'AAPL140606C00650000',
    assetClass: 'us_option',
    sector: 'Information Technology',
    multiplier: 100,
    tradable: true,
    shortable: true,
    option: { underlying: 'AAPL', expiry: '2014-06-06', strike: 650, right: 'call' },
  };

  it('builds the same instrument from a padded symbol, a compact symbol or terms', () => {
    expect(optionInstrument('AAPL  140606C00650000', 'Information Technology')).toEqual({
      ok: true,
      value: expected,
    });
    expect(optionInstrument('AAPL140606C00650000', 'Information Technology')).toEqual({
      ok: true,
      value: expected,
    });
    expect(
      optionInstrument(
        { underlying: 'AAPL', expiry: '2014-06-06', strike: 650, right: 'call' },
        'Information Technology',
      ),
    ).toEqual({ ok: true, value: expected });
  });

  it('defaults the sector to Unknown', () => {
    const built = optionInstrument('SPY231215P00452500');
    expect(built.ok && built.value.sector).toBe('Unknown');
  });

  it('returns the issues of a bad symbol or bad terms', () => {
    expect(optionInstrument('AAPL').ok).toBe(false);
    const bad = optionInstrument({ underlying: 'AAPL', expiry: '2014-06-31', strike: 650, right: 'put' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]?.path).toBe('expiry');
  });
});
