import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { DataError } from './data-error.ts';

/**
 * Streams a text file line by line (never holding the whole file in one string), yielding
 * each line with its 1-based number. `\r\n` line ends are accepted. A read failure becomes a
 * {@link DataError} with code `DATA_READ_FAILED`.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: string; number: number }> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      yield { line, number };
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('DATA_READ_FAILED', file, number, `cannot read: ${reason}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Calls `fn` with each line of a text file and its 1-based number, reading 1 MiB chunks and
 * cutting lines out of each chunk synchronously (no promise or object per line). Line ends are
 * those of `readline` with `crlfDelay: Infinity`: `\n`, `\r\n` and a lone `\r`; a last line
 * without an end is still a line. A read failure becomes a {@link DataError}
 * (`DATA_READ_FAILED`); what `fn` throws passes through unchanged.
 */
export async function forEachLine(
  file: string,
  fn: (line: string, number: number) => void,
  chunkBytes = 1 << 20,
): Promise<void> {
  let number = 0;
  let carry = '';
  let skipLf = false;
  let reading = true;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const size = (await handle.stat()).size;
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(chunkBytes, size + 1)));
    const decoder = new StringDecoder('utf8');
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = decoder.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      reading = false;
      const text = carry.length > 0 ? carry + chunk : chunk;
      let p = 0;
      if (skipLf && text.charCodeAt(0) === 10) p = 1;
      if (text.length > 0) skipLf = false;
      if (text.indexOf('\r', p) < 0) {
        for (let nl = text.indexOf('\n', p); nl >= 0; nl = text.indexOf('\n', p)) {
          fn(text.slice(p, nl), ++number);
          p = nl + 1;
        }
      } else {
        for (let i = p; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c !== 10 && c !== 13) continue;
          fn(text.slice(p, i), ++number);
          if (c === 13) {
            if (i + 1 === text.length) skipLf = true;
            else if (text.charCodeAt(i + 1) === 10) i++;
          }
          p = i + 1;
        }
      }
      carry = text.slice(p);
      reading = true;
    }
    carry += decoder.end();
    reading = false;
    if (carry.length > 0) fn(carry, ++number);
  } catch (error) {
    if (!reading) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('DATA_READ_FAILED', file, number, `cannot read: ${reason}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/** The first line of a file (its CSV header), or undefined for an empty file. */
export async function readHeader(file: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  let head: string;
  let whole: boolean;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.allocUnsafe(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = new StringDecoder('utf8').write(buffer.subarray(0, bytesRead));
    whole = bytesRead < buffer.length;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataError('DATA_READ_FAILED', file, 0, `cannot read: ${reason}`, { cause: error });
  } finally {
    await handle?.close();
  }
  const end = head.search(/[\r\n]/);
  if (end >= 0) return head.slice(0, end);
  if (whole) return head.length > 0 ? head : undefined;
  // A header longer than 64 KiB: read on line by line.
  for await (const { line } of readLines(file)) return line;
  return undefined;
}
