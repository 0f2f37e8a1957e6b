import type { Breaker, BreakerFinding } from '../../core/breaker.ts';

/**
 * A breaker the protection monitor arms when a position stayed without a live stop at the broker
 * beyond the grace period, counted from the moment it lost one. The engine evaluates it on the
 * next mark: the account moves to `reducing` (or `halted`, as configured), latched until a reset.
 */
export class UnprotectedPositionBreaker implements Breaker {
  readonly id = 'unprotected-position';
  readonly code = 'UNPROTECTED_POSITION';
  readonly action: 'reducing' | 'halted';
  readonly flatten = false;
  #finding: BreakerFinding | null = null;

  constructor(action: 'reducing' | 'halted' = 'reducing') {
    this.action = action;
  }

  /** Arms the breaker for a symbol left unprotected for `unprotectedMs` milliseconds. */
  arm(symbol: string, unprotectedMs: number, graceMs: number): void {
    this.#finding ??= {
      message: `UNPROTECTED_POSITION: symbol=${symbol} unprotectedMs=${Math.round(unprotectedMs)} graceMs=${graceMs}`,
      values: { symbol, unprotectedMs: Math.round(unprotectedMs), graceMs },
    };
  }

  get armed(): boolean {
    return this.#finding !== null;
  }

  evaluate(): BreakerFinding | null {
    return this.#finding;
  }

  reset(): void {
    this.#finding = null;
  }
}
