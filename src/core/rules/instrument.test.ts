import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  expectViolation,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, fill, order } from '../../../test/support/engine-fixtures.ts';
import { stock } from '../instrument.ts';

describe('instrument rule', () => {
  it('denies an entry in a symbol the engine does not know with UNKNOWN_INSTRUMENT', () => {
    const { engine } = engineWith();
    const v = expectViolation(
      engine.validateOrder(order('ZZZZ', 'buy', 1, { type: 'limit', limitPrice: 10 })),
      'UNKNOWN_INSTRUMENT',
    );
    expect(v).toMatchObject({ code: 'UNKNOWN_INSTRUMENT', ruleId: 'instrument', message: 'symbol=ZZZZ' });
  });

  it('reports the missing price of an unknown symbol too: every problem at once', () => {
    const { engine } = engineWith();
    const d = engine.validateOrder(order('ZZZZ', 'buy', 1));
    expect(d.kind === 'deny' && d.violations.map((v) => v.code)).toEqual([
      'UNKNOWN_INSTRUMENT',
      'NO_REFERENCE_PRICE',
    ]);
  });

  it('denies an entry in an instrument that is not tradable', () => {
    const { engine } = engineWith();
    const v = expectOnlyViolation(engine.validateOrder(order('HALT', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'INSTRUMENT_NOT_TRADABLE',
      ruleId: 'instrument',
      message: 'symbol=HALT',
    });
  });

  it('accepts a known, tradable instrument', () => {
    const { engine } = engineWith();
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1))).effect).toBe('open');
  });

  it('keeps denying entries in an unknown symbol after a fill in it arrives, while letting that position be exited', () => {
    const { engine } = engineWith();
    // E.g. a position found at the broker in a symbol outside the universe.
    engine.onFill({
      executionId: 'outside-1',
      symbol: 'ZZZZ',
      side: 'buy',
      qty: 10,
      price: 20,
      time: engine.now(),
    });
    const v = expectOnlyViolation(engine.validateOrder(order('ZZZZ', 'buy', 10)));
    expect(v).toMatchObject({
      code: 'INSTRUMENT_NOT_TRADABLE',
      ruleId: 'instrument',
      message: 'symbol=ZZZZ',
    });
    expect(expectAccepted(engine.validateOrder(order('ZZZZ', 'sell', 10))).effect).toBe('close');
  });

  it('treats a position restored from the broker in an unknown symbol the same way', () => {
    const { engine } = engineWith();
    engine.restorePosition({ symbol: 'ZZZZ', qty: -10, avgPrice: 20, time: engine.now() });
    expect(expectOnlyViolation(engine.validateOrder(order('ZZZZ', 'sell', 1))).code).toBe(
      'INSTRUMENT_NOT_TRADABLE',
    );
    expect(expectAccepted(engine.validateOrder(order('ZZZZ', 'buy', 10))).effect).toBe('close');
  });

  it('looks instruments up through a function for open universes', () => {
    const { engine } = engineWith(
      {},
      { instruments: (symbol) => (symbol.startsWith('Q') ? stock(symbol, 'Energy') : undefined) },
      { QQQ: 400, SPY: 500 },
    );
    expectAccepted(engine.validateOrder(order('QQQ', 'buy', 1)));
    expectViolation(engine.validateOrder(order('SPY', 'buy', 1)), 'UNKNOWN_INSTRUMENT');
  });
});

describe('restricted symbols', () => {
  it('denies entries in a restricted symbol, matching the list case-insensitively', () => {
    const { engine } = engineWith({ restrictedSymbols: ['xom'] });
    const v = expectOnlyViolation(engine.validateOrder(order('XOM', 'buy', 1)));
    expect(v).toMatchObject({
      code: 'RESTRICTED_SYMBOL',
      ruleId: 'restricted-symbols',
      message: 'symbol=XOM',
    });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1)));
  });

  it('still lets a position in a restricted symbol be closed', () => {
    const { engine } = engineWith({ restrictedSymbols: ['XOM'] });
    // The position predates the restriction: it arrives as a fill.
    fill(engine, order('XOM', 'buy', 10), 80);
    expect(expectAccepted(engine.validateOrder(order('XOM', 'sell', 10))).effect).toBe('close');
  });
});

describe('short sales', () => {
  it('long-only: selling less than, or exactly, the position is accepted; one share more is a short and denied', () => {
    const { engine } = engineWith({ longOnly: true });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 99), { dryRun: true })).effect).toBe(
      'reduce',
    );
    expect(expectAccepted(engine.validateOrder(order('AAPL', 'sell', 100), { dryRun: true })).effect).toBe(
      'close',
    );
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 101)));
    expect(v).toMatchObject({
      code: 'SHORT_NOT_ALLOWED',
      ruleId: 'short-sale',
      message: 'symbol=AAPL reason=long-only profile',
    });
  });

  it('long-only: a sell from flat is denied', () => {
    const { engine } = engineWith({ longOnly: true });
    const d = engine.validateOrder(order('AAPL', 'sell', 1));
    expect(expectOnlyViolation(d).code).toBe('SHORT_NOT_ALLOWED');
    expect(d.effect).toBe('open');
  });

  it('denies opening a short in a symbol that is not shortable, and accepts it in one that is', () => {
    const { engine } = engineWith();
    const v = expectOnlyViolation(engine.validateOrder(order('HTB', 'sell', 10)));
    expect(v).toMatchObject({
      code: 'SHORT_NOT_ALLOWED',
      ruleId: 'short-sale',
      message: 'symbol=HTB reason=not shortable',
    });
    expectAccepted(engine.validateOrder(order('JPM', 'sell', 10)));
  });

  it('lets a long position in a non-shortable symbol be sold down to flat', () => {
    const { engine } = engineWith();
    openPosition(engine, 'HTB', 'buy', 10, 20);
    expectAccepted(engine.validateOrder(order('HTB', 'sell', 10), { dryRun: true }));
    expect(expectOnlyViolation(engine.validateOrder(order('HTB', 'sell', 11))).code).toBe(
      'SHORT_NOT_ALLOWED',
    );
  });

  it('lets a short be covered and increased in a shortable symbol', () => {
    const { engine } = engineWith();
    openPosition(engine, 'JPM', 'sell', 10, 50);
    expect(expectAccepted(engine.validateOrder(order('JPM', 'sell', 5), { dryRun: true })).effect).toBe(
      'increase',
    );
    expect(expectAccepted(engine.validateOrder(order('JPM', 'buy', 10), { dryRun: true })).effect).toBe(
      'close',
    );
  });
});
