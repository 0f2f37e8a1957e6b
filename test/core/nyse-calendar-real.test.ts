import { expect, it } from 'vitest';
import { isTradingDay } from '../../src/core/calendar/nyse-calendar.ts';
import { describeWithShared, readCsvObjects } from '../support/shared-data.ts';

describeWithShared(
  'NYSE calendar against the real SPY trading days',
  ['data/lean_daily_SPY.csv'],
  ([spy]) => {
    it('trades on exactly the days SPY has a bar, 1998-01-02 to 2021-03-31', () => {
      const dates = new Set(readCsvObjects(spy!).map((r) => r.date!));
      const missing: string[] = [];
      const extra: string[] = [];
      for (let t = Date.UTC(1998, 0, 2); t <= Date.UTC(2021, 2, 31); t += 86_400_000) {
        const date = new Date(t).toISOString().slice(0, 10);
        if (isTradingDay(date) && !dates.has(date)) missing.push(date);
        if (!isTradingDay(date) && dates.has(date)) extra.push(date);
      }
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      expect(dates.size).toBe(5849);
    });
  },
);
