import { z } from 'zod';
import type { FieldIssue } from './wire-object.ts';

/** The fields of a login body; the OpenAPI document lists the same. */
export const LOGIN_FIELDS = ['keyId', 'secret'] as const;

/** The `POST /v1/session` body: this schema reads it and, through `z.toJSONSchema`, documents it. */
export const loginBody = z
  .strictObject({
    keyId: z.string().min(1).meta({ description: 'a riskgate API key id (rk_…)' }),
    secret: z.string().min(1).meta({ description: "the key's secret; never logged" }),
  })
  .meta({ example: { keyId: 'rk_3f9a1c2b', secret: '…' } });

const isObject = (body: unknown): body is Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body);

/**
 * Reads a login body with {@link loginBody}: the key id and secret of a riskgate API key, or
 * every problem with it. The value of a secret is never echoed back, only its type.
 */
export function parseLoginRequest(body: unknown): { keyId: string; secret: string } | FieldIssue[] {
  if (!isObject(body))
    return [{ field: '(body)', expected: 'a JSON object {"keyId": "rk_…", "secret": "…"}' }];
  const parsed = loginBody.safeParse(body);
  if (parsed.success) return parsed.data;
  const wrong = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
  const issues: FieldIssue[] = [];
  for (const field of LOGIN_FIELDS) {
    if (!wrong.has(field)) continue;
    const v = body[field];
    issues.push(
      v === undefined
        ? { field, expected: `the API key's ${field === 'keyId' ? 'id' : 'secret'}` }
        : {
            field,
            problem: `got ${typeof v === 'string' ? 'an empty string' : typeof v}`,
            expected: 'a non-empty string',
          },
    );
  }
  for (const field of Object.keys(body)) {
    if (!(LOGIN_FIELDS as readonly string[]).includes(field))
      issues.push({ field, problem: 'unknown field', expected: 'only keyId and secret' });
  }
  return issues;
}
