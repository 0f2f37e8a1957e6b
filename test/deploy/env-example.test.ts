/**
 * .env.example lists every setting the gateway reads from the environment, each with a comment,
 * and the defaults it shows are the ones the code applies. The variables are found by reading
 * the sources, so a new setting without an entry fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config/load-gateway-config.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const example = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');

/** Every variable the sources (not their tests) read: RISKGATE_* anywhere, and the config table's `env:` names. */
function variablesInSources(): Set<string> {
  const names = new Set<string>();
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  expect(files.length).toBeGreaterThan(50);
  for (const file of files) {
    const text = readFileSync(join(ROOT, 'src', file), 'utf8');
    for (const m of text.matchAll(/\bRISKGATE_[A-Z0-9_]*[A-Z0-9]\b/g)) names.add(m[0]);
    for (const m of text.matchAll(/\benv: '([A-Z][A-Z0-9_]+)'/g)) names.add(m[1]!);
  }
  return names;
}

/** Variables the compose file takes from the same .env file (`${NAME…}`). */
function variablesInCompose(): Set<string> {
  const text = readFileSync(join(ROOT, 'deploy/compose.yaml'), 'utf8');
  return new Set([...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
}

/** `NAME=value` lines, commented out (`# NAME=value`) or not, in order. */
const entries = example.flatMap((line, index) => {
  const m = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
  return m === null ? [] : [{ index, name: m[2]!, value: m[3]!, active: m[1] === undefined }];
});

describe('.env.example', () => {
  it('lists every variable the sources read, and nothing else', () => {
    const listed = new Set(entries.map((e) => e.name));
    const read = variablesInSources();
    expect(read.has('DATABASE_URL')).toBe(true);
    expect(read.has('ALPACA_API_SECRET_KEY')).toBe(true);
    expect(read.has('RISKGATE_COMMIT')).toBe(true);
    expect([...read].filter((n) => !listed.has(n)).sort()).toEqual([]);
    const compose = variablesInCompose();
    expect([...listed].filter((n) => !read.has(n) && !compose.has(n)).sort()).toEqual([]);
    expect(entries.length).toBe(listed.size);
  });

  it('explains each variable in a comment above it', () => {
    for (const entry of entries) {
      const above = example[entry.index - 1] ?? '';
      expect(above, entry.name).toMatch(/^#/);
      expect(/^#\s*[A-Z][A-Z0-9_]*=/.test(above), `${entry.name} has its own comment`).toBe(false);
    }
  });

  it('is readable by systemd (EnvironmentFile) and Docker (env_file) alike: no quotes, no trailing comments', () => {
    for (const entry of entries) {
      expect(entry.value, entry.name).not.toMatch(/["'\s#]/);
    }
  });

  it('changes nothing as shipped, and shows the defaults the gateway applies', () => {
    const active = entries.filter((e) => e.active);
    expect(active.map((e) => e.name)).toEqual([]);
    const shown = Object.fromEntries(entries.filter((e) => e.value !== '').map((e) => [e.name, e.value]));
    expect(Object.keys(shown).length).toBeGreaterThan(30);
    const withDefaults = resolveGatewayConfig({ flags: {}, env: shown });
    const bare = resolveGatewayConfig({ flags: {}, env: {} });
    expect({ ...withDefaults, leadership: { ...withDefaults.leadership, instanceId: '' } }).toEqual({
      ...bare,
      leadership: { ...bare.leadership, instanceId: '' },
    });
  });
});
