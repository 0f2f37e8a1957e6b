import { describe, expect, it } from 'vitest';
import { stock } from '../../core/instrument.ts';
import { expiryStatus } from './greeks-view.ts';
import { instrumentLookup, optionUnderlying } from './option-instruments.ts';

describe('the gateway instrument lookup', () => {
  const lookup = instrumentLookup(new Map([['AAPL', stock('AAPL', 'Technology')]]));

  it('recognises an OCC contract on a listed stock, with its terms, multiplier and sector', () => {
    expect(lookup('AAPL270115C00200000')).toMatchObject({
      symbol: 'AAPL270115C00200000',
      assetClass: 'us_option',
      multiplier: 100,
      sector: 'Technology',
      option: { underlying: 'AAPL', expiry: '2027-01-15', strike: 200, right: 'call' },
    });
    expect(lookup('AAPL')?.assetClass).toBe('us_equity');
  });

  it('knows no contract on an unlisted underlying, nor a malformed or padded symbol', () => {
    expect(lookup('ZZZZ270115C00200000')).toBeUndefined();
    expect(lookup('AAPL271315C00200000')).toBeUndefined();
    expect(lookup('AAPL  270115C00200000')).toBeUndefined();
  });

  it('reads the underlying of an option symbol only', () => {
    expect(optionUnderlying('SPY261218P00450000')).toBe('SPY');
    expect(optionUnderlying('SPY')).toBeUndefined();
  });
});

describe('expiry status', () => {
  const close = Date.UTC(2027, 0, 15, 21, 0); // 16:00 New York in January
  it('is live before the expiry day, expiring on the day before 16:00 New York, expired after', () => {
    expect(expiryStatus('2027-01-15', Date.UTC(2027, 0, 14, 21, 0))).toBe('live');
    expect(expiryStatus('2027-01-15', Date.UTC(2027, 0, 15, 15, 0))).toBe('expiring');
    expect(expiryStatus('2027-01-15', Date.UTC(2027, 0, 15, 5, 1))).toBe('expiring'); // 00:01 New York
    expect(expiryStatus('2027-01-15', Date.UTC(2027, 0, 15, 4, 59))).toBe('live'); // 23:59 the day before
    expect(expiryStatus('2027-01-15', close)).toBe('expired');
    expect(expiryStatus('2027-01-15', close + 86_400_000)).toBe('expired');
  });
});
