import { describe, expect, it } from 'vitest';
import { backtestCommand } from './backtest.ts';
import { demoCommand } from './demo.ts';
import { greeksCommand } from './greeks.ts';
import { commands } from './index.ts';
import { keysCommand } from './keys.ts';
import { serveCommand } from './serve.ts';
import { simExchangeCommand } from './sim-exchange.ts';

describe('the command list', () => {
  it('names and summarises every command exactly as its own module does', () => {
    const loaded = [
      serveCommand,
      keysCommand,
      demoCommand,
      simExchangeCommand,
      greeksCommand,
      backtestCommand,
    ];
    expect(commands.map((c) => [c.name, c.summary])).toEqual(loaded.map((c) => [c.name, c.summary]));
  });

  it('runs the command module it names when invoked', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const code = await commands.find((c) => c.name === 'serve')?.run(['--help']);
      expect(code).toBe(0);
    } finally {
      console.log = log;
    }
    expect(lines.join('\n')).toMatch(/^Usage: riskgate serve/);
  });
});
