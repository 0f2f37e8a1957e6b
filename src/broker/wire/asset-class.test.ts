import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOccSymbol } from '../../core/options/occ-symbol.ts';
import { assetClassOf } from './asset-class.ts';

/** The definition, written out: what the shortcut for short symbols must agree with. */
function reference(symbol: string): string {
  if (symbol.includes('/')) return 'crypto';
  return parseOccSymbol(symbol).ok ? 'us_option' : 'us_equity';
}

describe('assetClassOf', () => {
  it('names options, crypto pairs and equities', () => {
    expect(assetClassOf('AAPL250117C00150000')).toBe('us_option');
    expect(assetClassOf('A250117P00001000')).toBe('us_option');
    expect(assetClassOf('AAPL  250117C00150000')).toBe('us_option');
    expect(assetClassOf('BTC/USD')).toBe('crypto');
    expect(assetClassOf('AAPL')).toBe('us_equity');
    expect(assetClassOf('BRK.B')).toBe('us_equity');
  });

  it('agrees with the OCC parser on any symbol, short or long', () => {
    const occLike = fc
      .tuple(
        fc.stringMatching(/^[A-Z0-9]{0,7}$/),
        fc.stringMatching(/^ {0,3}$/),
        fc.stringMatching(/^\d{5,7}$/),
        fc.constantFrom('C', 'P', 'X', 'c'),
        fc.stringMatching(/^\d{6,9}$/),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(occLike, fc.string({ maxLength: 24 })), (symbol) => {
        expect(assetClassOf(symbol)).toBe(reference(symbol));
      }),
      { numRuns: 2_000 },
    );
  });
});
