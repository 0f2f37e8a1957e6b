import type { Command } from '../command.ts';

/**
 * A command whose module is imported only when it runs: `riskgate help` and every other
 * command then start without loading the gateway, the store or the simulator they do not use.
 */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  return { name, summary, run: async (args) => (await load()).run(args) };
}

/** Every command the CLI knows, in the order `riskgate help` lists them. */
export const commands: readonly Command[] = [
  lazy(
    'serve',
    'Run the risk gateway: an Alpaca-compatible proxy in front of the broker (npm start).',
    async () => (await import('./serve.ts')).serveCommand,
  ),
  lazy(
    'keys',
    "Create, list and revoke the gateway's API keys (trader, risk-officer, read-only, feed).",
    async () => (await import('./keys.ts')).keysCommand,
  ),
  lazy(
    'demo',
    'Walk through the risk engine on a scripted trading day (no setup needed).',
    async () => (await import('./demo.ts')).demoCommand,
  ),
  lazy(
    'sim-exchange',
    'Run a simulated Alpaca-compatible broker (REST + trade_updates) with fault injection.',
    async () => (await import('./sim-exchange.ts')).simExchangeCommand,
  ),
  lazy(
    'greeks',
    'Black-Scholes-Merton price and Greeks, or implied volatility, for one option or a CSV file.',
    async () => (await import('./greeks.ts')).greeksCommand,
  ),
  lazy(
    'backtest',
    'Backtest a strategy over CSV, Parquet or synthetic bars with the risk engine on; JSON and HTML reports.',
    async () => (await import('./backtest.ts')).backtestCommand,
  ),
];
