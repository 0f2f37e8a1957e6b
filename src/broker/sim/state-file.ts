import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseVenueSnapshot, type VenueSnapshot } from './venue-snapshot.ts';

/** A state file of the simulated exchange could not be read or written. */
export class SimStateError extends Error {
  readonly code: 'SIM_STATE_UNREADABLE' | 'SIM_STATE_UNWRITABLE';

  constructor(code: SimStateError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimStateError';
    this.code = code;
  }
}

/** How long changes gather before they are written together, in ms. */
const DEFAULT_SAVE_DELAY_MS = 50;

/**
 * Reads a saved state; undefined when there is no file. A file that is not valid JSON or not a
 * saved state throws `SIM_STATE_UNREADABLE` naming the file and the problem: starting with an
 * empty account over a damaged one would lose positions silently.
 */
export function readSimState(path: string): VenueSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SimStateError('SIM_STATE_UNREADABLE', `${path} is not readable JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const parsed = parseVenueSnapshot(value);
  if (!parsed.ok) {
    throw new SimStateError(
      'SIM_STATE_UNREADABLE',
      `${path} is not a saved state of the simulated exchange (${parsed.problem}); move it away to start with a fresh account`,
    );
  }
  return parsed.snapshot;
}

/**
 * Replaces a file durably: the text goes to a temporary file that is flushed to disk, then
 * renamed over the old one, and the directory is flushed, so a crash leaves the old file or the
 * new one, never half of either.
 */
export function writeFileDurably(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  let dir: number | undefined;
  try {
    dir = openSync(dirname(path), 'r');
    fsyncSync(dir);
  } catch {
    // Some file systems refuse to flush a directory; the rename itself is still atomic.
  } finally {
    if (dir !== undefined) closeSync(dir);
  }
}

/**
 * Keeps a simulated exchange's state in a file: changes are gathered for a few milliseconds and
 * written together, durably; {@link flush} writes at once (at start and on close).
 */
export class SimStateFile {
  readonly path: string;
  readonly #take: () => VenueSnapshot;
  readonly #onError: (error: SimStateError) => void;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    path: string,
    take: () => VenueSnapshot,
    options: { onError?: (error: SimStateError) => void; delayMs?: number } = {},
  ) {
    this.path = path;
    this.#take = take;
    this.#onError = options.onError ?? (() => {});
    this.#delayMs = options.delayMs ?? DEFAULT_SAVE_DELAY_MS;
  }

  /** Notes a change: the state is written shortly, together with any change that follows. */
  schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#write();
    }, this.#delayMs);
  }

  /** Writes the state now; returns the error when it could not be written. */
  flush(): SimStateError | undefined {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.#write();
  }

  #write(): SimStateError | undefined {
    try {
      writeFileDurably(this.path, `${JSON.stringify(this.#take())}\n`);
      return undefined;
    } catch (error) {
      const failure = new SimStateError(
        'SIM_STATE_UNWRITABLE',
        `cannot write ${this.path}: ${String(error)}`,
        {
          cause: error,
        },
      );
      // The next change tries again, and it writes the whole state, this change included.
      this.#onError(failure);
      return failure;
    }
  }
}
