import { describe, expect, it } from 'vitest';
import { checkReplaceFits, parseReplaceRequest } from './parse-replace-request.ts';

describe('parseReplaceRequest', () => {
  it('reads exactly the replaceable fields into domain units', () => {
    const r = parseReplaceRequest({
      qty: '5',
      time_in_force: 'gtc',
      limit_price: 101.5,
      stop_price: '99',
      trail: '1.25',
      client_order_id: 'r-2',
    });
    expect(r).toEqual({
      ok: true,
      value: {
        qty: 5,
        timeInForce: 'gtc',
        limitPrice: 101.5,
        stopPrice: 99,
        trail: 1.25,
        clientOrderId: 'r-2',
      },
    });
  });

  it('names unknown fields, bad forms and a body that changes nothing', () => {
    const fields = (body: unknown) => {
      const r = parseReplaceRequest(body);
      return r.ok ? [] : r.issues.map((i) => i.field);
    };
    expect(fields({ qty: '2', side: 'sell', limitPrice: '1' })).toEqual(['side', 'limitPrice']);
    expect(fields({ qty: '0x10', time_in_force: 'GTC' })).toEqual(['qty', 'time_in_force']);
    expect(fields({})).toEqual(['(body)']);
    expect(fields({ client_order_id: 'only-an-id' })).toEqual(['(body)']);
    expect(fields(undefined)).toEqual(['(body)']);
    expect(fields([])).toEqual(['(body)']);
  });
});

describe('checkReplaceFits', () => {
  it('refuses a change the order cannot carry instead of dropping it', () => {
    const fields = (
      changes: Parameters<typeof checkReplaceFits>[0],
      type: Parameters<typeof checkReplaceFits>[1]['type'],
    ) => checkReplaceFits(changes, { type }).map((i) => i.field);
    expect(fields({ trail: 1 }, 'limit')).toEqual(['trail']);
    expect(fields({ limitPrice: 1 }, 'stop')).toEqual(['limit_price']);
    expect(fields({ stopPrice: 1 }, 'limit')).toEqual(['stop_price']);
    expect(fields({ timeInForce: 'ioc' }, 'trailing_stop')).toEqual(['time_in_force']);
    expect(fields({ trail: 1, timeInForce: 'gtc' }, 'trailing_stop')).toEqual([]);
    expect(fields({ limitPrice: 1, stopPrice: 2 }, 'stop_limit')).toEqual([]);
  });
});
