import { describe, expect, it } from 'vitest';
import { parseOrderIntent } from './order.ts';

const newId = () => 'generated-1';

describe('parseOrderIntent', () => {
  it('reports every problem at once, each with its path', () => {
    const parsed = parseOrderIntent(
      {
        symbol: '$$$',
        side: 'hold',
        qty: -1,
        type: 'limit',
        timeInForce: 'week',
        trailPercent: 1,
        clientOrderId: 42,
        strategy: '',
        extendedHours: 'yes',
      },
      newId,
    );
    expect(parsed).toEqual({
      ok: false,
      issues: [
        { path: 'symbol', message: 'expected a ticker such as AAPL, got "$$$"' },
        { path: 'side', message: 'expected one of buy, sell, long, short (any case), got "hold"' },
        { path: 'qty', message: 'expected a positive finite number, got -1' },
        { path: 'timeInForce', message: 'expected one of day, gtc, opg, cls, ioc, fok, got "week"' },
        { path: 'limitPrice', message: 'is required: expected a positive number' },
        { path: 'trailPercent', message: 'trail fields apply only to trailing_stop orders, not limit' },
        { path: 'clientOrderId', message: 'expected a string of at most 128 characters' },
        { path: 'strategy', message: 'expected a non-empty string of at most 64 characters' },
        { path: 'extendedHours', message: 'expected true or false, got "yes"' },
      ],
    });
  });

  it('reports a missing side and quantity', () => {
    const parsed = parseOrderIntent({ symbol: 'AAPL' }, newId);
    expect(!parsed.ok && parsed.issues.map((i) => i.path)).toEqual(['side', 'qty']);
    expect(!parsed.ok && parsed.issues[1]?.message).toBe('is required: expected a positive number');
  });

  it('normalizes a valid order: symbol upper case, numbers from strings, long/short sides, defaults', () => {
    const parsed = parseOrderIntent({ symbol: ' aapl ', side: 'LONG', qty: '10' }, newId);
    expect(parsed).toEqual({
      ok: true,
      value: {
        clientOrderId: 'generated-1',
        symbol: 'AAPL',
        side: 'buy',
        qty: 10,
        type: 'market',
        timeInForce: 'day',
      },
    });
  });

  it('keeps a given client order id, strategy and extended-hours flag, and builds the protection', () => {
    const parsed = parseOrderIntent(
      {
        clientOrderId: 'abc',
        symbol: 'BRK.B',
        side: 'Short',
        qty: 5,
        type: 'Limit',
        timeInForce: 'GTC',
        limitPrice: '410.5',
        takeProfit: 400,
        stopLoss: 420,
        stopLossLimit: 421,
        strategy: 'meanrev',
        extendedHours: true,
      },
      newId,
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        clientOrderId: 'abc',
        symbol: 'BRK.B',
        side: 'sell',
        qty: 5,
        type: 'limit',
        timeInForce: 'gtc',
        limitPrice: 410.5,
        protection: { takeProfit: 400, stopLoss: 420, stopLossLimit: 421 },
        strategy: 'meanrev',
        extendedHours: true,
      },
    });
  });

  it('requires the take-profit above the stop-loss for a buy and below it for a sell', () => {
    const buy = parseOrderIntent(
      { symbol: 'AAPL', side: 'buy', qty: 1, takeProfit: 95, stopLoss: 96 },
      newId,
    );
    expect(!buy.ok && buy.issues).toEqual([
      {
        path: 'takeProfit',
        message: 'for a buy entry the take-profit must be above the stop-loss (takeProfit=95 stopLoss=96)',
      },
    ]);
    const sell = parseOrderIntent(
      { symbol: 'AAPL', side: 'sell', qty: 1, takeProfit: 96, stopLoss: 95 },
      newId,
    );
    expect(!sell.ok && sell.issues[0]?.message).toMatch(/for a sell entry the take-profit must be below/);
  });

  it('checks the price fields each order type needs or forbids', () => {
    const stop = parseOrderIntent(
      { symbol: 'AAPL', side: 'buy', qty: 1, type: 'stop', limitPrice: 1 },
      newId,
    );
    expect(!stop.ok && stop.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'stopPrice: is required: expected a positive number',
      'limitPrice: a stop order takes no limitPrice',
    ]);
    const trailing = parseOrderIntent(
      { symbol: 'AAPL', side: 'sell', qty: 1, type: 'trailing_stop', trailPercent: 1, trailPrice: 2 },
      newId,
    );
    expect(!trailing.ok && trailing.issues).toEqual([
      { path: 'trailPercent', message: 'a trailing_stop needs exactly one of trailPercent or trailPrice' },
    ]);
    const ok = parseOrderIntent(
      { symbol: 'AAPL', side: 'sell', qty: 1, type: 'trailing_stop', trailPrice: 2 },
      newId,
    );
    expect(ok.ok && ok.value.trailPrice).toBe(2);
  });

  it('rejects non-finite and non-numeric quantities and prices', () => {
    for (const qty of [0, Number.NaN, Number.POSITIVE_INFINITY, '', 'ten', '1e400', {}]) {
      const parsed = parseOrderIntent({ symbol: 'AAPL', side: 'buy', qty }, newId);
      expect(!parsed.ok && parsed.issues.map((i) => i.path)).toEqual(['qty']);
    }
    const parsed = parseOrderIntent({ symbol: 'AAPL', side: 'buy', qty: 1, stopLossLimit: 5 }, newId);
    expect(!parsed.ok && parsed.issues).toEqual([
      { path: 'stopLossLimit', message: 'stopLossLimit needs stopLoss' },
    ]);
  });
});
