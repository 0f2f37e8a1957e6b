import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The core must stay free of I/O and of the wall clock so that the same rules run
 * identically in a backtest and live. Time comes from an injected Clock.
 */
const coreDir = new URL('../../src/core/', import.meta.url).pathname;

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Module specifiers that mean I/O: Node built-ins, network and database clients. */
const forbiddenImports = [
  /^node:/,
  /^(fs|path|os|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads|process|stream|crypto|perf_hooks|readline|zlib)(\/|$)/,
  /^(pg|@electric-sql\/pglite|ws|undici|axios|node-fetch|ioredis|redis|nats|fastify|hono|express|pino)(\/|$)/,
];

const forbiddenCalls: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() without an argument'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/(^|[^.\w])fetch\s*\(/, 'fetch()'],
  [/\bsetTimeout\s*\(|\bsetInterval\s*\(/, 'timers'],
  [/\bMath\.random\s*\(/, 'Math.random() (use a seeded generator)'],
];

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function findCoreViolations(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const code = stripComments(readFileSync(file, 'utf8'));
    const rel = relative(coreDir, file);
    const specifiers = [
      ...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
      ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
      ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
      ...code.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1] ?? '');
    for (const spec of specifiers) {
      if (forbiddenImports.some((re) => re.test(spec))) problems.push(`${rel}: imports '${spec}'`);
      if (spec.startsWith('.') && /\/(store|broker|gateway|cli|backtest|platform)\//.test(`/${spec}`)) {
        problems.push(`${rel}: imports an outer layer '${spec}'`);
      }
    }
    for (const [re, what] of forbiddenCalls) if (re.test(code)) problems.push(`${rel}: uses ${what}`);
  }
  return problems;
}

describe('core layer purity', () => {
  it('has source files to check', () => {
    expect(listSources(coreDir).length).toBeGreaterThan(0);
  });

  it('imports no I/O module and never reads the wall clock', () => {
    expect(findCoreViolations(listSources(coreDir))).toEqual([]);
  });

  it('the check itself catches each forbidden pattern', () => {
    const samples = [
      "import { readFileSync } from 'node:fs';",
      "import pg from 'pg';",
      'const t = Date.now();',
      'const d = new Date();',
      'const p = performance.now();',
      "await fetch('http://x');",
    ];
    const dir = mkdtempSync(join(tmpdir(), 'purity-'));
    const files = samples.map((s, i) => {
      const f = join(dir, `s${i}.ts`);
      writeFileSync(f, s);
      return f;
    });
    const found = findCoreViolations(files);
    expect(found.length).toBe(samples.length);
    // A dated construction is fine: it reads no clock.
    const ok = join(dir, 'ok.ts');
    writeFileSync(ok, 'const d = new Date(1700000000000); // Date.now() in a comment is fine');
    expect(findCoreViolations([ok])).toEqual([]);
  });
});
