import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { runKeys } from '../../src/cli/commands/keys.ts';
import { TEST_PROFILE } from './harness.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const BROKER_SECRET = 'broker-secret-never-shown-4711';

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

let sim: SimExchange;
let dir: string;
let profile: string;
const transcripts: string[] = [];

async function startGatewayProcess(): Promise<Child> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--profile',
      profile,
      '--broker',
      'alpaca',
      '--alpaca-mode',
      'paper',
      '--alpaca-url',
      sim.url,
      '--mark-interval-ms',
      '200',
      '--no-demo-keys',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ALPACA_API_KEY_ID: sim.keyId,
        ALPACA_API_SECRET_KEY: BROKER_SECRET,
        DATABASE_URL: '',
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
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 60_000);
    const check = () => {
      const match = /riskgate gateway ready at (http:\/\/[^\s]+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${out}`)));
  });
  return { process: child, url, output: () => out };
}

async function stop(child: Child): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.process.once('exit', (code) => resolve(code)));
  child.process.kill('SIGTERM');
  const code = await exited;
  transcripts.push(child.output());
  return code;
}

async function call(
  url: string,
  method: string,
  path: string,
  key: { id: string; secret: string },
  body?: unknown,
) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      'APCA-API-KEY-ID': key.id,
      'APCA-API-SECRET-KEY': key.secret,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  transcripts.push(text);
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: text === '' || !json ? text : JSON.parse(text) };
}

async function createKey(role: string): Promise<{ id: string; secret: string }> {
  const lines: string[] = [];
  const code = await runKeys(['create', '--role', role, '--data-dir', dir], { USER: 'test' }, (l) =>
    lines.push(l),
  );
  expect(code).toBe(0);
  const id = /APCA-API-KEY-ID:\s+(\S+)/.exec(lines.join('\n'))?.[1];
  const secret = /APCA-API-SECRET-KEY:\s+(\S+)/.exec(lines.join('\n'))?.[1];
  return { id: id!, secret: secret! };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'riskgate-restart-'));
  profile = join(dir, 'profile.yaml');
  writeFileSync(profile, TEST_PROFILE);
  sim = await SimExchange.start({ clock: { mode: 'real' }, secretKey: BROKER_SECRET });
  sim.setQuote('AAPL', 100, 100.02);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a gateway process restarted on the same store', () => {
  it('keeps the halt across a restart; a trader key cannot reset it, a risk officer can; no secret leaks', async () => {
    const trader = await createKey('trader');
    const officer = await createKey('risk-officer');
    const first = await startGatewayProcess();
    const order = await call(first.url, 'POST', '/v2/orders', trader, {
      symbol: 'AAPL',
      qty: '5',
      side: 'buy',
      type: 'limit',
      limit_price: '99',
      time_in_force: 'day',
    });
    expect(order.status).toBe(200);
    const kill = await call(first.url, 'POST', '/v1/kill', trader, { reason: 'restart test' });
    expect(kill.body.state.state).toBe('halted');
    expect(await stop(first)).toBe(0);

    const second = await startGatewayProcess();
    const state = await call(second.url, 'GET', '/v1/state', trader);
    expect(state.body.tradingState).toMatchObject({ state: 'halted', code: 'KILL_SWITCH' });
    const entry = await call(second.url, 'POST', '/v2/orders', trader, {
      symbol: 'AAPL',
      qty: '1',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
    });
    expect(entry.status).toBe(403);
    expect(entry.body.riskgate.violations.map((v: { code: string }) => v.code)).toContain('TRADING_HALTED');
    const byTrader = await call(second.url, 'POST', '/v1/reset', trader, { reason: 'let me trade' });
    expect(byTrader.status).toBe(403);
    const byOfficer = await call(second.url, 'POST', '/v1/reset', officer, {
      reason: 'reviewed the incident',
    });
    expect(byOfficer.status).toBe(200);
    expect(byOfficer.body.tradingState.state).toBe('active');
    for (const path of ['/v2/account', '/v1/profile', '/v1/audit', '/openapi.json', '/metrics']) {
      await call(second.url, 'GET', path, officer);
    }
    expect(await stop(second)).toBe(0);
    // The broker secret came only from the environment: it is in no log line and no response.
    const everything = transcripts.join('\n');
    expect(everything).toContain('riskgate gateway ready');
    expect(everything).not.toContain(BROKER_SECRET);
    expect(everything).not.toContain(trader.secret);
  }, 180_000);
});
