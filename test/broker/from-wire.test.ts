import { describe, expect, it } from 'vitest';
import { fromWireAccount, fromWireAsset, fromWireOrder } from '../../src/broker/alpaca/from-wire.ts';
import { wireAccountSchema } from '../../src/broker/wire/account-wire.ts';
import { wireAssetSchema } from '../../src/broker/wire/market-wire.ts';
import { wireOrderSchema } from '../../src/broker/wire/order-wire.ts';

describe('wire parsing', () => {
  it('reads an account with or without the PDT fields removed in 2026-07', () => {
    const modern = {
      id: 'a',
      status: 'ACTIVE',
      currency: 'USD',
      cash: '122086.5',
      equity: '123346.11',
      buying_power: '245432.61',
      multiplier: '2',
      trading_blocked: false,
      account_blocked: false,
    };
    const old = { ...modern, pattern_day_trader: false, daytrade_count: 2, daytrading_buying_power: '0' };
    const a = fromWireAccount(wireAccountSchema.parse(modern));
    expect([a.cash, a.equity, a.buyingPower, a.multiplier]).toEqual([122086.5, 123346.11, 245432.61, 2]);
    expect('patternDayTrader' in a).toBe(false);
    expect(fromWireAccount(wireAccountSchema.parse(old))).toMatchObject({
      patternDayTrader: false,
      daytradeCount: 2,
      daytradingBuyingPower: 0,
    });
  });

  it('reads an asset without the deprecated easy_to_borrow', () => {
    const asset = {
      id: 'b0b6dd9d',
      class: 'us_equity',
      exchange: 'NASDAQ',
      symbol: 'AAPL',
      status: 'active',
      tradable: true,
      marginable: true,
      shortable: true,
      borrow_status: 'easy_to_borrow',
      fractionable: true,
    };
    const parsed = fromWireAsset(wireAssetSchema.parse(asset));
    expect(parsed.borrowStatus).toBe('easy_to_borrow');
    expect('easyToBorrow' in parsed).toBe(false);
  });

  it('reads a simple order ("" class) and nanosecond timestamps', () => {
    const order = fromWireOrder(
      wireOrderSchema.parse({
        id: '7b08df51',
        client_order_id: 'gw-2f1c',
        created_at: '2023-12-12T22:31:24.668464435Z',
        symbol: 'AAPL',
        qty: '2',
        filled_qty: '0',
        order_class: '',
        type: 'limit',
        side: 'buy',
        time_in_force: 'gtc',
        limit_price: '150',
        status: 'accepted',
        legs: null,
      }),
    );
    expect([order.orderClass, order.createdAt, order.limitPrice, order.legs]).toEqual([
      'simple',
      Date.UTC(2023, 11, 12, 22, 31, 24, 668),
      150,
      [],
    ]);
  });
});
