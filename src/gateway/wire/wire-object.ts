import { z } from 'zod';
import { describeValue, type JsonSchema, type WireReader } from './wire-values.ts';

/** One problem with a request: the wire field, what was wrong with it, and what was expected. */
export interface FieldIssue {
  readonly field: string;
  /** What came instead (`got "0x10"`, `unknown field`); absent when the field was missing. */
  readonly problem?: string;
  readonly expected: string;
}

/** A request body read into its typed form, or every problem with it. */
export type WireRead<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

/** What the API description says of a field besides the values its reader accepts. */
export interface FieldDoc {
  readonly description?: string;
  readonly example?: unknown;
}

/**
 * A field of a zod object read by a strict wire reader. Its JSON Schema (what `z.toJSONSchema`
 * gives for the API description) is the reader's `accepts` with `doc`; a required field is one
 * the schema lists as required, since it is not `.optional()`.
 */
function bridge<T>(read: WireReader<T>, required: string | undefined) {
  const field = required === undefined ? z.unknown().optional() : z.unknown();
  return field.transform((value, ctx): T | undefined => {
    if (value === undefined || value === null) {
      if (required === undefined) return undefined;
      ctx.issues.push({ code: 'custom', message: required, input: value, params: { problem: 'missing' } });
      return z.NEVER;
    }
    const r = read(value);
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', message: r.expected, input: value, params: { problem: r.problem } });
    return z.NEVER;
  });
}

function documented<S extends z.ZodType>(schema: S, accepts: JsonSchema, doc: FieldDoc): S {
  return schema.meta({ ...accepts, ...doc });
}

/** An optional field read by a strict wire reader; `null` counts as absent, as at the broker. */
export function optionalField<T>(read: WireReader<T>, doc: FieldDoc = {}) {
  return documented(bridge(read, undefined), read.accepts, doc);
}

/** A required field read by a strict wire reader; `expected` says what a missing one should hold. */
export function requiredField<T>(read: WireReader<T>, expected: string, doc: FieldDoc = {}) {
  return documented(
    bridge(read, expected).transform((v) => v as T),
    read.accepts,
    doc,
  );
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map(String).join('.');
}

/**
 * Reads a body with a zod object schema whose fields come from {@link optionalField} and
 * {@link requiredField}; wrong shapes, unknown fields and bad values become {@link FieldIssue}s
 * naming the wire field. `known` lists the accepted fields for the unknown-field message.
 */
export function readWireObject<S extends z.ZodType>(
  schema: S,
  body: unknown,
  known: readonly string[],
): WireRead<z.output<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues: FieldIssue[] = [];
  for (const issue of parsed.error.issues) {
    const field = fieldName(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({
          field: issue.path.length === 0 ? key : `${field}.${key}`,
          problem: 'unknown field',
          expected: `only ${known.join(', ')}`,
        });
      }
    } else if (issue.code === 'invalid_type') {
      issues.push({ field, problem: `got ${describeValue(issue.input)}`, expected: 'a JSON object' });
    } else {
      const problem = issue.code === 'custom' ? (issue.params?.problem as string | undefined) : undefined;
      issues.push({ field, ...(problem !== undefined ? { problem } : {}), expected: issue.message });
    }
  }
  return { ok: false, issues };
}
