import type { FieldIssue } from './wire-object.ts';
import { describeValue, textProblem } from './wire-values.ts';

/** Deepest nesting of objects and arrays accepted in a request body. */
export const MAX_BODY_DEPTH = 32;

/** Most issues reported for one body: enough to fix it, bounded for a hostile one. */
const MAX_ISSUES = 10;

/** A body that could not be read, with the status to answer (400 unreadable, 422 bad text). */
export class UnreadableBody {
  readonly status: 400 | 422;
  readonly issues: readonly FieldIssue[];
  constructor(status: 400 | 422, issues: readonly FieldIssue[]) {
    this.status = status;
    this.issues = issues;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const BLANK = /^[ \t\r\n]*$/;

function tooDeep(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function checkText(value: unknown, path: string, issues: FieldIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (typeof value === 'string') {
    const problem = textProblem(value, true);
    if (problem !== undefined) {
      issues.push({ field: path || '(body)', problem, expected: 'text without control characters' });
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      checkText(value[i], path === '' ? String(i) : `${path}.${i}`, issues);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      const problem = key === '__proto__' ? 'a reserved name' : textProblem(key, false);
      if (problem !== undefined) {
        issues.push({
          field: `${path === '' ? '' : `${path}.`}${describeValue(key)}`,
          problem: `field name ${problem}`,
          expected: 'field names without control characters',
        });
      }
      checkText(item, at, issues);
    }
  }
}

/**
 * Reads a request body as JSON whatever its declared content type: blank is no body (undefined);
 * otherwise it must be UTF-8 JSON nested at most `maxDepth` deep, whose text holds no control
 * characters (line breaks aside) and no unpaired surrogates. Anything else is an
 * {@link UnreadableBody} naming the problem. Never throws.
 */
export function readJsonBody(
  bytes: Uint8Array,
  contentType: string | undefined,
  maxDepth = MAX_BODY_DEPTH,
): unknown {
  const declared = contentType === undefined || contentType === '' ? 'none' : describeValue(contentType);
  const expected = `a JSON body in UTF-8 (read as JSON whatever the content type says; it said ${declared})`;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return new UnreadableBody(400, [{ field: '(body)', problem: 'not valid UTF-8', expected }]);
  }
  if (BLANK.test(text)) return undefined;
  if (tooDeep(text, maxDepth)) {
    return new UnreadableBody(400, [
      { field: '(body)', problem: `nested deeper than ${maxDepth} levels`, expected },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new UnreadableBody(400, [
      { field: '(body)', problem: `not JSON (${(error as Error).message})`, expected },
    ]);
  }
  const issues: FieldIssue[] = [];
  checkText(value, '', issues);
  return issues.length > 0 ? new UnreadableBody(422, issues) : value;
}
