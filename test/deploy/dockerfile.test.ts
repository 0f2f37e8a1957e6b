/**
 * deploy/Dockerfile without Docker: its steps replayed in a clean temporary folder (build
 * context from git and .dockerignore, `npm ci` and the build, the production install), then its
 * ENTRYPOINT/CMD started with its ENV, answering /healthz and its own HEALTHCHECK. Docker itself
 * is not needed. When npm cannot reach a package the replay is skipped with the reason, and
 * fails under CI=true.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { dockerignore, parseDockerfile } from './dockerfile.ts';
import {
  contextFiles,
  hostPath,
  materialiseContext,
  type ReplayedStage,
  ReplayUnavailable,
  replay,
} from './replay.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const stages = parseDockerfile(readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'riskgate-dockerfile-'));
let replayed: Map<string, ReplayedStage> | { unavailable: string } | { failed: Error };

beforeAll(() => {
  try {
    const context = join(tmp, 'context');
    materialiseContext(ROOT, contextFiles(ROOT), context);
    replayed = replay(stages, {
      context,
      tmp,
      hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmp },
      log: (line) => console.log(line),
    });
  } catch (error) {
    replayed =
      error instanceof ReplayUnavailable ? { unavailable: error.message } : { failed: error as Error };
  }
}, 900_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runtime(ctx: TestContext): ReplayedStage {
  if ('failed' in replayed) throw replayed.failed;
  if ('unavailable' in replayed) {
    if (process.env.CI === 'true') throw new Error(`cannot replay the Dockerfile: ${replayed.unavailable}`);
    console.warn(`skipped: cannot replay the Dockerfile here: ${replayed.unavailable}`);
    ctx.skip();
  }
  const last = (replayed as Map<string, ReplayedStage>).get(stages.at(-1)!.name);
  if (last === undefined) throw new Error('no runtime stage');
  return last;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} never answered 200:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('deploy/Dockerfile, read', () => {
  it('builds in one stage and runs in another, both on a pinned Node image the package admits', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const engines = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    for (const stage of stages) {
      const tag = /^node:(\d+\.\d+\.\d+)-bookworm-slim$/.exec(stage.image);
      expect(tag, `${stage.name} image ${stage.image} is pinned to a version`).not.toBeNull();
      expect(semver.satisfies(tag![1]!, engines), `${stage.image} satisfies engines ${engines}`).toBe(true);
      expect(semver.major(tag![1]!)).toBe(20);
    }
  });

  it('sends only what the image copies as build context: no env files, data, tests or node_modules', () => {
    const ignored = dockerignore(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
    for (const path of [
      '.env',
      'deploy/.env',
      '.riskgate/journal.jsonl',
      'node_modules/pg/package.json',
      'dist/index.js',
      'test/deploy/dockerfile.test.ts',
      'src/cli/csv.test.ts',
      '.git/config',
      'bench/core.ts',
    ]) {
      expect(ignored(path), path).toBe(true);
    }
    for (const path of [
      'package.json',
      'package-lock.json',
      'src/index.ts',
      'src/store/migrations/001_initial.sql',
      'bin/riskgate.js',
      'scripts/build.js',
      'examples/profiles/example.yaml',
    ]) {
      expect(ignored(path), path).toBe(false);
    }
  });
});

describe('deploy/Dockerfile, replayed in a clean folder', () => {
  it('leaves a runtime stage with the compiled package and production dependencies only', (ctx) => {
    const stage = runtime(ctx);
    const app = hostPath(stage, '.');
    for (const wanted of [
      'dist/cli/main.js',
      'dist/store/pglite-cluster.tar.gz',
      'dist/store/pglite-thread.js',
      'dist/store/migrations/001_initial.sql',
      'dist/gateway/console/index.html',
      'bin/riskgate.js',
      'examples/profiles/example.yaml',
      'node_modules/fastify/package.json',
      'node_modules/@electric-sql/pglite/package.json',
    ]) {
      expect(existsSync(join(app, wanted)), wanted).toBe(true);
    }
    for (const unwanted of [
      'src',
      'scripts',
      'test',
      'node_modules/typescript',
      'node_modules/vitest',
      'node_modules/tsx',
      'node_modules/esbuild',
    ]) {
      expect(existsSync(join(app, unwanted)), unwanted).toBe(false);
    }
    const du = spawnSync('du', ['-sk', join(app, 'node_modules'), join(app, 'dist')], { encoding: 'utf8' });
    if (du.status === 0)
      console.log(`runtime stage: ${du.stdout.trim().replaceAll(app, '').replace(/\n/g, ', ')} (KiB)`);
  });

  it('runs as a non-root user, on 0.0.0.0, with the data directory a volume it owns', (ctx) => {
    const stage = runtime(ctx);
    expect(stage.user).not.toMatch(/^(root|0)(:|$)/);
    expect(stage.env.RISKGATE_HOST).toBe('0.0.0.0');
    expect(stage.expose).toEqual([stage.env.RISKGATE_PORT]);
    expect(stage.volumes).toContain(stage.env.RISKGATE_DATA_DIR);
    expect(stage.skipped).toContain(`chown ${stage.user}:${stage.user} ${stage.env.RISKGATE_DATA_DIR}`);
    expect(existsSync(hostPath(stage, stage.env.RISKGATE_DATA_DIR!))).toBe(true);
    expect(stage.stopSignal).toBe('SIGTERM');
    expect(stage.healthcheck?.command.join(' ')).toContain('/healthz');
  });

  it('starts from its ENTRYPOINT and CMD, serves /healthz, passes its HEALTHCHECK and stops on its STOPSIGNAL', async (ctx) => {
    const stage = runtime(ctx);
    const port = await freePort();
    const dataDir = hostPath(stage, stage.env.RISKGATE_DATA_DIR!);
    // The container's environment: the image's ENV, a data directory standing for the volume and
    // a free port; nothing of this process's environment (no DATABASE_URL).
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: join(tmp, 'home'),
      ...stage.env,
      RISKGATE_DATA_DIR: dataDir,
      RISKGATE_PORT: String(port),
    };
    const [program, ...args] = [...stage.entrypoint, ...stage.cmd];
    expect(program).toBe('node');
    const child = spawn(program!, args, {
      cwd: hostPath(stage, '.'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(`http://127.0.0.1:${port}/healthz`, child, () => output);
      await waitFor(`http://127.0.0.1:${port}/readyz`, child, () => output);
      expect(output).toContain(`riskgate gateway ready at http://0.0.0.0:${port}`);
      expect(existsSync(join(dataDir, 'journal.jsonl')) || existsSync(join(dataDir, 'data'))).toBe(true);

      const [hcProgram, ...hcArgs] = stage.healthcheck!.command;
      const healthy = spawnSync(hcProgram!, hcArgs, { cwd: hostPath(stage, '.'), env, encoding: 'utf8' });
      expect(healthy.stderr).toBe('');
      expect(healthy.status).toBe(0);
    } finally {
      child.kill(stage.stopSignal as NodeJS.Signals);
    }
    expect(await exited, output).toBe(0);
    expect(output).toContain('shutting down');
    const [hcProgram, ...hcArgs] = stage.healthcheck!.command;
    const down = spawnSync(hcProgram!, hcArgs, { cwd: hostPath(stage, '.'), env, encoding: 'utf8' });
    expect(down.status).toBe(1);
  }, 300_000);
});
