import { describe, expect, it } from 'vitest';
import { parseSimExchangeArgs, runSimExchange } from '../../src/cli/commands/sim-exchange.ts';
import { eventually } from './harness.ts';

describe('riskgate sim-exchange', () => {
  it('parses its options', () => {
    expect(
      parseSimExchangeArgs([
        '--port',
        '0',
        '--seed',
        '42',
        '--speed',
        '10',
        '--strict',
        '--symbols',
        'AAPL=190,ko=60.5',
        '--state',
        'exchange.json',
      ]),
    ).toMatchObject({
      stateFile: 'exchange.json',
      port: 0,
      seed: 42,
      speed: 10,
      strict: true,
      symbols: { AAPL: 190, KO: 60.5 },
    });
  });

  it('reports every bad argument at once', () => {
    const result = parseSimExchangeArgs(['--port', 'eighty', '--speed=-1', '--symbols', 'AAPL']);
    expect(result).toEqual({
      errors: [
        '--port: expected an integer 0-65535, got "eighty"',
        '--speed: expected a positive number, got "-1"',
        '--symbols: expected SYMBOL=PRICE pairs such as AAPL=190, got "AAPL"',
      ],
    });
    expect(parseSimExchangeArgs(['--bogus'])).toMatchObject({ errors: [expect.stringContaining('--bogus')] });
    expect(parseSimExchangeArgs(['--data', 'x.csv'])).toMatchObject({
      errors: [expect.stringContaining('backtest loaders')],
    });
  });

  it('exits 2 on bad arguments and 0 with help', async () => {
    const errors: string[] = [];
    expect(
      await runSimExchange(
        ['--port', 'x'],
        AbortSignal.abort(),
        () => {},
        (l) => errors.push(l),
      ),
    ).toBe(2);
    expect(errors[0]).toContain('--port');
    const out: string[] = [];
    expect(await runSimExchange(['--help'], AbortSignal.abort(), (l) => out.push(l))).toBe(0);
    expect(out.join('\n')).toContain('--strict');
  });

  it('serves the API with the printed URL and credentials until stopped', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    const done = runSimExchange(
      ['--port', '0', '--speed', '50', '--key', 'K1', '--secret', 'S1'],
      stop.signal,
      (l) => lines.push(l),
    );
    await eventually(() => lines.length > 0, 'the start-up message');
    const url = /listening on (\S+)/.exec(lines[0]!)![1]!;
    expect(lines.join('\n')).toContain('APCA-API-SECRET-KEY: S1');
    const headers = { 'APCA-API-KEY-ID': 'K1', 'APCA-API-SECRET-KEY': 'S1' };
    await eventually(async () => {
      const res = await fetch(`${url}/v2/stocks/quotes/latest?symbols=AAPL`, { headers });
      return Object.keys(((await res.json()) as { quotes: object }).quotes).length === 1;
    }, 'the random walk to publish a quote');
    stop.abort();
    expect(await done).toBe(0);
  });
});
