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

/** What one pass over the text found: too deep, or text the tree walk must look at. */
const CLEAN = 0;
const TOO_DEEP = 1;
const SUSPECT = 2;

/**
 * One pass over the text: {@link TOO_DEEP} when nested deeper than `maxDepth`, else
 * {@link SUSPECT} when a string may hold what {@link checkText} refuses, else {@link CLEAN}. Raw
 * C0 controls cannot reach a parsed string (JSON refuses them unescaped) nor can lone surrogates
 * (the UTF-8 decoder is fatal), so only an escape (`\`), a raw DEL or C1 control, or a
 * `__proto__` key can make the walk find anything.
 */
function scan(text: string, maxDepth: number): number {
  let depth = 0;
  let inString = false;
  let suspect = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        suspect = true;
        i++; // backslash: skip the escaped character
      } else if (c === 0x22) inString = false;
      else if (c >= 0x7f && c <= 0x9f) suspect = true;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return TOO_DEEP;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return suspect || text.includes('__proto__') ? SUSPECT : CLEAN;
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
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return new UnreadableBody(400, [
      { field: '(body)', problem: 'not valid UTF-8', expected: expectedBody(contentType) },
    ]);
  }
  if (BLANK.test(text)) return undefined;
  const found = scan(text, maxDepth);
  if (found === TOO_DEEP) {
    return new UnreadableBody(400, [
      {
        field: '(body)',
        problem: `nested deeper than ${maxDepth} levels`,
        expected: expectedBody(contentType),
      },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return new UnreadableBody(400, [
      {
        field: '(body)',
        problem: `not JSON (${(error as Error).message})`,
        expected: expectedBody(contentType),
      },
    ]);
  }
  if (found === CLEAN) return value;
  const issues: FieldIssue[] = [];
  checkText(value, '', issues);
  return issues.length > 0 ? new UnreadableBody(422, issues) : value;
}

/** What an unreadable body should have been, naming the declared content type. */
function expectedBody(contentType: string | undefined): string {
  const declared = contentType === undefined || contentType === '' ? 'none' : describeValue(contentType);
  return `a JSON body in UTF-8 (read as JSON whatever the content type says; it said ${declared})`;
}
