import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  type CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { BrokerError, isBrokerError } from '../errors.ts';
import type { RequestKind } from './pacer.ts';

/** Options of {@link CircuitGate}. */
export interface CircuitOptions {
  /** Consecutive failures (5xx, timeouts, resets) that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** Milliseconds the circuit stays open before one request may probe it. Default 10 000. */
  readonly halfOpenAfterMs?: number;
}

interface Queued {
  readonly kind: RequestKind;
  readonly attempt: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Circuit state as the gate reports it. */
export type GateState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker (cockatiel) around the broker with a queue for what must not be dropped.
 * While open, entries and reads are refused with `CIRCUIT_OPEN`; cancels and exits wait in line and
 * are the first requests sent when the circuit half-opens, so a position can still be reduced.
 */
export class CircuitGate {
  readonly #breaker: CircuitBreakerPolicy;
  readonly #halfOpenAfterMs: number;
  readonly #queue: Queued[] = [];
  #state: GateState = 'closed';
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(state: GateState) => void>();

  constructor(options: CircuitOptions = {}) {
    this.#halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    this.#breaker = circuitBreaker(
      handleWhen((error) => isBrokerError(error, 'UNAVAILABLE')),
      {
        halfOpenAfter: this.#halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(options.failureThreshold ?? 5),
      },
    );
    this.#breaker.onBreak(() => this.#opened());
    this.#breaker.onReset(() => this.#setState('closed'));
    this.#breaker.onHalfOpen(() => this.#setState('half-open'));
  }

  get state(): GateState {
    return this.#state;
  }

  /** Number of cancels and exits waiting for the circuit to half-open. */
  get queued(): number {
    return this.#queue.length;
  }

  onStateChange(listener: (state: GateState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs one attempt through the breaker. `dispatch` wraps the attempt in the pacer; the gate
   * calls it once now, or later (for cancels and exits) when the circuit half-opens.
   */
  run<T>(
    kind: RequestKind,
    dispatch: (attempt: () => Promise<T>) => Promise<T>,
    call: () => Promise<T>,
  ): Promise<T> {
    const attempt = () => this.#breaker.execute(call);
    const reducesRisk = kind === 'cancel' || kind === 'exit';
    if (this.#state === 'open') {
      if (!reducesRisk) return Promise.reject(this.#refusal(kind));
      return this.#enqueue(kind, () => dispatch(attempt));
    }
    return dispatch(attempt).catch((error: unknown) => {
      // Refused by the breaker before reaching the network: a cancel or exit waits instead.
      if (error instanceof BrokenCircuitError) {
        if (reducesRisk) return this.#enqueue(kind, () => dispatch(attempt));
        throw this.#refusal(kind, error);
      }
      throw error;
    });
  }

  #refusal(kind: RequestKind, cause?: unknown): BrokerError<'CIRCUIT_OPEN'> {
    return new BrokerError('CIRCUIT_OPEN', `circuit open after repeated broker failures: ${kind} refused`, {
      local: true,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  #enqueue<T>(kind: RequestKind, attempt: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ kind, attempt, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  #opened(): void {
    this.#setState('open');
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // A little past the breaker's own delay, so the first queued request becomes its probe.
    this.#timer = setTimeout(() => this.#halfOpen(), this.#halfOpenAfterMs + 5);
  }

  /** Lets traffic through again; queued cancels and exits go first (the pacer orders them first). */
  #halfOpen(): void {
    this.#timer = undefined;
    if (this.#state === 'open') this.#setState('half-open');
    const queued = this.#queue.splice(0);
    queued.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'cancel' ? -1 : b.kind === 'cancel' ? 1 : 0));
    for (const item of queued) {
      item.attempt().then(item.resolve, (error: unknown) => {
        if (error instanceof BrokenCircuitError)
          this.#queue.push(item); // probe failed: wait again
        else item.reject(error);
      });
    }
  }

  #setState(state: GateState): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }

  /** Whether the underlying breaker is open (for diagnostics). */
  get breakerState(): CircuitState {
    return this.#breaker.state;
  }

  /** Refuses everything queued and stops the timer. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const item of this.#queue.splice(0)) {
      item.reject(new BrokerError('UNAVAILABLE', 'the broker client was closed', { local: true }));
    }
  }
}
