import { describe, expect, it } from 'vitest';
import { parseLoginRequest } from './parse-login-request.ts';

const BODY_EXPECTED = 'a JSON object {"keyId": "rk_…", "secret": "…"}';

describe('parseLoginRequest', () => {
  it('reads a key id and a secret', () => {
    expect(parseLoginRequest({ keyId: 'rk_1', secret: 's3cret' })).toEqual({
      keyId: 'rk_1',
      secret: 's3cret',
    });
  });

  it('refuses anything but a JSON object', () => {
    for (const body of [null, undefined, [], 'rk_1', 5, true]) {
      expect(parseLoginRequest(body), JSON.stringify(body)).toEqual([
        { field: '(body)', expected: BODY_EXPECTED },
      ]);
    }
  });

  it('names each missing field with what it should hold', () => {
    expect(parseLoginRequest({})).toEqual([
      { field: 'keyId', expected: "the API key's id" },
      { field: 'secret', expected: "the API key's secret" },
    ]);
  });

  it("says what came instead of a non-empty string, never echoing a secret's value", () => {
    expect(parseLoginRequest({ keyId: '', secret: 5 })).toEqual([
      { field: 'keyId', problem: 'got an empty string', expected: 'a non-empty string' },
      { field: 'secret', problem: 'got number', expected: 'a non-empty string' },
    ]);
    expect(parseLoginRequest({ keyId: null, secret: ['x'] })).toEqual([
      { field: 'keyId', problem: 'got object', expected: 'a non-empty string' },
      { field: 'secret', problem: 'got object', expected: 'a non-empty string' },
    ]);
  });

  it('refuses unknown fields after the field problems, in the order sent', () => {
    expect(parseLoginRequest({ b: 1, secret: 's', a: 2, keyId: 3 })).toEqual([
      { field: 'keyId', problem: 'got number', expected: 'a non-empty string' },
      { field: 'b', problem: 'unknown field', expected: 'only keyId and secret' },
      { field: 'a', problem: 'unknown field', expected: 'only keyId and secret' },
    ]);
  });
});
