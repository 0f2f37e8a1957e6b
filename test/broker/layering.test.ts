import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The broker layer may import the core and itself only; its adapter and its simulated exchange
 * never import each other (both speak the shared wire format in `wire/`).
 */
const brokerDir = new URL('../../src/broker/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

describe('broker layering', () => {
  const files = sources(brokerDir);

  it('imports nothing from the gateway, store, backtest or CLI', () => {
    const bad = files.flatMap((f) =>
      imports(f)
        .filter((spec) => /\/(gateway|store|backtest|cli)\//.test(spec))
        .map((spec) => `${relative(brokerDir, f)} → ${spec}`),
    );
    expect(bad).toEqual([]);
  });

  it('keeps the Alpaca adapter and the simulated exchange apart', () => {
    const bad = files.flatMap((f) => {
      const rel = relative(brokerDir, f);
      const other = rel.startsWith('alpaca/') ? '/sim/' : rel.startsWith('sim/') ? '/alpaca/' : undefined;
      if (other === undefined) return [];
      return imports(f)
        .filter(
          (spec) => spec.includes(other) || spec.startsWith(`.${other}`) || spec.startsWith(`..${other}`),
        )
        .map((spec) => `${rel} → ${spec}`);
    });
    expect(bad).toEqual([]);
  });

  it('keeps the wire format free of both', () => {
    const bad = files
      .filter((f) => relative(brokerDir, f).startsWith('wire/'))
      .flatMap((f) => imports(f).filter((spec) => /\/(alpaca|sim)\//.test(spec)));
    expect(bad).toEqual([]);
  });
});
