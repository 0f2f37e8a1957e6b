import { afterEach, describe, expect, it } from 'vitest';
import { EMBEDDED_SYMBOLS, type EmbeddedSim, startEmbeddedSim } from './embedded-sim.ts';

let sim: EmbeddedSim | undefined;
afterEach(async () => {
  await sim?.exchange.close();
  sim = undefined;
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
