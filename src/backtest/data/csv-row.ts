import { splitCsvLine } from '../../core/config/load-profile.ts';

/** 10^k for k = 0..15, all exact doubles. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * One CSV row read in place, reused from row to row: the cells are offsets into the line, so a
 * row costs no array and a numeric cell no substring. A line with a double quote falls back to
 * {@link splitCsvLine} (quoted cells need unescaping).
 */
export class CsvRow {
  #line = '';
  #count = 0;
  #starts = new Int32Array(16);
  #ends = new Int32Array(16);
  #quoted: string[] | undefined;

  /** Points the row at a line. */
  set(line: string): void {
    this.#line = line;
    if (line.includes('"')) {
      this.#quoted = splitCsvLine(line);
      this.#count = this.#quoted.length;
      return;
    }
    this.#quoted = undefined;
    let n = 0;
    let start = 0;
    for (;;) {
      const comma = line.indexOf(',', start);
      if (n === this.#starts.length) this.#grow();
      this.#starts[n] = start;
      this.#ends[n] = comma < 0 ? line.length : comma;
      n++;
      if (comma < 0) break;
      start = comma + 1;
    }
    this.#count = n;
  }

  /** Cell `i` as written (undefined past the row's end), like `line.split(',')[i]`. */
  cell(i: number | undefined): string | undefined {
    if (i === undefined || i >= this.#count) return undefined;
    if (this.#quoted !== undefined) return this.#quoted[i];
    return this.#line.slice(this.#starts[i]!, this.#ends[i]!);
  }

  /** True when cell `i` is exactly `text` (compared in place, without a substring). */
  cellIs(i: number | undefined, text: string): boolean {
    if (i === undefined || i >= this.#count) return false;
    if (this.#quoted !== undefined) return this.#quoted[i] === text;
    const start = this.#starts[i]!;
    return this.#ends[i]! - start === text.length && this.#line.startsWith(text, start);
  }

  /**
   * Cell `i` as a number when it is a plain decimal (`-?digits[.digits]`, at most 15 digits),
   * read from the characters; NaN otherwise (empty, exponent, spaces, quoted, ...), for the
   * caller to fall back on `Number(cell)`. The result equals `Number(cell)`: a mantissa below
   * 2^53 divided by an exact power of ten is one correctly rounded operation.
   */
  number(i: number | undefined): number {
    if (i === undefined || i >= this.#count || this.#quoted !== undefined) return Number.NaN;
    const line = this.#line;
    let p = this.#starts[i]!;
    const end = this.#ends[i]!;
    const negative = p < end && line.charCodeAt(p) === 45;
    if (negative) p++;
    let mantissa = 0;
    let digits = 0;
    let decimals = 0;
    let dot = false;
    for (; p < end; p++) {
      const c = line.charCodeAt(p);
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        if (dot) decimals++;
      } else if (c === 46 && !dot) dot = true;
      else return Number.NaN;
    }
    if (digits === 0 || digits > 15) return Number.NaN;
    const value = decimals === 0 ? mantissa : mantissa / POW10[decimals]!;
    return negative ? -value : value;
  }

  #grow(): void {
    const starts = new Int32Array(this.#starts.length * 2);
    const ends = new Int32Array(this.#ends.length * 2);
    starts.set(this.#starts);
    ends.set(this.#ends);
    this.#starts = starts;
    this.#ends = ends;
  }
}
