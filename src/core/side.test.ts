import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oppositeSide, parseSide, sideSign } from './side.ts';

/** A word in random letter case with optional surrounding spaces. */
const anyCase = (word: string) =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }), fc.boolean())
    .map(([upper, padded]) => {
      const cased = [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
      return padded ? `  ${cased} ` : cased;
    });

describe('parseSide', () => {
  it('reads buy and long as buy, sell and short as sell, in any case', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(['buy', 'buy'], ['long', 'buy'], ['sell', 'sell'], ['short', 'sell'])
          .chain(([word, side]) => anyCase(word!).map((text) => [text, side] as const)),
        ([text, side]) => {
          expect(parseSide(text)).toEqual({ ok: true, value: side });
        },
      ),
    );
  });

  it('rejects any other string with a message naming the value and the accepted words', () => {
    const accepted = new Set(['buy', 'sell', 'long', 'short']);
    fc.assert(
      fc.property(
        fc.string().filter((s) => !accepted.has(s.trim().toLowerCase())),
        (text) => {
          expect(parseSide(text)).toEqual({
            ok: false,
            issues: [
              {
                path: 'side',
                message: `expected one of buy, sell, long, short (any case), got ${JSON.stringify(text)}`,
              },
            ],
          });
        },
      ),
    );
  });

  it('rejects values that are not strings, at the given path', () => {
    for (const value of [undefined, null, 1, true, {}, ['buy']]) {
      const parsed = parseSide(value, 'legs.0.side');
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.issues[0]?.path).toBe('legs.0.side');
    }
    expect(!parseSide(undefined).ok && JSON.stringify(parseSide(42))).toContain('got 42');
  });

  it('has signs and opposites', () => {
    expect(sideSign('buy')).toBe(1);
    expect(sideSign('sell')).toBe(-1);
    expect(oppositeSide('buy')).toBe('sell');
    expect(oppositeSide('sell')).toBe('buy');
  });
});
