import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  expectAccepted,
  expectOnlyViolation,
  mark,
  openPosition,
} from '../../../test/support/core-helpers.ts';
import { engineWith, fill, INSTRUMENTS, order, T0 } from '../../../test/support/engine-fixtures.ts';
import { describeWithShared } from '../../../test/support/shared-data.ts';
import { parseSectorCsv } from '../config/load-profile.ts';
import { stock } from '../instrument.ts';

const dry = { dryRun: true } as const;

describe('buying power', () => {
  it('accepts an order up to the cash-based buying power and denies one share more', () => {
    const { engine } = engineWith();
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 1_000), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 1_001)));
    expect(v).toMatchObject({
      code: 'INSUFFICIENT_BUYING_POWER',
      ruleId: 'buying-power',
      message: 'notional=100100.00 reserved=0.00 buyingPower=100000.00',
    });
  });

  it('counts working orders: two orders cannot both squeeze under the buying power', () => {
    const { engine } = engineWith();
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 600)));
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 200)));
    const v = expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 1)));
    expect(v.message).toBe('notional=50.00 reserved=100000.00 buyingPower=100000.00');
  });

  it('releases the reservation when a working order is canceled', () => {
    const { engine } = engineWith();
    const big = order('AAPL', 'buy', 1_000);
    expectAccepted(engine.validateOrder(big));
    expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 1)));
    engine.onOrderClosed(big.clientOrderId);
    expect(engine.book.reserved).toBe(0);
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 1)));
  });

  it('uses the cash left after fills, with working orders still reserved', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 600, 100);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 150)));
    // Cash 40,000; 30,000 reserved; 10,000 left.
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 200), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 201)));
    expect(v.message).toBe('notional=10050.00 reserved=30000.00 buyingPower=40000.00');
  });

  it("takes the broker's buying power when an account update reports it", () => {
    const { engine } = engineWith();
    engine.onAccount({ time: T0, equity: 100_000, cash: 100_000, buyingPower: 50_000 });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 500), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 501))).message).toBe(
      'notional=50100.00 reserved=0.00 buyingPower=50000.00',
    );
  });

  it('never blocks an exit', () => {
    const { engine } = engineWith();
    openPosition(engine, 'AAPL', 'buy', 1_000, 100);
    expect(engine.buyingPower).toBe(0);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 1_000)));
  });
});

describe('maximum position per symbol', () => {
  it('in shares, counting the position and working orders: at the limit passes, one more is denied', () => {
    const { engine } = engineWith({ positions: { maxQuantity: 150 } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 30)));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 19), dry));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 20), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 21)));
    expect(v).toMatchObject({
      code: 'POSITION_QUANTITY_EXCEEDED',
      ruleId: 'position-limit',
      message: 'symbol=AAPL qty=151 maxQty=150',
    });
  });

  it('in shares on the short side', () => {
    const { engine } = engineWith({ positions: { maxQuantity: 150 } });
    openPosition(engine, 'JPM', 'sell', 100, 50);
    expectAccepted(engine.validateOrder(order('JPM', 'sell', 50), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('JPM', 'sell', 51))).message).toBe(
      'symbol=JPM qty=151 maxQty=150',
    );
  });

  it('in dollars: at the limit passes, one share more is denied', () => {
    const { engine } = engineWith({ positions: { maxNotional: { usd: 15_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 30)));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 20), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 21)));
    expect(v).toMatchObject({
      code: 'POSITION_NOTIONAL_EXCEEDED',
      ruleId: 'position-limit',
      message: 'symbol=AAPL notional=15100.00 limit=15000.00',
    });
  });

  it('in percent of the basis, the tighter of percent and dollars applying', () => {
    const { engine } = engineWith({ positions: { maxNotional: { percent: 15, usd: 20_000 } } });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 150), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 151))).message).toBe(
      'symbol=AAPL notional=15100.00 limit=15000.00',
    );
  });
});

describe('symbol exposure', () => {
  it('accepts below and exactly at the limit and denies one share above', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 5_500 } } });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 54), dry));
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 55), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 56)));
    expect(v).toMatchObject({
      code: 'SYMBOL_EXPOSURE_EXCEEDED',
      ruleId: 'symbol-exposure',
      message: 'symbol=AAPL exposure=5600.00 limit=5500.00',
    });
  });

  it('counts the position at the latest mark plus working orders', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 5_500 } } });
    openPosition(engine, 'AAPL', 'buy', 40, 100);
    mark(engine, 'AAPL', 102);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 10)));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 10)));
    expect(v.message).toBe('symbol=AAPL exposure=6120.00 limit=5500.00');
  });

  it('counts a short the same as a long', () => {
    const { engine } = engineWith({ exposure: { symbol: { usd: 5_500 } } });
    openPosition(engine, 'AAPL', 'sell', 50, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'sell', 5), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'sell', 6))).message).toBe(
      'symbol=AAPL exposure=5600.00 limit=5500.00',
    );
  });

  it('with percent and dollars the tighter applies', () => {
    const { engine } = engineWith({ exposure: { symbol: { percent: 4, usd: 5_000 } } });
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 40), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 41))).message).toBe(
      'symbol=AAPL exposure=4100.00 limit=4000.00',
    );
  });
});

describe('exposure basis for percent limits', () => {
  /** Equity goes 100,000 → 110,000 (the peak) → 105,000 through an XOM position. */
  function afterRoundTrip(basis: 'starting' | 'current' | 'peak') {
    const { engine } = engineWith({ exposureBasis: basis, exposure: { symbol: { percent: 10 } } });
    fill(engine, order('XOM', 'buy', 1_000), 80);
    mark(engine, 'XOM', 90);
    mark(engine, 'XOM', 85);
    expect(engine.equity).toBe(105_000);
    expect(engine.peakEquity).toBe(110_000);
    return engine;
  }

  it.each([
    ['starting', 100, '10000.00'],
    ['current', 105, '10500.00'],
    ['peak', 110, '11000.00'],
  ] as const)('%s: 10%% resolves against that equity (at %d shares of $100)', (basis, atLimit, limit) => {
    const engine = afterRoundTrip(basis);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', atLimit), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', atLimit + 1)));
    expect(v.message).toBe(`symbol=AAPL exposure=${(atLimit + 1) * 100}.00 limit=${limit}`);
  });
});

describe('sector exposure', () => {
  it('sums the symbols of a sector with working orders: at the limit passes, above is denied', () => {
    const { engine } = engineWith({ exposure: { sector: { usd: 10_000 } } });
    openPosition(engine, 'AAPL', 'buy', 50, 100);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 10)));
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 15), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 16)));
    expect(v).toMatchObject({
      code: 'SECTOR_EXPOSURE_EXCEEDED',
      ruleId: 'sector-exposure',
      message: 'sector=Information Technology exposure=10200.00 limit=10000.00',
    });
    // Another sector is unaffected.
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 200), dry));
  });

  it('gives the Unknown sector its own limit', () => {
    const { engine } = engineWith({ exposure: { sector: { usd: 10_000 }, unknownSector: { usd: 2_000 } } });
    expectAccepted(engine.validateOrder(order('MYST', 'buy', 200), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('MYST', 'buy', 201)));
    expect(v.message).toBe('sector=Unknown exposure=2010.00 limit=2000.00');
    expectAccepted(engine.validateOrder(order('XOM', 'buy', 125), dry));
  });

  it('caps the Unknown sector by the symbol limit when only a symbol limit is set', () => {
    const { engine } = engineWith(
      { exposure: { symbol: { usd: 3_000 } } },
      { instruments: [...INSTRUMENTS, stock('ODD1'), stock('ODD2')] },
      { ODD1: 10, ODD2: 10 },
    );
    openPosition(engine, 'ODD1', 'buy', 200, 10);
    expectAccepted(engine.validateOrder(order('ODD2', 'buy', 100), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('ODD2', 'buy', 101))).message).toBe(
      'sector=Unknown exposure=3010.00 limit=3000.00',
    );
  });

  it("fills a missing sector from the profile's sector map", () => {
    const { engine } = engineWith(
      { exposure: { sector: { usd: 10_000 } }, sectors: { NEWCO: 'Energy', AAPL: 'Energy' } },
      { instruments: [...INSTRUMENTS, stock('NEWCO')] },
      { XOM: 80, NEWCO: 20, AAPL: 100 },
    );
    expect(engine.instrument('NEWCO')?.sector).toBe('Energy');
    // An instrument that already has a sector keeps it.
    expect(engine.instrument('AAPL')?.sector).toBe('Information Technology');
    openPosition(engine, 'XOM', 'buy', 100, 80);
    expectAccepted(engine.validateOrder(order('NEWCO', 'buy', 100), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('NEWCO', 'buy', 101))).message).toBe(
      'sector=Energy exposure=10020.00 limit=10000.00',
    );
  });

  const SECTORS_CSV = [
    'symbol,name,gics_sector,gics_sub_industry,in_files,sector_source',
    'AAPL,Apple Inc.,Information Technology,"Technology Hardware, Storage & Peripherals",lean_daily,x',
    'IBM,IBM,Information Technology,IT Consulting & Other Services,lean_daily,x',
    'AIG,American International Group,Financials,Multi-line Insurance,lean_daily,x',
    'SPY,SPDR S&P 500 ETF,ETF: US large-cap broad market,,lean_daily,hand-labelled (not GICS)',
    '',
  ].join('\n');

  function sectorLimitFromCsv(csv: string) {
    const parsed = parseSectorCsv(csv);
    if (!parsed.ok) expect.fail(JSON.stringify(parsed.issues));
    const { engine } = engineWith(
      { exposure: { sector: { usd: 10_000 } }, sectors: parsed.value },
      { instruments: [stock('IBM'), stock('AAPL'), stock('AIG')] },
      { IBM: 100, AAPL: 100, AIG: 50 },
    );
    expect(engine.instrument('IBM')?.sector).toBe('Information Technology');
    openPosition(engine, 'IBM', 'buy', 50, 100);
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 50), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('AAPL', 'buy', 51))).message).toBe(
      'sector=Information Technology exposure=10100.00 limit=10000.00',
    );
    expectAccepted(engine.validateOrder(order('AIG', 'buy', 200), dry));
  }

  it('takes sectors from a CSV in the format of sectors.csv (gics_sector column, quoted cells)', () => {
    const parsed = parseSectorCsv(SECTORS_CSV);
    expect(parsed.ok && parsed.value).toEqual({
      AAPL: 'Information Technology',
      IBM: 'Information Technology',
      AIG: 'Financials',
      SPY: 'ETF: US large-cap broad market',
    });
    sectorLimitFromCsv(SECTORS_CSV);
  });

  describeWithShared('with the shared sectors.csv', ['data/sectors.csv'], ([path]) => {
    it('takes sectors from the shared sectors.csv itself', () => {
      sectorLimitFromCsv(readFileSync(path!, 'utf8'));
    });
  });

  it('reports a sector CSV without the needed columns, and every incomplete line', () => {
    const noHeader = parseSectorCsv('ticker,industry\nAAPL,Tech\n');
    expect(noHeader.ok).toBe(false);
    expect(!noHeader.ok && noHeader.issues[0]?.path).toBe('sectors.csv:1');
    const gaps = parseSectorCsv('symbol,sector\nAAPL,Tech\n,Energy\nXOM,\n');
    expect(!gaps.ok && gaps.issues.map((i) => i.path)).toEqual(['sectors.csv:3', 'sectors.csv:4']);
  });
});

describe('gross exposure', () => {
  it('sums longs, shorts and working orders across symbols: at the cap passes, above is denied', () => {
    const { engine } = engineWith({ exposure: { gross: { usd: 20_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    openPosition(engine, 'BAC', 'sell', 100, 25);
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 50)));
    expect(engine.book.gross).toBe(15_000);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 25), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 26)));
    expect(v).toMatchObject({
      code: 'GROSS_EXPOSURE_EXCEEDED',
      ruleId: 'gross-exposure',
      message: 'exposure=20200.00 limit=20000.00',
    });
  });

  it('in percent of the basis', () => {
    const { engine } = engineWith({ exposure: { gross: { percent: 20 } } });
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 100), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 101))).message).toBe(
      'exposure=20200.00 limit=20000.00',
    );
  });
});

describe('net exposure', () => {
  it('nets longs against shorts: a buy up to the cap passes, above is denied', () => {
    const { engine } = engineWith({ exposure: { net: { usd: 10_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    openPosition(engine, 'JPM', 'sell', 100, 50);
    expect(engine.book.net).toBe(5_000);
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 25), dry));
    const v = expectOnlyViolation(engine.validateOrder(order('MSFT', 'buy', 26)));
    expect(v).toMatchObject({
      code: 'NET_EXPOSURE_EXCEEDED',
      ruleId: 'net-exposure',
      message: 'exposure=10200.00 limit=10000.00',
    });
  });

  it('caps the short side too', () => {
    const { engine } = engineWith({ exposure: { net: { usd: 10_000 } } });
    openPosition(engine, 'AAPL', 'buy', 100, 100);
    openPosition(engine, 'JPM', 'sell', 100, 50);
    // Net +5,000: selling up to 15,000 more takes it to −10,000.
    expectAccepted(engine.validateOrder(order('BAC', 'sell', 600), dry));
    expect(expectOnlyViolation(engine.validateOrder(order('BAC', 'sell', 601))).message).toBe(
      'exposure=10025.00 limit=10000.00',
    );
  });
});

describe('maximum open positions', () => {
  it('counts flat symbols with working entries as positions: at the maximum a new symbol is denied', () => {
    const { engine } = engineWith({ positions: { maxOpen: 2 } });
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    const msft = order('MSFT', 'buy', 10);
    expectAccepted(engine.validateOrder(msft));
    const v = expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 10)));
    expect(v).toMatchObject({
      code: 'MAX_OPEN_POSITIONS',
      ruleId: 'max-open-positions',
      message: 'open=2 maxOpen=2',
    });
    // Adding to an open or pending position is not a new position.
    expectAccepted(engine.validateOrder(order('AAPL', 'buy', 10), dry));
    expectAccepted(engine.validateOrder(order('MSFT', 'buy', 10), dry));
    engine.onOrderClosed(msft.clientOrderId);
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 10)));
  });

  it('frees a slot when a position is closed', () => {
    const { engine } = engineWith({ positions: { maxOpen: 1 } });
    openPosition(engine, 'AAPL', 'buy', 10, 100);
    expectOnlyViolation(engine.validateOrder(order('JPM', 'buy', 10)));
    openPosition(engine, 'AAPL', 'sell', 10, 101);
    expect(engine.book.openPositions).toBe(0);
    expectAccepted(engine.validateOrder(order('JPM', 'buy', 10)));
  });
});
