import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** How long past "ready" the banner's example is run: long enough for any stale market to show. */
const PAST_READY_MS = 30_000;

let child: ChildProcess | undefined;
const dirs: string[] = [];

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((done) => child!.once('exit', done));
    child.kill('SIGTERM');
    const stuck = setTimeout(() => child!.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(stuck);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The environment of a new user: nothing of riskgate's configured, and no database server. */
function userEnvironment(curlHome: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('RISKGATE_') || name.startsWith('ALPACA_') || name === 'DATABASE_URL') continue;
    if (name.startsWith('VITEST') || name === 'NODE_ENV') continue;
    env[name] = value;
  }
  // curl reads its options file from CURL_HOME: it adds the status line, so the command is
  // run exactly as printed and the status is still seen.
  env.CURL_HOME = curlHome;
  return env;
}

describe('npm start, as a new user meets it', () => {
  it(
    "answers the banner's curl, run verbatim 30 s after ready, with an accepted order",
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'riskgate-first-run-'));
      const curlHome = mkdtempSync(join(tmpdir(), 'riskgate-curl-'));
      dirs.push(dataDir, curlHome);
      writeFileSync(join(curlHome, '.curlrc'), 'write-out = "\\nHTTP %{http_code}\\n"\n');
      const env = userEnvironment(curlHome);

      // What `npm start` runs (tsx on src/cli/main.ts serve), on a free port and a fresh data dir.
      child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--data-dir', dataDir],
        { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.resume(); // JSON logs: drained, not read
      let banner = '';
      const ready = new Promise<void>((done, fail) => {
        child!.stderr!.on('data', (chunk: Buffer) => {
          banner += chunk.toString();
          if (banner.includes('Press Ctrl-C to stop.')) done();
        });
        child!.once('exit', (code) => fail(new Error(`serve exited with ${code} before ready:\n${banner}`)));
      });
      await ready;
      const curl = banner
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line.startsWith('curl '));
      expect(curl, banner).toBeDefined();

      await new Promise((done) => setTimeout(done, PAST_READY_MS));

      const output = await new Promise<string>((done, fail) => {
        execFile('/bin/sh', ['-c', curl!], { env, timeout: 30_000 }, (error, stdout) =>
          error === null ? done(stdout) : fail(error),
        );
      });
      const status = /\nHTTP (\d{3})\n$/.exec(output);
      expect(status?.[1], output).toBe('200');
      const order = JSON.parse(output.slice(0, status!.index)) as Record<string, unknown>;
      expect(order).toMatchObject({ symbol: 'AAPL', qty: '10', side: 'buy', type: 'market' });
      expect(['accepted', 'new', 'pending_new', 'partially_filled', 'filled']).toContain(order.status);
    },
    PAST_READY_MS + 150_000,
  );
});
