import { describe, expect, it } from 'vitest';
import {
  bar,
  expectAccepted,
  expectOnlyViolation,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, order, T0 } from '../../../test/support/engine-fixtures.ts';
import type { ProfileInput } from '../config/profile-schema.ts';

type StopConfig = NonNullable<ProfileInput['protectiveStop']>;
const withStops = (protectiveStop: StopConfig, extra: Partial<ProfileInput> = {}) =>
  engineWith({ protectiveStop, ...extra });

describe('protective stop, deny policy', () => {
  it('denies an entry without a stop', () => {
    const { engine } = withStops({ policy: 'deny' });
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 10)));
    expect(v).toMatchObject({
      code: 'PROTECTIVE_STOP_REQUIRED',
      ruleId: 'protective-stop',
      message: 'symbol=AAPL policy=deny reason=entry has no stopLoss',
    });
  });

  it('long: a stop a cent below the entry passes, a stop at the entry is on the wrong side', () => {
    const { engine } = withStops({ policy: 'deny' });
    const ok = order('AAPL', 'buy', 10, { protection: { stopLoss: 99.99 } });
    expect(expectAccepted(engine.validateOrder(ok)).kind).toBe('accept');
    const v = expectOnlyViolation(
      engine.validateOrder(order('AAPL', 'buy', 10, { protection: { stopLoss: 100 } })),
    );
    expect(v).toMatchObject({
      code: 'PROTECTIVE_STOP_INVALID',
      ruleId: 'protective-stop',
      message: 'symbol=AAPL side=buy stopLoss=100.00 entry=100.00',
    });
  });

  it('short: the stop must be above the entry', () => {
    const { engine } = withStops({ policy: 'deny' });
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 10, { protection: { stopLoss: 100.01 } })));
    expect(
      expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 10, { protection: { stopLoss: 99.5 } })))
        .message,
    ).toBe('symbol=AAPL side=sell stopLoss=99.50 entry=100.00');
  });

  it('measures the side against the limit price of a limit entry', () => {
    const { engine } = withStops({ policy: 'deny' });
    const limit = { type: 'limit' as const, limitPrice: 98 };
    expectAccepted(
      engine.validateOrder(order('AAPL', 'buy', 10, { ...limit, protection: { stopLoss: 97.99 } })),
    );
    expect(
      expectOnlyViolation(
        engine.validateOrder(order('AAPL', 'buy', 10, { ...limit, protection: { stopLoss: 99 } })),
      ).message,
    ).toBe('symbol=AAPL side=buy stopLoss=99.00 entry=98.00');
  });

  it('asks nothing of an exit', () => {
    const { engine } = withStops({ policy: 'deny' });
    openPosition(engine, 'AAPL', 'buy', 10, 100, { protection: { stopLoss: 95 } });
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 10))).effect).toBe('close');
  });
});

describe('protective stop, attach policy', () => {
  it('attaches a stop at a fixed percent and reports it in an accept-modified decision', () => {
    const { engine } = withStops({ policy: 'attach', percent: 2 });
    const entry = order('AAPL', 'buy', 10);
    const d = engine.validateOrder(entry);
    if (d.kind !== 'accept-modified') expect.fail(`expected accept-modified, got ${d.kind}`);
    expect(d.effect).toBe('open');
    expect(d.original).toBe(entry);
    expect(d.order).toEqual({ ...entry, protection: { stopLoss: 98 } });
    expect(d.modifications).toEqual([
      {
        ruleId: 'protective-stop',
        field: 'protection.stopLoss',
        from: null,
        to: 98,
        reason: 'protective stop attached 2% from entry 100',
      },
    ]);
    // The order that works at the broker is the modified one.
    expect(engine.book.working.get(entry.clientOrderId)?.remaining).toBe(10);
  });

  it('adds a take-profit at R when configured, for longs and shorts', () => {
    const { engine } = withStops({ policy: 'attach', percent: 2, takeProfitR: 2 });
    const long = engine.validateOrder(order('AAPL', 'buy', 10));
    expect(long.kind === 'accept-modified' && long.order.protection).toEqual({
      stopLoss: 98,
      takeProfit: 104,
    });
    expect(long.kind === 'accept-modified' && long.modifications[1]).toEqual({
      ruleId: 'protective-stop',
      field: 'protection.takeProfit',
      from: null,
      to: 104,
      reason: 'take-profit attached at 2R',
    });
    const short = engine.validateOrder(order('MSFT', 'sell', 10));
    expect(short.kind === 'accept-modified' && short.order.protection).toEqual({
      stopLoss: 204,
      takeProfit: 192,
    });
  });

  it('rounds the stop to the tick away from the market and the take-profit away from the entry', () => {
    const { engine } = withStops({ policy: 'attach', percent: 2, takeProfitR: 2 });
    const d = engine.validateOrder(order('AAPL', 'buy', 10, { type: 'limit', limitPrice: 100.45 }));
    // 100.45 × 0.98 = 98.441 → 98.44 (a sell stop never rounds up); R = 2.01 → 100.45 + 4.02.
    expect(d.kind === 'accept-modified' && d.order.protection).toEqual({
      stopLoss: 98.44,
      takeProfit: 104.47,
    });
  });

  it('keeps a stop the order already carries, and a take-profit it already carries', () => {
    const { engine } = withStops({ policy: 'attach', percent: 2, takeProfitR: 2 });
    expect(engine.validateOrder(order('AAPL', 'buy', 10, { protection: { stopLoss: 90 } })).kind).toBe(
      'accept',
    );
    const d = engine.validateOrder(order('AAPL', 'buy', 10, { protection: { takeProfit: 120 } }));
    expect(d.kind === 'accept-modified' && d.order.protection).toEqual({ stopLoss: 98, takeProfit: 120 });
    expect(d.kind === 'accept-modified' && d.modifications.map((m) => m.field)).toEqual([
      'protection.stopLoss',
    ]);
  });

  it('still denies a stop the order carries on the wrong side', () => {
    const { engine } = withStops({ policy: 'attach' });
    expect(
      expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 10, { protection: { stopLoss: 101 } })))
        .code,
    ).toBe('PROTECTIVE_STOP_INVALID');
  });

  it('attaches a stop at k × ATR once the ATR is known, and denies the entry before that', () => {
    const { engine, clock } = withStops(
      { policy: 'attach', method: 'atr', atrMultiple: 1.5 },
      { indicators: { atr: { period: 3, timeframe: '1m' } } },
    );
    const before = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 10)));
    expect(before).toMatchObject({
      code: 'PROTECTIVE_STOP_REQUIRED',
      message: 'symbol=AAPL policy=attach reason=could not compute a atr stop (no price or ATR yet)',
    });
    for (let i = 1; i <= 3; i++) {
      clock.set(T0 + i * 60_000);
      bar(engine, 'AAPL', clock.now(), { open: 100, high: 101, low: 99, close: 100 });
    }
    expect(engine.atr('AAPL')).toBe(2);
    const long = engine.validateOrder(order('AAPL', 'buy', 10));
    expect(long.kind === 'accept-modified' && long.order.protection).toEqual({ stopLoss: 97 });
    expect(long.kind === 'accept-modified' && long.modifications[0]?.reason).toBe(
      'protective stop attached at 1.5 x ATR below entry 100',
    );
    const short = engine.validateOrder(order('AAPL', 'sell', 10));
    expect(short.kind === 'accept-modified' && short.order.protection).toEqual({ stopLoss: 103 });
    expect(short.kind === 'accept-modified' && short.modifications[0]?.reason).toBe(
      'protective stop attached at 1.5 x ATR above entry 100',
    );
  });

  it('does not touch an exit', () => {
    const { engine } = withStops({ policy: 'attach' });
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    expect(engine.validateOrder(order('AAPL', 'sell', 10)).kind).toBe('accept');
  });
});
