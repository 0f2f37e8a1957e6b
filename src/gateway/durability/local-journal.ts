import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

/** One record of the journal, as appended and as read back. */
export interface JournalEntry<Data = unknown> {
  /** Position in the journal: 1, 2, 3… in append order, never reused. */
  readonly seq: number;
  /** Epoch ms when it was appended. */
  readonly at: number;
  readonly type: string;
  readonly data: Data;
}

/** What opening a journal found: its intact entries and what was wrong with the rest. */
export interface JournalContents {
  readonly entries: readonly JournalEntry[];
  /** One message per line that was ignored (torn, bad checksum, not JSON). */
  readonly warnings: readonly string[];
  /** Bytes cut off the end because the last line(s) were torn or corrupt; kept aside in `<path>.torn-<time>`. */
  readonly truncatedBytes: number;
}

/** The journal could not be written (disk full, read-only, removed); the caller decides what that means. */
export class JournalWriteError extends Error {
  readonly code = 'JOURNAL_UNWRITABLE' as const;

  constructor(path: string, cause: unknown) {
    super(`JOURNAL_UNWRITABLE: could not append to ${path}: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'JournalWriteError';
  }
}

const CRC_SUFFIX = /,"crc":"([0-9a-f]{8})"\}$/;

/** Serialises an entry as one line: the JSON object with a CRC-32 of the rest of it in `crc`. */
export function encodeJournalLine(entry: JournalEntry): string {
  const body = JSON.stringify({ seq: entry.seq, at: entry.at, type: entry.type, data: entry.data });
  const crc = crc32(body).toString(16).padStart(8, '0');
  return `${body.slice(0, -1)},"crc":"${crc}"}\n`;
}

/** Parses one line (without its newline); a string says why it is not a valid entry. */
export function decodeJournalLine(line: string): JournalEntry | string {
  const match = CRC_SUFFIX.exec(line);
  if (match === null) return 'no checksum (torn or not written by riskgate)';
  const body = `${line.slice(0, match.index)}}`;
  const crc = crc32(body).toString(16).padStart(8, '0');
  if (crc !== match[1]) return `checksum mismatch (stored ${match[1]}, computed ${crc})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const e = parsed as Partial<JournalEntry>;
  if (typeof e.seq !== 'number' || typeof e.at !== 'number' || typeof e.type !== 'string')
    return 'missing seq, at or type';
  return { seq: e.seq, at: e.at, type: e.type, data: e.data };
}

/**
 * An append-only local journal: one JSON object per line, each with a CRC-32, written with
 * `fsync` before {@link LocalJournal.append} returns, so an appended entry survives a crash or
 * a power cut. It is the gateway's second durable record, beside the store, and works when
 * the store does not. Opening it tolerates a torn or corrupt tail (a crash in the middle of a
 * write): those bytes are moved aside with a warning and every earlier line is kept.
 */
export class LocalJournal {
  readonly path: string;
  #fd: number | undefined;
  #nextSeq: number;

  private constructor(path: string, fd: number, nextSeq: number) {
    this.path = path;
    this.#fd = fd;
    this.#nextSeq = nextSeq;
  }

  /** Opens (creating it and its directory if needed) and reads the journal at `path`. */
  static open(
    path: string,
    now: () => number = Date.now,
  ): { journal: LocalJournal; contents: JournalContents } {
    mkdirSync(dirname(path), { recursive: true });
    const created = !existsSync(path);
    const contents = created ? { entries: [], warnings: [], truncatedBytes: 0 } : readAndRepair(path, now);
    const fd = openSync(path, 'a');
    if (created) {
      fsyncSync(fd);
      fsyncDirectory(dirname(path));
    }
    const last = contents.entries.at(-1);
    return { journal: new LocalJournal(path, fd, (last?.seq ?? 0) + 1), contents };
  }

  /**
   * Appends an entry and fsyncs it; returns the entry. Throws {@link JournalWriteError} when
   * it cannot be written; the journal stays usable for later attempts.
   */
  append<Data>(type: string, data: Data, at: number = Date.now()): JournalEntry<Data> {
    const fd = this.#fd;
    if (fd === undefined) throw new JournalWriteError(this.path, new Error('the journal is closed'));
    const entry = { seq: this.#nextSeq, at, type, data };
    const line = Buffer.from(encodeJournalLine(entry), 'utf8');
    try {
      let written = 0;
      while (written < line.length) written += writeSync(fd, line, written);
      fsyncSync(fd);
    } catch (error) {
      throw new JournalWriteError(this.path, error);
    }
    this.#nextSeq += 1;
    return entry;
  }

  /** Closes the file; later appends fail. */
  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/**
 * Reads every line; the run of invalid lines at the end (a torn write) is cut off and kept
 * aside, an invalid line in the middle is skipped with a warning.
 */
function readAndRepair(path: string, now: () => number): JournalContents {
  const bytes = readFileSync(path);
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  // A file that ends with a newline splits into a last empty piece; anything else there is torn.
  const entries: JournalEntry[] = [];
  const warnings: string[] = [];
  let lastGoodEnd = 0;
  let offset = 0;
  let pendingWarnings: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const complete = i < lines.length - 1;
    const length = Buffer.byteLength(line, 'utf8') + (complete ? 1 : 0);
    if (line !== '') {
      const decoded = complete ? decodeJournalLine(line) : 'torn: no newline at the end';
      if (typeof decoded === 'string') {
        pendingWarnings.push(`${path} line ${i + 1}: ${decoded}; ignored`);
      } else {
        warnings.push(...pendingWarnings);
        pendingWarnings = [];
        entries.push(decoded);
        lastGoodEnd = offset + length;
      }
    } else if (complete && pendingWarnings.length === 0) {
      lastGoodEnd = offset + length;
    }
    offset += length;
  }
  let truncatedBytes = 0;
  if (pendingWarnings.length > 0 || lastGoodEnd < bytes.length) {
    warnings.push(...pendingWarnings);
    truncatedBytes = bytes.length - lastGoodEnd;
    // Later appends must start on a line of their own: the damaged tail is moved aside.
    writeFileSync(`${path}.torn-${now()}`, bytes.subarray(lastGoodEnd));
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, lastGoodEnd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return { entries, warnings, truncatedBytes };
}

function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the file itself is synced.
  }
}
