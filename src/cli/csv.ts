/**
 * Minimal CSV reading and writing for command-line tools: comma-separated fields, double quotes
 * around fields that contain commas or quotes (`""` inside a quoted field is one quote), one
 * record per line. Lines starting with `#` are comments.
 */

/** Splits one CSV line into fields, or returns a message if a quoted field is not closed properly. */
export function splitCsvLine(line: string): string[] | { readonly error: string } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close === -1) return { error: `unterminated quoted field starting at column ${i}` };
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      if (i < line.length && line[i] !== ',') {
        return { error: `unexpected character after a quoted field at column ${i + 1}` };
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      fields.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return fields;
    i++; // skip the comma
  }
}

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
    if (!Array.isArray(fields)) return { ok: false, line: index + 1, message: fields.error };
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
