/**
 * A trading bot behind the emulated load balancer: small AAPL market orders a few times per
 * second, buying until the symbol exposure limit denies a buy, then selling back to flat. Each
 * order goes to the instance the health check last found ready; on a 503, a connection error
 * or a timeout it goes to the next instance with the same client_order_id (so a retry is
 * idempotent), until one instance decides it.
 */

import type { Key } from '../test/support/gateway-process.ts';
import type { Cluster, Slot } from './failover-cluster.ts';

/** One order the gateway accepted (HTTP 200). */
export interface Acknowledged {
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  /** `performance.now()` of the 200. */
  readonly atMs: number;
  /** From the first attempt to the 200, in ms (retries on other instances included). */
  readonly tookMs: number;
  /** Instances tried, the one that accepted it included. */
  readonly attempts: number;
  /** Why earlier attempts were retried: answer (status and message, or the error) → times. */
  readonly retriedFor: ReadonlyMap<string, number>;
  /** Instance id that accepted it. */
  readonly instanceId: string;
  readonly slot: number;
}

/** Options of {@link OrderClient}. */
export interface OrderClientOptions {
  readonly cluster: Cluster;
  readonly key: Key;
  /** Shares per order. */
  readonly qty: number;
  /** Pause between two orders, in ms. */
  readonly pauseMs: number;
  /** How long one attempt may take before the balancer gives up on that instance, in ms. */
  readonly attemptTimeoutMs: number;
}

type Attempt =
  | { kind: 'decided'; status: number; body: unknown }
  | { kind: 'retry'; why: string; status?: number };

export class OrderClient {
  readonly acknowledged: Acknowledged[] = [];
  /** Denials (403) by code. */
  readonly denied = new Map<string, number>();
  /** Other final answers (4xx/5xx other than 503), by status. */
  readonly failed = new Map<number, number>();
  /** Attempts sent to another instance after a 503, a connection error or a timeout. */
  retries = 0;
  /** Orders sent (client order ids used). */
  sent = 0;
  /** Orders no instance decided before the client stopped. */
  undecided = 0;
  readonly #options: OrderClientOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #position = 0;
  #phase: 'buy' | 'sell' = 'buy';
  #sequence = 0;
  readonly #listeners = new Set<(ack: Acknowledged) => void>();

  constructor(options: OrderClientOptions) {
    this.#options = options;
  }

  /** Called after every acknowledged order. */
  onAcknowledged(listener: (ack: Acknowledged) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Lets the order in flight finish, then stops. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      await this.#one();
      await new Promise((resolve) => setTimeout(resolve, this.#options.pauseMs));
    }
  }

  async #one(): Promise<void> {
    const side = this.#phase;
    const qty = this.#options.qty;
    const clientOrderId = `fo-${process.pid}-${++this.#sequence}-${side}`;
    this.sent++;
    const startedAt = performance.now();
    let attempts = 0;
    const retriedFor = new Map<string, number>();
    const body = { symbol: 'AAPL', qty: String(qty), side, type: 'market', time_in_force: 'day' };
    // A stopping client still finishes the order in flight (for a while), so none is left undecided.
    for (let round = 0; this.#running || round < 50; round++) {
      const slots = this.#order();
      for (const slot of slots) {
        if (round > 0 || slot !== slots[0]) this.retries++;
        attempts++;
        const attempt = await this.#send(slot, { ...body, client_order_id: clientOrderId });
        if (attempt.kind === 'retry') {
          const why = `slot ${slot.index}: ${attempt.status ?? 'no answer'} ${attempt.why.slice(0, 160)}`;
          retriedFor.set(why, (retriedFor.get(why) ?? 0) + 1);
          continue;
        }
        this.#decided(attempt, { clientOrderId, side, qty, slot, startedAt, attempts, retriedFor });
        return;
      }
      // Nobody decided it: a balancer with no healthy backend. Try again shortly.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.undecided++;
  }

  /**
   * Slots in the order the balancer tries them: the ready one first, then the others that answer
   * their health check. One that answers nothing (a frozen process) is left out, as a balancer
   * marks it down, unless no instance answers at all.
   */
  #order(): Slot[] {
    const slots = this.#options.cluster.slots;
    const answering = slots.filter((s) => s.answering);
    const candidates = answering.length > 0 ? answering : slots;
    const first = this.#options.cluster.preferred() ?? candidates[0]!;
    return [first, ...candidates.filter((s) => s !== first)];
  }

  async #send(slot: Slot, body: Record<string, string>): Promise<Attempt> {
    const key = this.#options.key;
    try {
      const response = await fetch(`${slot.url}/v2/orders`, {
        method: 'POST',
        headers: {
          'APCA-API-KEY-ID': key.id,
          'APCA-API-SECRET-KEY': key.secret,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#options.attemptTimeoutMs),
      });
      const text = await response.text();
      if (response.status === 503) return { kind: 'retry', why: text, status: 503 };
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON.
      }
      return { kind: 'decided', status: response.status, body: parsed };
    } catch (error) {
      return { kind: 'retry', why: String(error) };
    }
  }

  #decided(
    attempt: { status: number; body: unknown },
    order: {
      clientOrderId: string;
      side: 'buy' | 'sell';
      qty: number;
      slot: Slot;
      startedAt: number;
      attempts: number;
      retriedFor: ReadonlyMap<string, number>;
    },
  ): void {
    if (attempt.status === 200) {
      const now = performance.now();
      const ack: Acknowledged = {
        tookMs: now - order.startedAt,
        attempts: order.attempts,
        retriedFor: order.retriedFor,
        clientOrderId: order.clientOrderId,
        side: order.side,
        qty: order.qty,
        atMs: now,
        instanceId: order.slot.instanceId,
        slot: order.slot.index,
      };
      this.acknowledged.push(ack);
      this.#position += order.side === 'buy' ? order.qty : -order.qty;
      if (this.#phase === 'sell' && this.#position <= 0) this.#phase = 'buy';
      for (const listener of this.#listeners) listener(ack);
      return;
    }
    if (attempt.status === 403) {
      const body = attempt.body as { riskgate?: { violations?: { code: string }[] } } | undefined;
      const codes = body?.riskgate?.violations?.map((v) => v.code) ?? ['FORBIDDEN'];
      for (const c of codes) this.denied.set(c, (this.denied.get(c) ?? 0) + 1);
      const code = codes.includes('SYMBOL_EXPOSURE_EXCEEDED') ? 'SYMBOL_EXPOSURE_EXCEEDED' : codes[0];
      // The limit is reached: sell back to flat.
      if (order.side === 'buy' && code === 'SYMBOL_EXPOSURE_EXCEEDED') this.#phase = 'sell';
      return;
    }
    this.failed.set(attempt.status, (this.failed.get(attempt.status) ?? 0) + 1);
  }
}
