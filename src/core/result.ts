/** One problem found while validating input: where, what, and what was expected. */
export interface Issue {
  /** Dotted path of the offending field, e.g. `profiles.paper.exposure.symbol.percent`. */
  readonly path: string;
  readonly message: string;
}

/** Outcome of parsing untrusted input: a value, or every problem found. Never throws. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly Issue[] };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T>(issues: readonly Issue[]): Parsed<T> {
  return { ok: false, issues };
}

/** Formats issues as one line each: `path: message`. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n');
}

/** Thrown by callers that prefer exceptions; carries every issue. */
export class ValidationError extends Error {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly issues: readonly Issue[];

  constructor(what: string, issues: readonly Issue[]) {
    super(`${what} is invalid:\n${formatIssues(issues)}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}
