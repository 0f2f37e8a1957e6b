/**
 * Measures, from the simulated exchange's point of view, how long each non-flat position goes
 * without live stop coverage (live closing-side stops covering at least its quantity). Every
 * change at the exchange emits an order event; the state is read in a microtask after it, once
 * the exchange's synchronous operation (a fill with its legs, a bracket with its legs) is done,
 * so the intervals are exact to the event, not to a polling period.
 */
import type { SimExchange } from '../src/broker/sim/sim-exchange.ts';
import { readExchange } from '../test/support/exchange-view.ts';

/** Unprotected episodes of positions at one exchange. */
export class UnprotectedTime {
  /** Closed episodes, ms each. */
  readonly episodesMs: number[] = [];
  readonly #open = new Map<string, number>();
  readonly #detach: () => void;
  #scheduled = false;

  constructor(readonly sim: SimExchange) {
    const listener = () => {
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.evaluate();
      });
    };
    sim.venue.state.listeners.add(listener);
    this.#detach = () => sim.venue.state.listeners.delete(listener);
  }

  /** Reads the exchange now and opens or closes episodes. */
  evaluate(now = performance.now()): void {
    const uncovered = new Set(
      readExchange(this.sim)
        .positions.filter((p) => p.stopQty < Math.abs(p.qty) - 1e-9)
        .map((p) => p.symbol),
    );
    for (const symbol of uncovered) if (!this.#open.has(symbol)) this.#open.set(symbol, now);
    for (const [symbol, since] of [...this.#open]) {
      if (uncovered.has(symbol)) continue;
      this.episodesMs.push(now - since);
      this.#open.delete(symbol);
    }
  }

  /** Symbols unprotected right now. */
  get openEpisodes(): number {
    return this.#open.size;
  }

  /** Closes the episodes still open (they count up to now) and stops listening. */
  finish(now = performance.now()): void {
    for (const since of this.#open.values()) this.episodesMs.push(now - since);
    this.#open.clear();
    this.#detach();
  }
}

/** The p-th percentile (0–100) of the values, nearest rank; 0 when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
