import { readFileSync } from 'node:fs';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

/** What `riskgate_build_info` carries. */
export interface BuildInfo {
  /** riskgate's version, from package.json. */
  readonly version: string;
  /** The Node.js version running it, e.g. `v20.19.0`. */
  readonly node: string;
  /** The source commit, when the deployment names it (`RISKGATE_COMMIT`). */
  readonly commit?: string;
}

/** riskgate's version from its package.json, or `unknown` when it cannot be read. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The build of this process: package version, Node.js version and, if set, `RISKGATE_COMMIT`. */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): BuildInfo {
  const commit = env.RISKGATE_COMMIT?.trim();
  return {
    version: packageVersion(),
    node: process.version,
    ...(commit !== undefined && commit !== '' ? { commit } : {}),
  };
}

/**
 * Registers prom-client's default process metrics (CPU, memory, heap, event-loop lag, GC, file
 * descriptors, under `process_` and `nodejs_`) and `riskgate_build_info` (always 1, the build
 * in its labels) on a registry.
 */
export function registerProcessMetrics(registry: Registry, build: BuildInfo = buildInfo()): void {
  collectDefaultMetrics({ register: registry });
  const info = new Gauge({
    name: 'riskgate_build_info',
    help: 'Always 1; the labels name the build: riskgate version, Node.js version and the commit when known',
    labelNames: ['version', 'node', 'commit'] as const,
    registers: [registry],
  });
  info.set(
    {
      version: build.version,
      node: build.node,
      ...(build.commit !== undefined ? { commit: build.commit } : {}),
    },
    1,
  );
}
