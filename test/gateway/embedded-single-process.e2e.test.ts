import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
vi.setConfig({ testTimeout: 180_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Without DATABASE_URL: the embedded store, as on a user's machine. */
function embeddedEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

describe('the embedded store with a second process', () => {
  it('refuses a second `riskgate serve` on the same data directory, naming the holder and the way to run several instances', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-single-'));
    dirs.push(dataDir);
    const args = ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir];
    const first = spawn(process.execPath, args, {
      cwd: ROOT,
      env: embeddedEnvironment(),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let banner = '';
      await new Promise<void>((done, fail) => {
        first.stderr!.on('data', (chunk: Buffer) => {
          banner += chunk.toString();
          if (banner.includes('Press Ctrl-C to stop.')) done();
        });
        first.once('exit', (code) => fail(new Error(`the first gateway exited (${code}):\n${banner}`)));
      });
      const second = await run(process.execPath, args, { cwd: ROOT, env: embeddedEnvironment() }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/STORE_LOCKED/);
      expect(second.stderr).toContain(`in use by process ${first.pid}`);
      expect(second.stderr).toMatch(/PostgreSQL server \(--database-url\)/);
      // The first is untouched: it still answers.
      const url = /riskgate gateway ready at (http:\/\/\S+)/.exec(banner)?.[1];
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      const exited = new Promise((done) => first.once('exit', done));
      first.kill('SIGTERM');
      await exited;
    }
  });
});
