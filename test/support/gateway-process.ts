import { type ChildProcess, spawn } from 'node:child_process';
import pg from 'pg';
import type { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { openStore } from '../../src/store/open-store.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** An API key as a client sends it. */
export interface Key {
  readonly id: string;
  readonly secret: string;
}

/** `riskgate serve` running as a child process, the way the README starts it. */
export interface GatewayProcess {
  readonly process: ChildProcess;
  readonly url: string;
  /** Everything it printed so far (JSON logs and the banner). */
  readonly output: () => string;
  /** Resolves once it printed a line matching `pattern`; rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Options of {@link spawnGateway}. */
export interface SpawnGatewayOptions {
  readonly sim: SimExchange;
  readonly databaseUrl: string;
  readonly dataDir: string;
  readonly profilePath: string;
  readonly instanceId?: string;
  readonly leaseTtlMs?: number;
  /** Port to listen on; 0 (default) lets the system pick one. A fixed port survives a restart. */
  readonly port?: number;
  readonly extraArgs?: readonly string[];
}

/** Starts `riskgate serve` against the simulated exchange and a PostgreSQL database; resolves once it listens. */
export async function spawnGateway(options: SpawnGatewayOptions): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      String(options.port ?? 0),
      '--data-dir',
      options.dataDir,
      '--profile',
      options.profilePath,
      '--broker',
      'alpaca',
      '--alpaca-mode',
      'paper',
      '--alpaca-url',
      options.sim.url,
      '--mark-interval-ms',
      '200',
      '--key-rate-limit',
      '0',
      '--no-demo-keys',
      ...(options.instanceId !== undefined ? ['--instance-id', options.instanceId] : []),
      ...(options.leaseTtlMs !== undefined ? ['--lease-ttl-ms', String(options.leaseTtlMs)] : []),
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ALPACA_API_KEY_ID: options.sim.keyId,
        ALPACA_API_SECRET_KEY: options.sim.secretKey,
        DATABASE_URL: options.databaseUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`gateway exited (${code ?? signal}):\n${out}`))),
  );
  exited.catch(() => undefined);
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    const found = (async () => {
      for (;;) {
        const m = pattern.exec(out);
        if (m !== null) return m[1] ?? m[0];
        if (Date.now() > deadline) throw new Error(`${pattern} not in the gateway's output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return Promise.race([exited, found]);
  };
  const url = await waitFor(/riskgate gateway starting at (http:\/\/\S+)/);
  return { process: child, url, output: () => out, waitFor };
}

/** Sends SIGKILL and waits for the process to be gone. */
export async function killHard(gateway: GatewayProcess): Promise<void> {
  if (gateway.process.exitCode !== null || gateway.process.signalCode !== null) return;
  const gone = new Promise((resolve) => gateway.process.once('exit', resolve));
  gateway.process.kill('SIGKILL');
  await gone;
}

/** How long a clean shutdown may take before it is reported as hung (and the process killed). */
const SHUTDOWN_LIMIT_MS = 60_000;

/** Sends SIGTERM and waits for a clean exit; a shutdown that hangs fails with the process's output. */
export async function stopGateway(gateway: GatewayProcess): Promise<void> {
  if (gateway.process.exitCode !== null || gateway.process.signalCode !== null) return;
  const gone = new Promise((resolve) => gateway.process.once('exit', resolve));
  gateway.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), SHUTDOWN_LIMIT_MS);
  });
  const outcome = await Promise.race([gone, hung]);
  clearTimeout(timer);
  if (outcome === 'hung') {
    gateway.process.kill('SIGKILL');
    await gone;
    throw new Error(
      `the gateway did not stop within ${SHUTDOWN_LIMIT_MS} ms of SIGTERM:\n${gateway.output().slice(-4000)}`,
    );
  }
}

/** One HTTP call with a key; the body parsed as JSON when it is JSON. */
export async function call(
  url: string,
  method: string,
  path: string,
  key?: Key,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(key !== undefined ? { 'APCA-API-KEY-ID': key.id, 'APCA-API-SECRET-KEY': key.secret } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. an empty 204).
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * Creates a fresh database on the server of `serverUrl` with a migrated store and a trader and
 * a risk-officer key; returns its URL and the keys. Drop it with {@link dropDatabase}.
 */
export async function freshDatabase(
  serverUrl: string,
  name: string,
): Promise<{ url: string; trader: Key; officer: Key }> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString(), maxConnections: 2 });
  const at = Date.now();
  const trader = await store.apiKeys.create({ role: 'trader', label: 'bot', by: 'test', at });
  const officer = await store.apiKeys.create({ role: 'risk-officer', label: 'officer', by: 'test', at });
  await store.close();
  return {
    url: url.toString(),
    trader: { id: trader.key.keyId, secret: trader.secret },
    officer: { id: officer.key.keyId, secret: officer.secret },
  };
}

/** Drops a database made by {@link freshDatabase}, ending whatever is still connected to it. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
