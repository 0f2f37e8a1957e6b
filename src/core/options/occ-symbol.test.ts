import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OptionTerms } from '../instrument.ts';
import { formatOccSymbol, parseOccSymbol } from './occ-symbol.ts';

describe('OCC option symbols', () => {
  const aapl: OptionTerms = { underlying: 'AAPL', expiry: '2014-06-06', strike: 650, right: 'call' };

  it('parse the padded 21-character form and the compact Alpaca form', () => {
    expect(parseOccSymbol('AAPL  140606C00650000')).toEqual({ ok: true, value: aapl });
    expect(parseOccSymbol('AAPL140606C00650000')).toEqual({ ok: true, value: aapl });
    expect(parseOccSymbol('SPY   231215P00452500')).toEqual({
      ok: true,
      value: { underlying: 'SPY', expiry: '2023-12-15', strike: 452.5, right: 'put' },
    });
    // Adjusted roots may carry a digit; fractional strikes keep their thousandths.
    expect(parseOccSymbol('AAPL7140620C00070710')).toEqual({
      ok: true,
      value: { underlying: 'AAPL7', expiry: '2014-06-20', strike: 70.71, right: 'call' },
    });
  });

  it('format both forms', () => {
    expect(formatOccSymbol(aapl)).toEqual({ ok: true, value: 'AAPL140606C00650000' });
    expect(formatOccSymbol(aapl, 'padded')).toEqual({ ok: true, value: 'AAPL  140606C00650000' });
    expect(formatOccSymbol({ ...aapl, strike: 70.71 })).toEqual({ ok: true, value: 'AAPL140606C00070710' });
  });

  it('explain what is wrong with a bad symbol', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /expected an OCC option symbol/],
      ['AAPL140606X00650000', /C or P/],
      ['aapl140606c00650000', /upper case/],
      ['AAPL 140606C00650000', /expected an OCC option symbol/], // padding must make the root 6 wide
      ['TOOLONGX140606C00650000', /root of 1-6/],
      ['AAPL141306C00650000', /expiry '141306' is not a calendar date/],
      ['AAPL140606C00000000', /strike must be positive/],
    ];
    for (const [symbol, message] of cases) {
      const parsed = parseOccSymbol(symbol);
      expect(parsed.ok, symbol).toBe(false);
      if (!parsed.ok) expect(parsed.issues.map((i) => i.message).join('; '), symbol).toMatch(message);
    }
  });

  it('refuse terms no symbol can express', () => {
    const bad: Array<[Partial<OptionTerms>, string]> = [
      [{ underlying: 'aapl' }, 'underlying'],
      [{ underlying: 'SEVENCH' }, 'underlying'],
      [{ expiry: '1999-12-17' }, 'expiry'],
      [{ expiry: '2014-02-30' }, 'expiry'],
      [{ strike: 0 }, 'strike'],
      [{ strike: 100_000 }, 'strike'],
      [{ strike: 12.3456 }, 'strike'],
    ];
    for (const [change, path] of bad) {
      const formatted = formatOccSymbol({ ...aapl, ...change });
      expect(formatted.ok).toBe(false);
      if (!formatted.ok) expect(formatted.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('round-trip any valid terms through both forms', () => {
    const terms = fc.record({
      underlying: fc.stringMatching(/^[A-Z][A-Z0-9]{0,5}$/),
      expiry: fc
        .date({
          min: new Date(Date.UTC(2000, 0, 1)),
          max: new Date(Date.UTC(2099, 11, 31)),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString().slice(0, 10)),
      strike: fc.integer({ min: 1, max: 99_999_999 }).map((t) => t / 1000),
      right: fc.constantFrom<'call' | 'put'>('call', 'put'),
    });
    fc.assert(
      fc.property(terms, fc.constantFrom<'compact' | 'padded'>('compact', 'padded'), (t, style) => {
        const symbol = formatOccSymbol(t, style);
        if (!symbol.ok) throw new Error(JSON.stringify(symbol.issues));
        if (style === 'padded') expect(symbol.value).toHaveLength(21);
        expect(parseOccSymbol(symbol.value)).toEqual({ ok: true, value: t });
      }),
    );
  });
});
