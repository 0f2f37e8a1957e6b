import { describe, expect, it } from 'vitest';
import { formatCsvField, parseCsv } from './csv.ts';

describe('CSV tables', () => {
  it('skips comments and blank lines, accepts CRLF and keeps line numbers', () => {
    const table = parseCsv('# units: years\r\ntype,S\r\n\r\ncall,"1,5"\r\nput,2\r\n');
    expect(table).toEqual({
      ok: true,
      header: ['type', 'S'],
      records: [
        { line: 4, fields: ['call', '1,5'] },
        { line: 5, fields: ['put', '2'] },
      ],
    });
  });

  it('reports a record whose field count differs from the header', () => {
    expect(parseCsv('a,b\n1,2\n3\n')).toEqual({
      ok: false,
      line: 3,
      message: 'expected 2 fields as in the header, found 1',
    });
    expect(parseCsv('# only a comment\n')).toMatchObject({ ok: false, message: 'no header line' });
  });

  it('quotes only the fields that need it', () => {
    expect(formatCsvField('plain')).toBe('plain');
    expect(formatCsvField('a, b')).toBe('"a, b"');
    expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
  });
});
