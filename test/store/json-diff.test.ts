import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonDiff, jsonDiff, jsonEqual } from '../../src/store/json-diff.ts';

describe('jsonDiff', () => {
  it('lists leaf changes with dotted paths', () => {
    const before = {
      limits: { symbol: { percent: 10, absolute: 5000 } },
      restricted: ['GME'],
      mode: 'paper',
    };
    const after = {
      limits: { symbol: { percent: 12 } },
      restricted: ['GME', 'AMC'],
      mode: 'paper',
      live: true,
    };
    expect(jsonDiff(before, after)).toEqual([
      { path: 'limits.symbol.absolute', op: 'remove', before: 5000 },
      { path: 'limits.symbol.percent', op: 'change', before: 10, after: 12 },
      { path: 'live', op: 'add', after: true },
      { path: 'restricted[1]', op: 'add', after: 'AMC' },
    ]);
  });

  it('quotes keys that are not identifiers', () => {
    expect(jsonDiff({ 'a.b': 1 }, { 'a.b': 2 })).toEqual([
      { path: '"a.b"', op: 'change', before: 1, after: 2 },
    ]);
  });

  it('treats keys named like Object.prototype members as ordinary keys', () => {
    expect(jsonDiff({ valueOf: [] }, {})).toEqual([{ path: 'valueOf', op: 'remove', before: [] }]);
    expect(jsonDiff({}, { constructor: 1 })).toEqual([{ path: 'constructor', op: 'add', after: 1 }]);
    expect(jsonEqual({}, { toString: 1 })).toBe(false);
  });

  it('is empty for equal values, whatever the key order', () => {
    expect(jsonDiff({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toEqual([]);
  });

  it('is complete: applying the diff to the old value gives the new one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (before, after) => {
        const restored = applyJsonDiff(before, jsonDiff(before, after));
        expect(jsonEqual(restored, after)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('is empty exactly when the values are equal', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonDiff(value, structuredClone(value))).toEqual([]);
      }),
    );
  });
});
