import { ExponentialBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import { BrokerError, isBrokerError } from '../errors.ts';
import { CircuitGate, type CircuitOptions, type CircuitPath } from './circuit-gate.ts';
import { type HttpRequest, HttpTransport } from './http-transport.ts';
import { type BudgetSnapshot, Pacer } from './pacer.ts';
import type { RequestKind } from './request-class.ts';

/** A parser of a wire body (a zod schema). */
export type Schema<T> = { parse(value: unknown): T };

/** Options of {@link RequestPipeline}. */
export interface PipelineOptions {
  readonly keyId: string;
  readonly secretKey: string;
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly requestsPerMinute?: number;
  readonly maxConcurrent?: number;
  /** Share of the budget entries and client reads may use, in percent (see `PacerOptions`). */
  readonly clientSharePercent?: number;
  /** Read retries: attempts in total and backoff bounds in ms. */
  readonly readRetry?: {
    readonly maxAttempts?: number;
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
  };
  readonly circuit?: CircuitOptions;
}

/**
 * Every request's path to the broker: circuit gate → priority pacer → circuit breaker → HTTP with
 * a timeout → schema. Reads may retry; writes go out once and leave recovery to their caller.
 */
export class RequestPipeline {
  readonly gate: CircuitGate;
  readonly #pacer: Pacer;
  readonly #transport: HttpTransport;
  readonly #readRetry: RetryPolicy;

  constructor(options: PipelineOptions) {
    this.#pacer = new Pacer({
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.maxConcurrent !== undefined ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.clientSharePercent !== undefined ? { clientSharePercent: options.clientSharePercent } : {}),
    });
    this.#transport = new HttpTransport({
      keyId: options.keyId,
      secretKey: options.secretKey,
      timeoutMs: options.timeoutMs,
      onRateLimit: (info) => this.#pacer.observe(info),
    });
    this.gate = new CircuitGate(options.circuit);
    const r = options.readRetry ?? {};
    // Exponential backoff with decorrelated jitter (cockatiel's default), bounded in count and delay.
    this.#readRetry = retry(
      handleWhen((e) => isBrokerError(e, 'UNAVAILABLE') || isBrokerError(e, 'RATE_LIMITED')),
      {
        maxAttempts: Math.max(0, (r.maxAttempts ?? 3) - 1),
        backoff: new ExponentialBackoff({
          initialDelay: r.initialDelayMs ?? 200,
          maxDelay: r.maxDelayMs ?? 5_000,
        }),
      },
    );
  }

  /** How the request budget is used right now. */
  budget(): BudgetSnapshot {
    return this.#pacer.snapshot();
  }

  /**
   * One attempt, no retry: for writes, which are all order requests (order POSTs are never
   * retried here); they count toward the order breaker as well.
   */
  once<T>(kind: RequestKind, req: HttpRequest, schema: Schema<T> | undefined): Promise<T> {
    return this.#attempt(kind, req, schema, 'order');
  }

  /** A read, retried with backoff and jitter on 5xx, timeouts, resets and 429. */
  read<T>(kind: RequestKind, req: HttpRequest, schema: Schema<T>): Promise<T> {
    return this.#readRetry.execute(() => this.#attempt(kind, req, schema, 'read'));
  }

  #attempt<T>(
    kind: RequestKind,
    req: HttpRequest,
    schema: Schema<T> | undefined,
    path: CircuitPath,
  ): Promise<T> {
    return this.gate.run(
      kind,
      (attempt) => this.#pacer.schedule(kind, attempt),
      async () => {
        const response = await this.#transport.request(req);
        if (schema === undefined) return undefined as T;
        try {
          return schema.parse(response.body);
        } catch (error) {
          throw new BrokerError('INVALID_RESPONSE', `${req.method} ${req.path}: unexpected body`, {
            status: response.status,
            cause: error,
          });
        }
      },
      path,
    );
  }

  /** Refuses queued work and stops timers. */
  close(): void {
    this.gate.close();
    this.#pacer.close();
    this.#transport.close();
  }
}
