/** The raw records of a source response, before validation, or why it could not be read. */
export type SourceRecords =
  | { readonly ok: true; readonly records: readonly unknown[] }
  | { readonly ok: false; readonly problem: string };

const COLUMNS = ['name', 'value', 'time'] as const;

/**
 * Reads a source response: JSON (`{"readings": [...]}` or a bare array of `{name, value, time}`),
 * or CSV lines `name,value,time` with an optional header naming those columns in any order.
 * Blank lines and `#` comments are skipped; in CSV a time of only digits is epoch milliseconds.
 */
export function readSourceRecords(text: string, contentType: string): SourceRecords {
  const trimmed = text.trimStart();
  if (contentType.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
    }
    if (Array.isArray(parsed)) return { ok: true, records: parsed };
    const readings = (parsed as { readings?: unknown } | null)?.readings;
    if (Array.isArray(readings)) return { ok: true, records: readings };
    return { ok: false, problem: 'JSON without a "readings" array' };
  }
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter((l) => l.line !== '' && !l.line.startsWith('#'));
  let order: readonly string[] = COLUMNS;
  const first = lines[0];
  if (first !== undefined) {
    const cells = first.line.split(',').map((c) => c.trim().toLowerCase());
    if (cells.includes('name')) {
      if (cells.length !== 3 || !COLUMNS.every((c) => cells.includes(c)))
        return {
          ok: false,
          problem: `CSV header ${JSON.stringify(first.line)}: expected the columns name,value,time`,
        };
      order = cells;
      lines.shift();
    }
  }
  const records: Record<string, unknown>[] = [];
  for (const { line, number } of lines) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 3)
      return {
        ok: false,
        problem: `CSV line ${number}: got ${cells.length} fields; expected 3 (name,value,time)`,
      };
    const record: Record<string, unknown> = {};
    order.forEach((column, i) => {
      const cell = cells[i]!;
      record[column] = column === 'time' && /^\d+$/.test(cell) ? Number(cell) : cell;
    });
    records.push(record);
  }
  return { ok: true, records };
}
