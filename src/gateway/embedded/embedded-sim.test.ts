import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMBEDDED_SYMBOLS, type EmbeddedSim, startEmbeddedSim } from './embedded-sim.ts';

let sim: EmbeddedSim | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await sim?.exchange.close();
  sim = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Polls until `check` holds or a generous deadline passes; never a timing assertion. */
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the embedded market', () => {
  it('keeps quoting every listed symbol after the first quote, on the wall clock', async () => {
    // Ten simulated seconds per second: a market that stopped after its first quote shows at once.
    sim = await startEmbeddedSim({ seed: 3, speed: 10, barIntervalMs: 60_000, startingCash: 10_000 });
    const quotes = sim.exchange.venue.state.quotes;
    const symbols = Object.keys(EMBEDDED_SYMBOLS);
    await until(() => symbols.every((s) => quotes.has(s)), 'a first quote of every symbol');
    const first = new Map(symbols.map((s) => [s, quotes.get(s)!.time]));
    await until(
      () => symbols.every((s) => quotes.get(s)!.time >= first.get(s)! + 5_000),
      'quotes five simulated seconds newer than the first, for every symbol',
    );
    for (const s of symbols) expect(quotes.get(s)!.time).toBeGreaterThan(first.get(s)!);
    expect(sim.history.length).toBeGreaterThan(0);
  });
});

describe('the embedded market after a restart', () => {
  it('goes on from the last saved quote of each symbol instead of jumping back to the seeded walk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riskgate-embedded-sim-'));
    dirs.push(dir);
    const stateFile = join(dir, 'exchange.json');
    const options = { seed: 3, speed: 10, barIntervalMs: 60_000, startingCash: 10_000, stateFile };
    sim = await startEmbeddedSim(options);
    const quotes = () => sim!.exchange.venue.state.quotes;
    await until(() => quotes().has('AAPL') && quotes().has('MSFT'), 'first quotes');
    await sim.exchange.close();
    sim = undefined;
    // The market had moved a long way from the walk before the restart (AAPL starts near 190).
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      quotes: { symbol: string; bid: number; ask: number }[];
    };
    saved.quotes = saved.quotes.map((q) => (q.symbol === 'AAPL' ? { ...q, bid: 500, ask: 500.02 } : q));
    writeFileSync(stateFile, JSON.stringify(saved));

    sim = await startEmbeddedSim(options);
    const history = sim.history.filter((bar) => bar.symbol === 'AAPL');
    expect(Math.abs(history.at(-1)!.close / 500.01 - 1)).toBeLessThan(0.02);
    await until(() => quotes().has('AAPL'), 'a first quote after the restart');
    const q = quotes().get('AAPL')!;
    expect(Math.abs((q.bid + q.ask) / 2 / 500.01 - 1)).toBeLessThan(0.02);
    expect(q.ask).toBeGreaterThan(q.bid);
  });
});
