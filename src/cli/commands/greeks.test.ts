import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bsmGreeks } from '../../core/options/black-scholes.ts';
import { parseCsv } from '../csv.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'riskgate-greeks-'));

/** Runs `npx tsx src/cli/main.ts greeks …` as a real process. */
function greeks(
  args: readonly string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', 'greeks', ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Parses the `name value` lines printed for one option. */
function table(stdout: string): Record<string, number> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/))
      .map(([name, value]) => [name, Number(value)]),
  );
}

const JETBLACK = {
  right: 'call',
  spot: 110,
  strike: 100,
  timeToExpiry: 0.5,
  rate: 0.1,
  dividendYield: 0.08,
} as const;
const JETBLACK_FLAGS = [
  '--type',
  'call',
  '--S',
  '110',
  '--K',
  '100',
  '--T',
  '0.5',
  '--r',
  '0.1',
  '--q',
  '0.08',
];

describe('riskgate greeks (real process)', () => {
  it('values one option given by flags, in raw units', async () => {
    const { code, stdout } = await greeks([...JETBLACK_FLAGS, '--sigma', '0.125']);
    expect(code).toBe(0);
    const printed = table(stdout);
    const g = bsmGreeks({ ...JETBLACK, volatility: 0.125 });
    expect(Object.keys(printed)).toEqual(['price', 'delta', 'gamma', 'vega', 'theta', 'rho']);
    for (const name of ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const)
      expect(printed[name]).toBe(g[name]);
    expect(printed.price).toBeCloseTo(11.069546131685598, 12);
  });

  it('solves the implied volatility of one option from --price', async () => {
    const { code, stdout } = await greeks([...JETBLACK_FLAGS, '--price', '11.069546131685598']);
    expect(code).toBe(0);
    expect(table(stdout).iv).toBeCloseTo(0.125, 12);
  });

  it('exits 1 with the reason when a price has no implied volatility', async () => {
    const { code, stdout, stderr } = await greeks([...JETBLACK_FLAGS, '--price', '1']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/PRICE_BELOW_INTRINSIC: price=1 intrinsic=10\.56/);
  });

  it('appends Greeks to every row of a CSV file and writes --out', async () => {
    const input = join(scratch, 'options.csv');
    const output = join(scratch, 'greeks.csv');
    writeFileSync(
      input,
      '# a comment line\ntype,S,K,T,r,q,sigma,book\ncall,110,100,0.5,0.1,0.08,0.125,"desk A, main"\nput,90,100,0.1,0.1,0.1,0.15,B\n',
    );
    const { code, stdout } = await greeks(['--csv', input, '--out', output]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const parsed = parseCsv(readFileSync(output, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.header).toEqual([
      'type',
      'S',
      'K',
      'T',
      'r',
      'q',
      'sigma',
      'book',
      'price',
      'delta',
      'gamma',
      'vega',
      'theta',
      'rho',
    ]);
    expect(parsed.records[0]?.fields[7]).toBe('desk A, main');
    expect(Number(parsed.records[0]?.fields[8])).toBe(bsmGreeks({ ...JETBLACK, volatility: 0.125 }).price);
    expect(Number(parsed.records[1]?.fields[8])).toBeCloseTo(9.921, 3); // Haug: 9.9210
  });

  it('solves implied volatilities for a CSV on standard input, coding the failures', async () => {
    const input =
      'type,S,K,T,r,q,price\ncall,100,100,0.5,0,0,5.637197779701664\nput,27,727,0.01,0,0,700\ncall,100,100,0.5,0,0,-1\ncall,100,100,0,0,0,5\n';
    const { code, stdout } = await greeks(['--csv', '-'], input);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('type,S,K,T,r,q,price,iv,iv_error');
    expect(Number(lines[1]?.split(',')[7])).toBeCloseTo(0.2, 14);
    expect(lines[2]).toBe('put,27,727,0.01,0,0,700,0,');
    expect(lines[3]).toBe('call,100,100,0.5,0,0,-1,,PRICE_BELOW_INTRINSIC');
    expect(lines[4]).toBe('call,100,100,0,0,0,5,,INVALID_INPUT');
  });

  it('rejects bad flags with exit code 2 and says what was expected', async () => {
    const bad = await greeks(['--type', 'call', '--S', 'abc', '--K', '100', '--T', '0.5', '--sigma', '0.2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--S: expected a positive number, got 'abc'/);
    const unknown = await greeks(['--strike', '100']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--strike'/);
    const both = await greeks([...JETBLACK_FLAGS, '--sigma', '0.2', '--price', '3']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --sigma .* or --price/);
  });

  it('rejects bad rows with file, line and field, and writes nothing', async () => {
    const input = join(scratch, 'bad.csv');
    const output = join(scratch, 'bad-out.csv');
    writeFileSync(
      input,
      'type,S,K,T,r,q,sigma\ncall,100,100,0.5,0,0,0.2\nstraddle,100,100,0.5,0,0,0.2\ncall,100,100,0.5,0,0,-0.2\ncall,100\n',
    );
    const { code, stderr } = await greeks(['--csv', input, '--out', output]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${input}:5: expected 7 fields as in the header, found 2`);
    expect(existsSync(output)).toBe(false);
    writeFileSync(
      input,
      'type,S,K,T,r,q,sigma\ncall,100,100,0.5,0,0,0.2\nstraddle,100,100,0.5,0,0,0.2\ncall,100,100,0.5,0,0,-0.2\n',
    );
    const rows = await greeks(['--csv', input, '--out', output]);
    expect(rows.code).toBe(2);
    expect(rows.stderr).toContain(`${input}:3: field 'type': expected 'call' or 'put', got 'straddle'`);
    expect(rows.stderr).toContain(
      `${input}:4: field 'sigma': expected a volatility ≥ 0 (decimal), got '-0.2'`,
    );
    expect(existsSync(output)).toBe(false);
    const header = await greeks(['--csv', '-'], 'type,S,K,T\ncall,1,1,1\n');
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/<stdin>:1: header needs columns .* missing r, q, sigma/);
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await greeks(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: riskgate greeks/);
    expect(stdout).toMatch(/--csv <file>/);
  });
});
