/**
 * CSV tables for command-line tools: a header line and records with their line numbers, on top
 * of the core's `splitCsvLine` (double-quoted fields, `""` for a quote inside one). Blank lines
 * and lines starting with `#` are skipped; CRLF and LF line ends are both accepted.
 */
import { splitCsvLine } from '../core/config/load-profile.ts';

/** Quotes a field if it contains a comma, a quote or a line break. */
export function formatCsvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One data line of a CSV text: its 1-based line number and its fields. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/** A CSV text split into its header and data records, or the first malformed line. */
export type CsvTable =
  | { readonly ok: true; readonly header: readonly string[]; readonly records: readonly CsvRecord[] }
  | { readonly ok: false; readonly line: number; readonly message: string };

/**
 * Splits a CSV text: skips blank lines and `#` comments, takes the first remaining line as the
 * header, and checks that every record has as many fields as the header.
 */
export function parseCsv(text: string): CsvTable {
  let header: string[] | undefined;
  const records: CsvRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const fields = splitCsvLine(raw);
    if (header === undefined) {
      header = fields.map((f) => f.trim());
      continue;
    }
    if (fields.length !== header.length) {
      return {
        ok: false,
        line: index + 1,
        message: `expected ${header.length} fields as in the header, found ${fields.length}`,
      };
    }
    records.push({ line: index + 1, fields });
  }
  if (header === undefined) return { ok: false, line: 1, message: 'no header line' };
  return { ok: true, header, records };
}
