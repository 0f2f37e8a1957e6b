import type { Command } from '../command.ts';
import { backtestCommand } from './backtest.ts';
import { demoCommand } from './demo.ts';
import { greeksCommand } from './greeks.ts';
import { keysCommand } from './keys.ts';
import { serveCommand } from './serve.ts';
import { simExchangeCommand } from './sim-exchange.ts';

/** Every command the CLI knows, in the order `riskgate help` lists them. */
export const commands: readonly Command[] = [
  serveCommand,
  keysCommand,
  demoCommand,
  simExchangeCommand,
  greeksCommand,
  backtestCommand,
];
