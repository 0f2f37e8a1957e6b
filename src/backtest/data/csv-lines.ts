import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** The first line of a file (its CSV header), or undefined for an empty file. */
export async function readHeader(file: string): Promise<string | undefined> {
  for await (const { line } of readLines(file)) return line;
  return undefined;
}
