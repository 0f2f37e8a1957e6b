import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertLegsCarryClass, toWireOrder } from '../../src/broker/alpaca/to-wire.ts';
import { isBrokerError } from '../../src/broker/errors.ts';
import type { SubmitOrderRequest } from '../../src/broker/order-types.ts';
import { isOnTick } from '../../src/core/tick.ts';

const base: SubmitOrderRequest = {
  clientOrderId: 'c-1',
  symbol: 'aapl',
  side: 'buy',
  qty: 10,
  type: 'limit',
  limitPrice: 100,
  timeInForce: 'gtc',
};

const refusal = (request: SubmitOrderRequest) => {
  try {
    toWireOrder(request);
  } catch (error) {
    return isBrokerError(error, 'VALIDATION') && error.local ? error.message : `other: ${String(error)}`;
  }
  return 'accepted';
};

describe('toWireOrder', () => {
  it('sends two protection prices as a bracket, with strings and order_class', () => {
    expect(
      toWireOrder({ ...base, protection: { takeProfit: 110, stopLoss: 95, stopLossLimit: 94.5 } }),
    ).toEqual({
      symbol: 'AAPL',
      qty: '10',
      side: 'buy',
      type: 'limit',
      time_in_force: 'gtc',
      client_order_id: 'c-1',
      limit_price: '100',
      order_class: 'bracket',
      take_profit: { limit_price: '110' },
      stop_loss: { stop_price: '95', limit_price: '94.5' },
    });
  });

  it('sends one protection price as an oto', () => {
    expect(toWireOrder({ ...base, protection: { stopLoss: 95 } })).toMatchObject({
      order_class: 'oto',
      stop_loss: { stop_price: '95' },
    });
    expect(toWireOrder({ ...base, protection: { takeProfit: 110 } })).toMatchObject({
      order_class: 'oto',
      take_profit: { limit_price: '110' },
    });
  });

  it('refuses legs on a simple order locally', () => {
    expect(refusal({ ...base, orderClass: 'simple', protection: { stopLoss: 95 } })).toMatch(
      /silently create no legs/,
    );
  });

  it('refuses the bracket rules locally: one-legged bracket, ioc, stop entry, extended hours, TP below SL', () => {
    expect(refusal({ ...base, orderClass: 'bracket', protection: { stopLoss: 95 } })).toMatch(
      /send a single exit as oto/,
    );
    expect(refusal({ ...base, timeInForce: 'ioc', protection: { stopLoss: 95 } })).toMatch(/day or gtc/);
    expect(refusal({ ...base, type: 'stop', stopPrice: 101, protection: { stopLoss: 95 } })).toMatch(
      /market or limit/,
    );
    expect(refusal({ ...base, extendedHours: true, protection: { stopLoss: 95 } })).toMatch(/extended hours/);
    expect(refusal({ ...base, protection: { takeProfit: 90, stopLoss: 95 } })).toMatch(
      /beyond the stop-loss/,
    );
  });

  it('validates client order ids up to 128 characters', () => {
    expect(refusal({ ...base, clientOrderId: 'x'.repeat(128) })).toBe('accepted');
    expect(refusal({ ...base, clientOrderId: 'x'.repeat(129) })).toMatch(/1 to 128/);
    expect(refusal({ ...base, clientOrderId: '' })).toMatch(/1 to 128/);
  });

  it('normalizes sides given as long/short in any case', () => {
    expect(toWireOrder({ ...base, side: 'LONG' as never }).side).toBe('buy');
  });

  it('never lets legs travel without a grouping class', () => {
    expect(() =>
      assertLegsCarryClass({
        side: 'buy',
        type: 'market',
        time_in_force: 'day',
        stop_loss: { stop_price: '1' },
      }),
    ).toThrow(/invariant/);
  });

  const price = fc.double({ min: 0.01, max: 5_000, noNaN: true, noDefaultInfinity: true });

  it('property: every price is on its tick, a protective sell stop never rounds up, a buy stop never down', () => {
    fc.assert(
      fc.property(price, price, fc.constantFrom('buy' as const, 'sell' as const), (a, b, side) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        fc.pre(high - low > 0.05);
        const takeProfit = side === 'buy' ? high : low;
        const stopLoss = side === 'buy' ? low : high;
        const { limitPrice: _, ...market } = base;
        const body = toWireOrder({ ...market, side, type: 'market', protection: { takeProfit, stopLoss } });
        const stop = Number(body.stop_loss!.stop_price);
        const target = Number(body.take_profit!.limit_price);
        expect(isOnTick(stop) && isOnTick(target)).toBe(true);
        if (side === 'buy')
          expect(stop).toBeLessThanOrEqual(stopLoss + 1e-9); // a sell stop protects a long
        else expect(stop).toBeGreaterThanOrEqual(stopLoss - 1e-9);
        expect(body.order_class).toBe('bracket');
        expect(/e/i.test(body.stop_loss!.stop_price!.toString())).toBe(false);
      }),
    );
  });
});
