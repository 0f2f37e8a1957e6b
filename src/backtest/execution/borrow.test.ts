import { describe, expect, it } from 'vitest';
import { newYorkToEpoch } from '../../core/session.ts';
import { BorrowAccrual } from './borrow.ts';

const at = (date: string, time = '09:30') => newYorkToEpoch(date, time);

describe('BorrowAccrual', () => {
  const short = { shorts: () => [{ symbol: 'AAA', qty: -100, price: 50 }] };

  it('charges |qty| × price × rate / 360 per calendar day, at each new session', () => {
    const borrow = new BorrowAccrual({ annualPercent: 3.6 });
    expect(borrow.accrue(at('2024-01-02'), short)).toBe(0); // the first session: nothing held overnight yet
    expect(borrow.accrue(at('2024-01-02', '15:00'), short)).toBe(0); // same session
    expect(borrow.accrue(at('2024-01-03'), short)).toBeCloseTo((5_000 * 0.036) / 360, 10); // $0.50
    // Friday → Monday is three calendar days.
    borrow.accrue(at('2024-01-05'), short);
    expect(borrow.accrue(at('2024-01-08'), short)).toBeCloseTo(1.5, 10);
    expect(borrow.paid).toBeCloseTo(0.5 + 1 + 1.5, 10);
  });

  it('uses a 365-day year when asked, ignores longs, and charges nothing at 0%', () => {
    const mixed = {
      shorts: () => [
        { symbol: 'AAA', qty: -10, price: 365 },
        { symbol: 'BBB', qty: 10, price: 1e6 },
      ],
    };
    const b365 = new BorrowAccrual({ annualPercent: 10, dayCount: 365 });
    b365.accrue(at('2024-01-02'), mixed);
    expect(b365.accrue(at('2024-01-03'), mixed)).toBeCloseTo((3_650 * 0.1) / 365, 10);
    const free = new BorrowAccrual({ annualPercent: 0 });
    free.accrue(at('2024-01-02'), short);
    expect(free.accrue(at('2024-01-03'), short)).toBe(0);
  });

  it('refuses a rate outside 0–100 %', () => {
    expect(() => new BorrowAccrual({ annualPercent: -1 })).toThrow(
      /annualPercent must be from 0 to 100, got -1/,
    );
  });
});
