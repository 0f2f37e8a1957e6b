import { describe, expect, it } from 'vitest';
import { readSourceRecords } from './index-source-format.ts';

describe('index source responses', () => {
  it('reads CSV with a header in any column order, skipping blank lines and comments', () => {
    const csv =
      '# from the vendor\ntime,name,value\r\n\n2026-12-07T14:30:00Z,VIX,31.2\n1796606400000, VVIX ,88\n';
    expect(readSourceRecords(csv, 'text/csv')).toEqual({
      ok: true,
      records: [
        { time: '2026-12-07T14:30:00Z', name: 'VIX', value: '31.2' },
        { time: 1796606400000, name: 'VVIX', value: '88' },
      ],
    });
  });

  it('reads headerless CSV as name,value,time', () => {
    expect(readSourceRecords('VIX,31.2,2026-12-07T14:30:00Z', 'text/plain')).toEqual({
      ok: true,
      records: [{ name: 'VIX', value: '31.2', time: '2026-12-07T14:30:00Z' }],
    });
  });

  it('reads JSON as {"readings": [...]} or a bare array, whatever the content type says', () => {
    const reading = { name: 'VIX', value: 31.2, time: '2026-12-07T14:30:00Z' };
    expect(readSourceRecords(JSON.stringify({ readings: [reading] }), 'application/json')).toEqual({
      ok: true,
      records: [reading],
    });
    expect(readSourceRecords(JSON.stringify([reading]), 'text/plain')).toEqual({
      ok: true,
      records: [reading],
    });
  });

  it('says what is wrong with a response it cannot read', () => {
    expect(readSourceRecords('VIX,31.2', 'text/csv')).toEqual({
      ok: false,
      problem: 'CSV line 1: got 2 fields; expected 3 (name,value,time)',
    });
    expect(readSourceRecords('name,level,time\nVIX,1,2', 'text/csv')).toMatchObject({ ok: false });
    expect(readSourceRecords('{"data": []}', 'application/json')).toEqual({
      ok: false,
      problem: 'JSON without a "readings" array',
    });
    expect(readSourceRecords('{', 'application/json')).toMatchObject({ ok: false });
  });
});
