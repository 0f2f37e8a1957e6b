import type { Schema } from './openapi-bodies.ts';
import { OPERATIONS, type Operation } from './openapi-document.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The address the example is written for when the request's is not a plain host and port. */
const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/**
 * The base URL for the example: the address the page was asked for when it is a plain
 * `http(s)://host[:port]` (so the example can be pasted into a shell as it is), else the default.
 */
export function exampleBaseUrl(protocol: string, host: string | undefined): string {
  const plain = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
  if ((protocol !== 'http' && protocol !== 'https') || host === undefined || !plain.test(host)) {
    return DEFAULT_BASE_URL;
  }
  return `${protocol}://${host}`;
}

/** Names of a body schema's fields, with `*` on the required ones (one level: the reference is a map). */
function bodyFields(schema: Schema | undefined): string {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  if (properties === undefined) return '';
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.keys(properties)
    .map((name) => `<code>${escapeHtml(name)}${required.has(name) ? '*' : ''}</code>`)
    .join(' ');
}

function queryFields(op: Operation): string {
  return (op.query ?? [])
    .map(
      (q) =>
        `<code title="${escapeHtml(q.description)}">${escapeHtml(q.name)}${q.required ? '*' : ''}</code>`,
    )
    .join(' ');
}

/**
 * The `/docs/reference` page, self-contained (no script, no CDN): how to authenticate, an example that runs
 * as shown against `baseUrl`, then every operation of the generated document with who may call
 * it, its query parameters and body fields (`*`: required). The full schemas, answers and
 * examples are in `/openapi.json`, which `/docs` shows interactively.
 */
export function docsPage(baseUrl: string = DEFAULT_BASE_URL): string {
  const rows = OPERATIONS.map(
    (op) =>
      `<tr id="${escapeHtml(op.operationId)}"><td>${escapeHtml(op.tag)}</td><td class="m">${op.method.toUpperCase()}</td><td><code>${escapeHtml(op.path)}</code></td><td>${escapeHtml(op.role)}</td><td>${escapeHtml(op.summary)}</td><td>${queryFields(op)}</td><td>${bodyFields(op.body)}</td></tr>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskgate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.m{font-weight:600}code{background:#f4f4f4;padding:0 .2rem}pre{background:#f4f4f4;padding:1rem;overflow:auto}
</style></head><body>
<h1>riskgate gateway API</h1>
<p>An Alpaca-compatible risk proxy. Send riskgate API keys in <code>APCA-API-KEY-ID</code> and
<code>APCA-API-SECRET-KEY</code>. Denials come back as <code>403 {"code": 40310000, "message": "riskgate: CODE …", "riskgate": {"violations": […]}}</code>,
malformed input as <code>422</code> with every field and what was expected. The OpenAPI 3.1
description, with every parameter, body, answer schema and example, is at
<a href="/openapi.json">/openapi.json</a>; <a href="/docs">/docs</a> shows it interactively, with Try it out.</p>
<pre>curl -s -H "APCA-API-KEY-ID: $KEY" -H "APCA-API-SECRET-KEY: $SECRET" \\
  -H 'content-type: application/json' \\
  -d '{"symbol":"AAPL","qty":"10","side":"buy","type":"market","time_in_force":"day"}' \\
  ${escapeHtml(baseUrl)}/v1/orders/check</pre>
<table><thead><tr><th>group</th><th>method</th><th>path</th><th>role</th><th>what</th><th>query</th><th>body</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>`;
}
