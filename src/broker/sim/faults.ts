import { type Random, seededRandom } from './seeded-random.ts';

/** Which requests a fault applies to: method and a path prefix (or a regex when it starts with `^`). */
export interface RouteMatch {
  readonly method?: string;
  readonly path?: string;
}

/** When a request fault strikes: before the exchange acts on the request, or after (the ambiguous case). */
export type FaultTiming = 'before' | 'after';

interface Common {
  readonly match?: RouteMatch;
  /** How many times the fault fires before it is spent; unlimited when omitted. */
  readonly count?: number;
}

/** A fault the simulated exchange can be told to inject. */
export type FaultSpec =
  | (Common & { readonly kind: 'latency'; readonly ms: number })
  | (Common & { readonly kind: 'hang'; readonly when?: FaultTiming })
  | (Common & {
      readonly kind: 'error';
      readonly status?: number;
      readonly when?: FaultTiming;
      /** Chance (0–1) that a matching request fails; deterministic with `seed`. */
      readonly probability?: number;
      readonly seed?: number;
    })
  | (Common & { readonly kind: 'reset'; readonly when?: FaultTiming })
  | { readonly kind: 'drop-stream-events'; readonly events?: readonly string[]; readonly count?: number }
  | {
      readonly kind: 'delay-stream-events';
      readonly ms: number;
      readonly events?: readonly string[];
      readonly count?: number;
    }
  | { readonly kind: 'disconnect-stream' }
  | {
      readonly kind: 'reject-stop-leg';
      readonly symbol?: string;
      readonly count?: number;
      /**
       * `before` (default): the POST's answer already shows the leg rejected. `after`: the answer
       * shows it `held`, and the exchange rejects it right after answering.
       */
      readonly when?: FaultTiming;
    }
  | {
      readonly kind: 'partial-fill';
      readonly fraction: number;
      readonly symbol?: string;
      readonly count?: number;
    };

/** What to do to one HTTP request. */
export interface HttpFaultPlan {
  readonly latencyMs: number;
  readonly action?: {
    readonly kind: 'hang' | 'reset' | 'error';
    readonly when: FaultTiming;
    readonly status: number;
    readonly faultId: string;
  };
}

interface Active {
  readonly id: string;
  readonly spec: FaultSpec;
  remaining: number;
  readonly random: Random;
  readonly removed: Promise<void>;
  readonly markRemoved: () => void;
}

/** Holds the active faults and answers, per request or event, which of them apply. */
export class FaultInjector {
  readonly #active = new Map<string, Active>();
  readonly #changeListeners = new Set<() => void>();
  /** Hangs whose count is spent: they match no new request but still hold theirs until removed. */
  readonly #hangsHolding = new Map<string, Active>();
  #nextId = 1;

  /** Adds a fault and returns its id. */
  add(spec: FaultSpec): string {
    validateFault(spec);
    const id = `fault-${this.#nextId++}`;
    let markRemoved: () => void = () => {};
    const removed = new Promise<void>((resolve) => {
      markRemoved = resolve;
    });
    const seed = spec.kind === 'error' ? (spec.seed ?? 1) : 1;
    const count = 'count' in spec && spec.count !== undefined ? spec.count : Number.POSITIVE_INFINITY;
    this.#active.set(id, { id, spec, remaining: count, random: seededRandom(seed), removed, markRemoved });
    this.#changed();
    return id;
  }

  /** Removes one fault; requests it was holding are released. */
  remove(id: string): boolean {
    const fault = this.#active.get(id) ?? this.#hangsHolding.get(id);
    if (fault === undefined) return false;
    this.#active.delete(id);
    this.#hangsHolding.delete(id);
    fault.markRemoved();
    this.#changed();
    return true;
  }

  /** Removes every fault. */
  clear(): void {
    for (const id of [...this.#active.keys(), ...this.#hangsHolding.keys()]) this.remove(id);
  }

  list(): Array<{ id: string; spec: FaultSpec; remaining: number | null }> {
    return [...this.#active.values()].map((f) => ({
      id: f.id,
      spec: f.spec,
      remaining: Number.isFinite(f.remaining) ? f.remaining : null,
    }));
  }

  /** Resolves when the fault is removed (hung requests wait on this). */
  whenRemoved(id: string): Promise<void> {
    return (this.#active.get(id) ?? this.#hangsHolding.get(id))?.removed ?? Promise.resolve();
  }

  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** The plan for one HTTP request; consumes counts of the faults that fire. */
  forRequest(method: string, path: string): HttpFaultPlan {
    let latencyMs = 0;
    let action: HttpFaultPlan['action'];
    for (const fault of [...this.#active.values()]) {
      const spec = fault.spec;
      if (spec.kind !== 'latency' && spec.kind !== 'hang' && spec.kind !== 'error' && spec.kind !== 'reset')
        continue;
      if (!matches(spec.match, method, path)) continue;
      if (spec.kind === 'latency') {
        latencyMs += spec.ms;
        this.#consume(fault);
        continue;
      }
      if (action !== undefined) continue;
      if (spec.kind === 'error' && spec.probability !== undefined && fault.random() >= spec.probability)
        continue;
      action = {
        kind: spec.kind,
        when: spec.when ?? 'before',
        status: spec.kind === 'error' ? (spec.status ?? 503) : 0,
        faultId: fault.id,
      };
      // A hang holds its request until the fault is removed, so it is spent only by removal.
      if (spec.kind !== 'hang') this.#consume(fault);
      else if (--fault.remaining <= 0) this.#spentHang(fault);
    }
    return action === undefined ? { latencyMs } : { latencyMs, action };
  }

  /** Whether to drop a stream event, and how long to delay it. */
  forStreamEvent(event: string): { drop: boolean; delayMs: number } {
    let delayMs = 0;
    for (const fault of [...this.#active.values()]) {
      const spec = fault.spec;
      if (spec.kind === 'drop-stream-events' && (spec.events === undefined || spec.events.includes(event))) {
        this.#consume(fault);
        return { drop: true, delayMs: 0 };
      }
      if (spec.kind === 'delay-stream-events' && (spec.events === undefined || spec.events.includes(event))) {
        delayMs += spec.ms;
        this.#consume(fault);
      }
    }
    return { drop: false, delayMs };
  }

  /** True while a `disconnect-stream` fault is active. */
  streamDisconnected(): boolean {
    return [...this.#active.values()].some((f) => f.spec.kind === 'disconnect-stream');
  }

  /**
   * When the stop leg of a new bracket/OTO must be rejected (once per count): `before` the POST is
   * answered, or `after`; undefined when it is not rejected.
   */
  rejectStopLeg(symbol: string): FaultTiming | undefined {
    const spec = this.#fireFor('reject-stop-leg', symbol);
    return spec?.kind === 'reject-stop-leg' ? (spec.when ?? 'before') : undefined;
  }

  /** Fraction of the remaining quantity to fill, when a partial-fill fault applies. */
  partialFillFraction(symbol: string): number | undefined {
    const spec = this.#fireFor('partial-fill', symbol);
    return spec?.kind === 'partial-fill' ? spec.fraction : undefined;
  }

  #fireFor(kind: 'reject-stop-leg' | 'partial-fill', symbol: string): FaultSpec | undefined {
    for (const fault of this.#active.values()) {
      const spec = fault.spec;
      if (spec.kind !== kind || (spec.symbol !== undefined && spec.symbol !== symbol)) continue;
      this.#consume(fault);
      return spec;
    }
    return undefined;
  }

  #consume(fault: Active): void {
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.remove(fault.id);
  }

  /** A hang whose count is used up stops matching new requests but keeps holding its own. */
  #spentHang(fault: Active): void {
    this.#active.delete(fault.id);
    this.#hangsHolding.set(fault.id, fault);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#changeListeners) listener();
  }
}

function matches(match: RouteMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path === undefined) return true;
  return match.path.startsWith('^') ? new RegExp(match.path).test(path) : path.startsWith(match.path);
}

const KINDS = new Set([
  'latency',
  'hang',
  'error',
  'reset',
  'drop-stream-events',
  'delay-stream-events',
  'disconnect-stream',
  'reject-stop-leg',
  'partial-fill',
]);

/** Throws a RangeError naming the problem when a fault spec is malformed (admin input). */
export function validateFault(spec: FaultSpec): void {
  if (typeof spec !== 'object' || spec === null || !KINDS.has(spec.kind)) {
    throw new RangeError(`unknown fault kind; expected one of ${[...KINDS].join(', ')}`);
  }
  if ((spec.kind === 'latency' || spec.kind === 'delay-stream-events') && !(spec.ms >= 0)) {
    throw new RangeError(`${spec.kind}: ms must be a non-negative number`);
  }
  if (spec.kind === 'error' && spec.status !== undefined && !(spec.status >= 400 && spec.status <= 599)) {
    throw new RangeError('error: status must be a 4xx (a refusal) or 5xx code');
  }
  if (spec.kind === 'partial-fill' && !(spec.fraction > 0 && spec.fraction < 1)) {
    throw new RangeError('partial-fill: fraction must be between 0 and 1 (exclusive)');
  }
  if ('count' in spec && spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
    throw new RangeError('count must be a positive integer');
  }
}
