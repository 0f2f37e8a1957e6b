import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_ASSETS } from '../../src/gateway/openapi/docs-routes.ts';
import { type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => rig?.close());

const get = (path: string) => fetch(`${rig.gateway.url}${path}`);

describe('the interactive reference on /docs', () => {
  it('is a page that loads only its own scripts and style, under a Content-Security-Policy', async () => {
    const response = await get('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'self';/);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<script src="/docs/assets/swagger-ui-bundle.js"></script>');
    expect(html).toContain('<script src="/docs/assets/docs.js"></script>');
    expect(html).toContain('href="/docs/assets/swagger-ui.css"');
    // Nothing from another origin, and no inline script for the policy to block.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
  });

  it('serves each asset with its content type, the viewer straight from its npm package', async () => {
    expect(DOCS_ASSETS).toEqual([
      'swagger-ui-bundle.js',
      'swagger-ui.css',
      'favicon-32x32.png',
      'docs.js',
      'docs.css',
    ]);
    for (const name of DOCS_ASSETS) {
      const response = await get(`/docs/assets/${name}`);
      expect(response.status, name).toBe(200);
      const type = name.endsWith('.png')
        ? 'image/png'
        : name.endsWith('.css')
          ? 'text/css; charset=utf-8'
          : 'text/javascript; charset=utf-8';
      expect(response.headers.get('content-type'), name).toBe(type);
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect((await response.arrayBuffer()).byteLength, name).toBeGreaterThan(100);
    }
    const bundle = await (await get('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toBe(readFileSync('node_modules/swagger-ui-dist/swagger-ui-bundle.js', 'utf8'));
    // The page's own script reads the document from this gateway, and asks no outside validator.
    const init = await (await get('/docs/assets/docs.js')).text();
    expect(init).toContain("url: '/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  it('answers 404 naming the served files for any other name, reading no other file', async () => {
    for (const name of ['index.html', 'package.json', '..%2Fpackage.json', 'swagger-ui-bundle.js.map']) {
      const response = await get(`/docs/assets/${name}`);
      expect(response.status, name).toBe(404);
      const body = (await response.json()) as { message: string };
      expect(body.message, name).toContain('swagger-ui-bundle.js');
    }
  });

  it('keeps the plain table at /docs/reference, linked from the page', async () => {
    const html = await (await get('/docs')).text();
    expect(html).toContain('href="/docs/reference"');
    const table = await get('/docs/reference');
    expect(table.status).toBe(200);
    expect(table.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await table.text()).toContain('id="submitOrder"');
  });
});
