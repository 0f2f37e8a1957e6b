/** Why a data file could not be used. */
export type DataErrorCode =
  | 'DATA_READ_FAILED'
  | 'DATA_UNKNOWN_FORMAT'
  | 'DATA_BAD_ROW'
  | 'DATA_UNSORTED'
  | 'DATA_DUPLICATE_SYMBOL'
  | 'DATA_EMPTY';

/**
 * A data file problem, with the file, the 1-based line (0 when it concerns the whole file)
 * and the reason. The message reads `file:line: reason`, like a compiler error.
 */
export class DataError extends Error {
  readonly code: DataErrorCode;
  readonly file: string;
  readonly line: number;
  readonly reason: string;

  constructor(code: DataErrorCode, file: string, line: number, reason: string, options?: { cause?: unknown }) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${reason}`, options);
    this.name = 'DataError';
    this.code = code;
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}
