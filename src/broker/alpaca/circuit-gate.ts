import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  type CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { BrokerError, isBrokerError } from '../errors.ts';
import { type RequestKind, reducesRisk } from './request-class.ts';

/** Default consecutive failures of any request that open the circuit. */
export const DEFAULT_FAILURE_THRESHOLD = 5;
/** Default consecutive failures of order requests (POST, PATCH, DELETE of orders) that open the circuit. */
export const DEFAULT_ORDER_FAILURE_THRESHOLD = 5;

/** Options of {@link CircuitGate}. */
export interface CircuitOptions {
  /**
   * Consecutive failures (5xx, timeouts, resets) of any request that open the circuit. A success
   * of any request resets the count. Default {@link DEFAULT_FAILURE_THRESHOLD}.
   */
  readonly failureThreshold?: number;
  /**
   * Consecutive failures of order requests alone that open the circuit, counted apart from reads:
   * successful quote and account polls do not reset this count, only a successful order request
   * does. Default {@link DEFAULT_ORDER_FAILURE_THRESHOLD}.
   */
  readonly orderFailureThreshold?: number;
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

/** Which requests a run belongs to: order requests pass both breakers, reads only the broker's. */
export type CircuitPath = 'order' | 'read';

/**
 * Two circuit breakers (cockatiel) around the broker with a queue for what must not be dropped.
 * The broker breaker counts every request; the order breaker counts order requests only, so
 * failing order submissions open the circuit even while price polls succeed. While the broker
 * breaker is open, entries and reads are refused with `CIRCUIT_OPEN`; while only the order
 * breaker is open, entries are refused and reads pass, so the monitors keep their marks. Cancels
 * and exits are never refused: they wait in line and are the first requests sent when the
 * circuit half-opens, so a position can still be reduced.
 */
export class CircuitGate {
  readonly #broker: CircuitBreakerPolicy;
  readonly #orders: CircuitBreakerPolicy;
  readonly #halfOpenAfterMs: number;
  readonly #queue: Queued[] = [];
  #brokerState: GateState = 'closed';
  #orderState: GateState = 'closed';
  #state: GateState = 'closed';
  #timer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(state: GateState) => void>();

  constructor(options: CircuitOptions = {}) {
    this.#halfOpenAfterMs = options.halfOpenAfterMs ?? 10_000;
    const failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    const orderFailureThreshold = options.orderFailureThreshold ?? DEFAULT_ORDER_FAILURE_THRESHOLD;
    for (const [name, n] of [
      ['failureThreshold', failureThreshold],
      ['orderFailureThreshold', orderFailureThreshold],
    ] as const) {
      if (!(Number.isInteger(n) && n >= 1)) {
        throw new RangeError(`CircuitGate: ${name} must be an integer >= 1, got ${n}`);
      }
    }
    const policy = (threshold: number) =>
      circuitBreaker(
        handleWhen((error) => isBrokerError(error, 'UNAVAILABLE')),
        { halfOpenAfter: this.#halfOpenAfterMs, breaker: new ConsecutiveBreaker(threshold) },
      );
    this.#broker = policy(failureThreshold);
    this.#orders = policy(orderFailureThreshold);
    this.#broker.onBreak(() => this.#opened('broker'));
    this.#broker.onReset(() => this.#setState('broker', 'closed'));
    this.#broker.onHalfOpen(() => this.#setState('broker', 'half-open'));
    this.#orders.onBreak(() => this.#opened('orders'));
    this.#orders.onReset(() => this.#setState('orders', 'closed'));
    this.#orders.onHalfOpen(() => this.#setState('orders', 'half-open'));
  }

  /** `open` when either breaker is open, `half-open` when either probes, else `closed`. */
  get state(): GateState {
    return this.#state;
  }

  /** State of the order breaker alone (order requests only). */
  get orderState(): GateState {
    return this.#orderState;
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
   * Runs one attempt through the breakers: order requests (`path` `order`) through both, reads
   * through the broker breaker only. `dispatch` wraps the attempt in the pacer; the gate calls it
   * once now, or later (for cancels and exits) when the circuit half-opens.
   */
  run<T>(
    kind: RequestKind,
    dispatch: (attempt: () => Promise<T>) => Promise<T>,
    call: () => Promise<T>,
    path: CircuitPath = 'read',
  ): Promise<T> {
    const attempt =
      path === 'order'
        ? () => this.#orders.execute(() => this.#broker.execute(call))
        : () => this.#broker.execute(call);
    const risky = !reducesRisk(kind);
    const open = this.#brokerState === 'open' || (path === 'order' && this.#orderState === 'open');
    if (open) {
      if (risky) return Promise.reject(this.#refusal(kind));
      return this.#enqueue(kind, () => dispatch(attempt));
    }
    return dispatch(attempt).catch((error: unknown) => {
      // Refused by a breaker before reaching the network: a cancel or exit waits instead.
      if (error instanceof BrokenCircuitError) {
        if (!risky) return this.#enqueue(kind, () => dispatch(attempt));
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
      this.#requeue({ kind, attempt, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Queues an item and makes sure a half-open attempt is scheduled, so nothing waits forever. */
  #requeue(item: Queued): void {
    this.#queue.push(item);
    this.#timer ??= setTimeout(() => this.#halfOpen(), this.#halfOpenAfterMs + 5);
  }

  #opened(which: 'broker' | 'orders'): void {
    this.#setState(which, 'open');
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    // A little past the breaker's own delay, so the first queued request becomes its probe.
    this.#timer = setTimeout(() => this.#halfOpen(), this.#halfOpenAfterMs + 5);
  }

  /** Lets traffic through again; queued cancels and exits go first (the pacer orders them first). */
  #halfOpen(): void {
    this.#timer = undefined;
    if (this.#brokerState === 'open') this.#setState('broker', 'half-open');
    if (this.#orderState === 'open') this.#setState('orders', 'half-open');
    const queued = this.#queue.splice(0);
    queued.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'cancel' ? -1 : b.kind === 'cancel' ? 1 : 0));
    for (const item of queued) {
      item.attempt().then(item.resolve, (error: unknown) => {
        // Refused before reaching the network (the probe failed): wait for the next half-open.
        if (error instanceof BrokenCircuitError) this.#requeue(item);
        else item.reject(error);
      });
    }
  }

  #setState(which: 'broker' | 'orders', state: GateState): void {
    if (which === 'broker') this.#brokerState = state;
    else this.#orderState = state;
    const a = this.#brokerState;
    const b = this.#orderState;
    const combined: GateState =
      a === 'open' || b === 'open' ? 'open' : a === 'half-open' || b === 'half-open' ? 'half-open' : 'closed';
    if (this.#state === combined) return;
    this.#state = combined;
    for (const listener of this.#listeners) listener(combined);
  }

  /** Whether the underlying broker breaker is open (for diagnostics). */
  get breakerState(): CircuitState {
    return this.#broker.state;
  }

  /** Refuses everything queued and stops the timer. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    for (const item of this.#queue.splice(0)) {
      item.reject(new BrokerError('UNAVAILABLE', 'the broker client was closed', { local: true }));
    }
  }
}
