import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJournalLine, encodeJournalLine, JournalWriteError, LocalJournal } from './local-journal.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeThree(path: string): void {
  const { journal } = LocalJournal.open(path);
  journal.append('latch', { state: 'halted' }, 1);
  journal.append('latch-stored', { seq: 1 }, 2);
  journal.append('latch', { state: 'active' }, 3);
  journal.close();
}

describe('local journal', () => {
  it('reads back what it appended, in order, with increasing sequence numbers', () => {
    const path = join(dir, 'sub', 'journal.jsonl');
    writeThree(path);
    const { journal, contents } = LocalJournal.open(path);
    expect(contents.warnings).toEqual([]);
    expect(contents.entries.map((e) => [e.seq, e.type])).toEqual([
      [1, 'latch'],
      [2, 'latch-stored'],
      [3, 'latch'],
    ]);
    expect(journal.append('latch', { state: 'reducing' }).seq).toBe(4);
    journal.close();
    // Every line is a JSON object of its own.
    for (const line of readFileSync(path, 'utf8').trimEnd().split('\n'))
      expect(JSON.parse(line)).toHaveProperty('crc');
  });

  it('ignores a torn last line with a warning, keeps the earlier lines and appends after them', () => {
    const path = join(dir, 'journal.jsonl');
    writeThree(path);
    const torn = encodeJournalLine({ seq: 4, at: 4, type: 'latch', data: { state: 'halted' } }).slice(0, 25);
    appendFileSync(path, torn);
    const { journal, contents } = LocalJournal.open(path);
    expect(contents.entries).toHaveLength(3);
    expect(contents.warnings).toHaveLength(1);
    expect(contents.warnings[0]).toMatch(/line 4: torn/);
    expect(contents.truncatedBytes).toBe(Buffer.byteLength(torn));
    // The damaged bytes are kept aside, not lost.
    expect(readdirSync(dir).some((f) => f.startsWith('journal.jsonl.torn-'))).toBe(true);
    journal.append('latch', { state: 'reducing' }, 5);
    journal.close();
    const again = LocalJournal.open(path);
    expect(again.contents.warnings).toEqual([]);
    expect(again.contents.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    again.journal.close();
  });

  it('ignores a complete last line whose checksum does not match', () => {
    const path = join(dir, 'journal.jsonl');
    writeThree(path);
    const line = encodeJournalLine({ seq: 4, at: 4, type: 'latch', data: { state: 'halted' } });
    appendFileSync(path, line.replace('halted', 'active'));
    const { journal, contents } = LocalJournal.open(path);
    expect(contents.entries).toHaveLength(3);
    expect(contents.warnings[0]).toMatch(/checksum mismatch/);
    journal.close();
  });

  it('skips a corrupt line in the middle with a warning and keeps the lines around it', () => {
    const path = join(dir, 'journal.jsonl');
    writeThree(path);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = '{"seq":2,"garbage":true}';
    writeFileSync(path, lines.join('\n'));
    const { journal, contents } = LocalJournal.open(path);
    expect(contents.entries.map((e) => e.seq)).toEqual([1, 3]);
    expect(contents.warnings).toHaveLength(1);
    expect(contents.truncatedBytes).toBe(0);
    journal.close();
  });

  it('decodes only lines it encoded', () => {
    const entry = { seq: 9, at: 10, type: 'exit-intent', data: { symbol: 'AAPL', qty: 5 } };
    expect(decodeJournalLine(encodeJournalLine(entry).trimEnd())).toEqual(entry);
    expect(decodeJournalLine('{"seq":9}')).toMatch(/no checksum/);
  });

  it('fails an append on a closed journal with JOURNAL_UNWRITABLE', () => {
    const { journal } = LocalJournal.open(join(dir, 'journal.jsonl'));
    journal.close();
    expect(() => journal.append('latch', {})).toThrow(JournalWriteError);
  });
});
