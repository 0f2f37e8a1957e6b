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

/** Where the bundled reference script is served (by the reference plugin, from node_modules). */
export const REFERENCE_SCRIPT = '/docs/reference/js/scalar.js';

/**
 * The reference's settings: the gateway's own document, and nothing fetched from elsewhere (no
 * web fonts, no telemetry, no request proxy: "try it" requests go straight to the gateway).
 */
export const REFERENCE_CONFIGURATION = {
  url: '/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
} as const;

/**
 * The `/docs` page: how to authenticate, an example that runs as shown against `baseUrl`, then
 * the interactive reference of `/openapi.json` (every operation with its parameters, bodies and
 * answers), rendered by the bundled script the gateway serves itself.
 */
export function docsPage(baseUrl: string = DEFAULT_BASE_URL): string {
  // JSON of plain constants: nothing in it can close the script element.
  const configuration = JSON.stringify(REFERENCE_CONFIGURATION);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>riskgate API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
header{font:15px/1.5 system-ui,sans-serif;margin:1rem auto;max-width:72rem;padding:0 1rem;color:#222}
header code{background:#f4f4f4;padding:0 .2rem}header pre{background:#f4f4f4;padding:1rem;overflow:auto}
</style></head><body>
<header>
<h1>riskgate gateway API</h1>
<p>An Alpaca-compatible risk proxy. Send riskgate API keys in <code>APCA-API-KEY-ID</code> and
<code>APCA-API-SECRET-KEY</code>. Denials come back as <code>403 {"code": 40310000, "message": "riskgate: CODE …", "riskgate": {"violations": […]}}</code>,
malformed input as <code>422</code> with every field and what was expected. The machine-readable
description is at <a href="/openapi.json">/openapi.json</a>.</p>
<pre>curl -s -H "APCA-API-KEY-ID: $KEY" -H "APCA-API-SECRET-KEY: $SECRET" \\
  -H 'content-type: application/json' \\
  -d '{"symbol":"AAPL","qty":"10","side":"buy","type":"market","time_in_force":"day"}' \\
  ${escapeHtml(baseUrl)}/v1/orders/check</pre>
</header>
<div id="app"></div>
<script src="${REFERENCE_SCRIPT}"></script>
<script>Scalar.createApiReference('#app', ${configuration})</script>
</body></html>`;
}
