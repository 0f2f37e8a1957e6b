import { describe, expect, it } from 'vitest';
import { clientOrderId, oneOf, percentage, positiveDecimal, reasonText, symbol } from './wire-values.ts';

const value = <T>(r: { ok: true; value: T } | { ok: false }) => (r.ok ? r.value : 'refused');

describe('positiveDecimal', () => {
  it('reads decimal strings and JSON numbers', () => {
    expect(
      ['10', '10.5', '0.0001', '007', '1.123456789', 2, 0.25].map((v) => value(positiveDecimal(v))),
    ).toEqual([10, 10.5, 0.0001, 7, 1.123456789, 2, 0.25]);
  });

  it('refuses what Number() would have read: hex, binary, exponents, padding, signs, words', () => {
    for (const v of [
      '0x10',
      '0b11',
      '0o7',
      '1e3',
      ' 9.5e1 ',
      ' 10',
      '10\n',
      '+10',
      '-10',
      '.5',
      '5.',
      '1_000',
      'Infinity',
      'NaN',
      '',
      '١٠',
    ]) {
      expect(value(positiveDecimal(v)), JSON.stringify(v)).toBe('refused');
    }
  });

  it('refuses zero, negatives, more than 9 places, 1e15 and more, and non-numbers', () => {
    for (const v of [
      '0',
      '0.000',
      0,
      -1,
      '1.0000000001',
      1e-10,
      '1000000000000000',
      1e15,
      true,
      [],
      {},
      null,
    ]) {
      expect(value(positiveDecimal(v)), JSON.stringify(v)).toBe('refused');
    }
  });

  it('says what was wrong and what was expected', () => {
    const r = positiveDecimal('0x10');
    expect(!r.ok && [r.problem, r.expected.startsWith('a positive decimal string')]).toEqual([
      'got "0x10"',
      true,
    ]);
  });
});

describe('percentage, enums, symbols, ids and reasons', () => {
  it('takes a percentage above 0 and at most 100', () => {
    expect(['50', '100', '100.01', '0'].map((v) => value(percentage(v)))).toEqual([
      50,
      100,
      'refused',
      'refused',
    ]);
  });

  it('takes enum values exactly as written', () => {
    const side = oneOf(['buy', 'sell', 'long', 'short']);
    expect(['buy', 'long', 'BUY', ' Long ', 'Buy', 1].map((v) => value(side(v)))).toEqual([
      'buy',
      'long',
      'refused',
      'refused',
      'refused',
      'refused',
    ]);
  });

  it('takes tickers without spaces, in any case, upper-casing them', () => {
    expect(
      ['AAPL', 'brk.b', 'BTC/USD', ' spy\n', 'AAPL ', 'A..B', '', 'A'.repeat(33)].map((v) =>
        value(symbol(v)),
      ),
    ).toEqual(['AAPL', 'BRK.B', 'BTC/USD', 'refused', 'refused', 'refused', 'refused', 'refused']);
  });

  it('refuses client order ids with control characters, lone surrogates or over 128 characters', () => {
    expect(['abc-1', '', 'x'.repeat(128)].map((v) => value(clientOrderId(v)))).toEqual([
      'abc-1',
      undefined,
      'x'.repeat(128),
    ]);
    for (const v of ['a\u0000b', 'a\ud800b', 'a\udc00', 'tab\there', 'del\u007f', 'x'.repeat(129), 5]) {
      expect(value(clientOrderId(v)), JSON.stringify(v)).toBe('refused');
    }
    expect(clientOrderId('a\u0000b')).toMatchObject({
      problem: 'contains the control character U+0000 at position 1',
    });
    expect(value(clientOrderId('emoji \ud83d\ude00 ok'))).toBe('emoji \ud83d\ude00 ok');
  });

  it('takes reasons with line breaks but no other control characters', () => {
    expect(['market\nclosed', ' ', 'bell\u0007', 'r'.repeat(501)].map((v) => value(reasonText(v)))).toEqual([
      'market\nclosed',
      'refused',
      'refused',
      'refused',
    ]);
  });
});
