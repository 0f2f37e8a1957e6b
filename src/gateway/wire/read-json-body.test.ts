import { describe, expect, it } from 'vitest';
import { readJsonBody, UnreadableBody } from './read-json-body.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readJsonBody', () => {
  it('reads JSON whatever the declared content type, and a blank body as none', () => {
    expect(readJsonBody(bytes('{"qty":"1"}'), 'text/plain')).toEqual({ qty: '1' });
    expect(readJsonBody(bytes('{"qty":"1"}'), undefined)).toEqual({ qty: '1' });
    expect(readJsonBody(bytes(' \n'), 'application/json')).toBeUndefined();
    expect(readJsonBody(bytes(''), '')).toBeUndefined();
  });

  it('refuses non-JSON with a 400 naming the declared type', () => {
    const r = readJsonBody(bytes('qty=1'), 'application/x-www-form-urlencoded');
    expect(r).toBeInstanceOf(UnreadableBody);
    const body = r as UnreadableBody;
    expect([body.status, body.issues[0]?.field]).toEqual([400, '(body)']);
    expect(body.issues[0]?.expected).toContain('application/x-www-form-urlencoded');
  });

  it('bounds nesting depth without parsing, brackets inside strings aside', () => {
    const deep = readJsonBody(
      bytes(`${'['.repeat(6000)}${']'.repeat(6000)}`),
      'application/json',
    ) as UnreadableBody;
    expect([deep.status, deep.issues[0]?.problem]).toEqual([400, 'nested deeper than 32 levels']);
    expect(readJsonBody(bytes(`{"a":"${'['.repeat(100)}\\"["}`), undefined)).toEqual({
      a: `${'['.repeat(100)}"[`,
    });
    expect(readJsonBody(bytes(`${'['.repeat(32)}${']'.repeat(32)}`), undefined)).toBeInstanceOf(Array);
  });

  it('refuses invalid UTF-8, control characters, lone surrogates and __proto__, naming where', () => {
    expect(
      (readJsonBody(new Uint8Array([0x7b, 0xff, 0x7d]), undefined) as UnreadableBody).issues[0]?.problem,
    ).toBe('not valid UTF-8');
    const nul = readJsonBody(bytes('{"client_order_id":"a\\u0000b"}'), undefined) as UnreadableBody;
    expect([nul.status, nul.issues[0]?.field]).toEqual([422, 'client_order_id']);
    const lone = readJsonBody(
      bytes('{"take_profit":{"limit_price":"\\ud800"}}'),
      undefined,
    ) as UnreadableBody;
    expect(lone.issues[0]?.field).toBe('take_profit.limit_price');
    const proto = readJsonBody(bytes('{"__proto__":{"admin":true}}'), undefined) as UnreadableBody;
    expect([proto.status, proto.issues[0]?.field]).toEqual([422, '"__proto__"']);
    expect(readJsonBody(bytes('{"reason":"line\\nbreak\\ttab"}'), undefined)).toEqual({
      reason: 'line\nbreak\ttab',
    });
  });
});
