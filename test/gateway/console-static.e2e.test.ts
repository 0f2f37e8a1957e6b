import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS, YAML_ENTRY } from '../../src/gateway/http/routes-console.ts';
import { eventually, type Rig, startRig } from './harness.ts';

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => rig.close());

const get = (path: string) => fetch(`${rig.gateway.url}${path}`);

describe('the console assets', () => {
  it('serves the page at / with a strict Content-Security-Policy and no key needed', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'self';/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/console/app.js"></script>');
    // Nothing from another origin, and nothing inline for the policy to block.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    expect(html).not.toMatch(/ style="/);
  });

  it('serves each module, style sheet and the chart library with its content type', async () => {
    expect(CONSOLE_ASSETS).toEqual(
      expect.arrayContaining(['app.js', 'style.css', 'uplot.esm.js', 'uplot.css']),
    );
    for (const name of CONSOLE_ASSETS) {
      const response = await get(`/console/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe(
        name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(response.headers.get('content-security-policy'), name).toMatch(/^default-src 'self';/);
      expect((await response.text()).length, name).toBeGreaterThan(100);
    }
    const uplot = await (await get('/console/uplot.esm.js')).text();
    expect(uplot).toBe(readFileSync('node_modules/uplot/dist/uPlot.esm.js', 'utf8'));
  });

  it('every module the page imports is served, and nothing it imports comes from elsewhere', async () => {
    for (const name of CONSOLE_ASSETS.filter((n) => n.endsWith('.js') && !n.startsWith('uplot'))) {
      const source = await (await get(`/console/${name}`)).text();
      for (const [, spec] of source.matchAll(/^import [^'"]*['"]([^'"]+)['"]/gm)) {
        // Its own modules, or the YAML library's entry point.
        if (spec === `./${YAML_ENTRY}`) continue;
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/[a-z.-]+\.js$/);
        expect(CONSOLE_ASSETS, `${name} imports ${spec}`).toContain(spec?.slice(2));
      }
    }
  });

  it('serves the YAML library from its package, each module under a flat name with only its imports renamed', async () => {
    expect(YAML_ENTRY).toBe('yaml.index.js');
    /** A module's source without its import specifiers: what must not change. */
    const body = (source: string) => source.replace(/(\bfrom|\bimport)\s*(['"])[^'"]*\2/g, '$1 ""');
    // Follows every import from the entry point: each is served as JavaScript under the CSP, by
    // a flat name on this origin, and is the package's module but for its import specifiers.
    const seen = new Map<string, string>();
    const queue: [string, string][] = [[YAML_ENTRY, 'index.js']];
    while (queue.length > 0) {
      const [name, relative] = queue.pop()!;
      if (seen.has(name)) continue;
      seen.set(name, relative);
      const response = await get(`/console/${name}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
      expect(response.headers.get('content-security-policy'), name).toMatch(/^default-src 'self';/);
      const source = await response.text();
      const original = readFileSync(`node_modules/yaml/browser/dist/${relative}`, 'utf8');
      expect(body(source), name).toBe(body(original));
      const served = [...source.matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map(
        (m) => m[1]!,
      );
      const packaged = [...original.matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map(
        (m) => m[1]!,
      );
      expect(served.length, name).toBe(packaged.length);
      served.forEach((spec, k) => {
        expect(spec, `${name} imports ${spec}`).toMatch(/^\.\/yaml\.[\w.-]+\.js$/);
        const target = posix.normalize(posix.join(posix.dirname(relative), packaged[k]!));
        expect(spec, `${name} imports ${packaged[k]}`).toBe(`./yaml.${target.replaceAll('/', '.')}`);
        queue.push([spec.slice(2), target]);
      });
    }
    expect(seen.size).toBeGreaterThan(20);
    for (const path of [
      '/console/yaml.nope.js',
      '/console/yaml.index.d.ts',
      '/console/yaml..package.json',
      '/console/yaml%2Findex.js',
      '/console/yaml.%2e%2e.%2e%2e.package.json',
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('answers 404 naming the served files for any other name, reading no other file', async () => {
    for (const path of [
      '/console/nope.js',
      '/console/..%2fgateway.ts',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/index.html',
      '/console/constructor',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      const body = (await response.json()) as { message: string };
      expect(body.message, path).toMatch(/console asset not found: .* \(expected one of app\.js/);
    }
  });
});

describe('GET /v1/equity', () => {
  it('returns the stored marks oldest first, with the peak and day starts', async () => {
    await eventually(async () => {
      const r = await rig.http('GET', '/v1/equity');
      return r.status === 200 && r.body.marks.length > 0;
    }, 'a stored equity mark');
    const r = await rig.http('GET', `/v1/equity?from=0&to=${Date.now() + 60_000}&limit=5`);
    expect(r.status).toBe(200);
    expect(r.body.marks.length).toBeGreaterThan(0);
    expect(r.body.marks.length).toBeLessThanOrEqual(5);
    const times = r.body.marks.map((m: { time: number }) => m.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(typeof r.body.marks[0].equity).toBe('number');
    // The peak is stored once the engine persists it; until then it is null.
    if (r.body.peak !== null) expect(r.body.peak.equity).toBeGreaterThan(0);
    expect(Array.isArray(r.body.dayStarts)).toBe(true);
    const iso = await rig.http(
      'GET',
      `/v1/equity?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(iso.status).toBe(200);
    expect(iso.body.marks).toEqual([]);
  });

  it('refuses a bad parameter with 422 naming it', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'from'],
      ['to=x', 'to'],
      ['limit=0', 'limit'],
      ['limit=10001', 'limit'],
      ['limit=1.5', 'limit'],
      ['from=2000&to=1000', 'to'],
    ];
    for (const [query, field] of cases) {
      const r = await rig.http('GET', `/v1/equity?${query}`);
      expect(r.status, query).toBe(422);
      expect(
        r.body.riskgate.issues.map((i: { field: string }) => i.field),
        query,
      ).toEqual([field]);
    }
  });

  it('needs a key or a session', async () => {
    const response = await get('/v1/equity');
    expect(response.status).toBe(401);
  });
});
