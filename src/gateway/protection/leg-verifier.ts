import { ORDER_PAGE_LIMIT } from '../../broker/list-open-orders.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import { isStopLeg, type LegExpectation, type LegProblem, legProblem } from '../../broker/protective-legs.ts';
import type { TradeUpdate } from '../../broker/trade-update.ts';
import type { GatewayContext } from '../context.ts';
import { isLive } from '../orders/order-index.ts';

/** How long the trade stream has to show an accepted bracket's legs before they are read back, ms. */
export const LEG_STREAM_WAIT_MS = 100;
/**
 * Least time between two read-backs, ms. A read-back takes every bracket whose wait ends within
 * this time (each is read 50–100 ms after its acceptance), with one list of the recent orders
 * instead of one read each.
 */
export const LEG_READ_COALESCE_MS = 50;
/** Reads of the legs before they count as unconfirmable (with a doubling wait between them). */
const READ_ATTEMPTS = 3;

/** A bracket/OTO accepted with live legs in the broker's answer, not confirmed since. */
interface Pending {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly expected: LegExpectation;
  /** The legs of the answer, by broker id: true once the stream has shown the leg live. */
  readonly legs: Map<string, boolean>;
  /** Broker submission time of the order (epoch ms), to list it by. */
  readonly submittedAt: number;
  /** When its legs are read back if the stream has not shown them (Date.now() ms). */
  readonly dueAt: number;
  /** True once its read-back has started (then retries run on {@link timer}). */
  reading: boolean;
  timer: NodeJS.Timeout | undefined;
  reads: number;
}

/**
 * Confirms the legs of accepted brackets and OTOs after the bot has its answer, so that no
 * second exchange round trip sits on the order's critical path. A leg is confirmed by what the
 * broker reports after accepting the order: the trade stream (the leg's own updates, or the
 * entry's when they carry its legs), or else, after {@link LEG_STREAM_WAIT_MS}, a nested read of
 * the order; the orders due within {@link LEG_READ_COALESCE_MS} of each other are read together,
 * with one nested list of the recent orders of their symbols (a burst of brackets costs one
 * request of the broker's budget, not one each), and one that the list does not show is read on
 * its own. A stop leg found missing or dead raises `PROTECTION_MISSING` (as a failed check at
 * submission always has), the order index learns the legs as they are, and the protection of the
 * symbol is brought back in line: the protection manager places a standalone stop once the
 * position exists, within the grace period the monitor enforces.
 */
export class LegVerifier {
  readonly #ctx: GatewayContext;
  readonly #pending = new Map<string, Pending>();
  /** Broker id of a watched leg → broker id of its entry. */
  readonly #parentOf = new Map<string, string>();
  /** The next read-back of the orders due by then. */
  #flushTimer: NodeJS.Timeout | undefined;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  /** Called when a stop leg is found dead or missing, with the time it was found. */
  onStopLost: (symbol: string, at: number) => void;

  constructor(ctx: GatewayContext, onStopLost: (symbol: string, at: number) => void) {
    this.#ctx = ctx;
    this.onStopLost = onStopLost;
  }

  /** How many accepted orders still wait for their legs to be confirmed. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Starts confirming the legs of an order the broker accepted with them (its answer's legs). */
  watch(order: BrokerOrder, expected: LegExpectation): void {
    if (this.#pending.has(order.id)) return;
    const pending: Pending = {
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      expected,
      legs: new Map(order.legs.map((leg) => [leg.id, false])),
      submittedAt: order.submittedAt ?? order.createdAt,
      dueAt: Date.now() + LEG_STREAM_WAIT_MS,
      reading: false,
      timer: undefined,
      reads: 0,
    };
    this.#pending.set(order.id, pending);
    for (const leg of order.legs) this.#parentOf.set(leg.id, order.id);
    this.#arm();
  }

  /** Takes a trade update (after the order index has applied it). */
  onUpdate(update: TradeUpdate): void {
    const id = update.order.id;
    const parentId = this.#parentOf.get(id) ?? id;
    const pending = this.#pending.get(parentId);
    if (pending === undefined) return;
    if (id === parentId) {
      // The entry's own report confirms the legs when it carries them.
      if (update.order.legs.length > 0 || !this.#working(update.order)) {
        this.#finish(pending);
        this.#judge(pending, update.order, 'stream');
      }
      return;
    }
    const leg = update.order;
    if (isLive(leg.status)) {
      pending.legs.set(id, true);
      if ([...pending.legs.values()].every(Boolean)) this.#finish(pending);
      return;
    }
    this.#finish(pending);
    // A filled leg did its job; a cancel comes from the bot, the gateway or the group's own rules,
    // and the protection manager brings the protection back from the index either way.
    if (leg.status === 'filled' || leg.status === 'canceled' || !isStopLeg(leg)) return;
    this.#lost(pending, {
      problem: 'stop-leg-not-live',
      message: `order ${parentId}: its stop-loss leg is ${leg.status}`,
      stopLegStatus: leg.status,
    });
  }

  /** Stops every pending confirmation (shutdown). */
  close(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    for (const pending of this.#pending.values()) clearTimeout(pending.timer);
    this.#pending.clear();
    this.#parentOf.clear();
  }

  /** Sets the timer of the next read-back, if an order waits for one and none is set. */
  #arm(): void {
    if (this.#flushTimer !== undefined) return;
    let next = Number.POSITIVE_INFINITY;
    for (const pending of this.#pending.values()) if (!pending.reading) next = Math.min(next, pending.dueAt);
    if (next === Number.POSITIVE_INFINITY) return;
    const at = Math.max(next, this.#lastFlushAt + LEG_READ_COALESCE_MS);
    this.#flushTimer = setTimeout(() => this.#flush(), Math.max(0, at - Date.now())).unref();
  }

  /** Reads back the legs of every order due now: on its own when alone, else with one list. */
  #flush(): void {
    this.#flushTimer = undefined;
    const now = Date.now();
    this.#lastFlushAt = now;
    // Those due before the next read-back could start are read now, a little early.
    const due = [...this.#pending.values()].filter(
      (p) => !p.reading && p.dueAt <= now + LEG_READ_COALESCE_MS,
    );
    for (const pending of due) pending.reading = true;
    for (let i = 0; i < due.length; i += ORDER_PAGE_LIMIT) {
      const batch = due.slice(i, i + ORDER_PAGE_LIMIT);
      if (batch.length === 1) void this.#read(batch[0]!);
      else void this.#readTogether(batch);
    }
    this.#arm();
  }

  /**
   * One nested list of the orders submitted since the oldest of `batch`, on their symbols (status
   * `all`: a filled or cancelled entry is listed too). An order the list does not show, and every
   * order when the list fails, is read on its own, with its retries.
   */
  async #readTogether(batch: readonly Pending[]): Promise<void> {
    let listed: readonly BrokerOrder[];
    try {
      listed = await this.#ctx.broker.listOrders({
        status: 'all',
        nested: true,
        direction: 'asc',
        limit: ORDER_PAGE_LIMIT,
        after: Math.floor(Math.min(...batch.map((p) => p.submittedAt))) - 1,
        symbols: [...new Set(batch.map((p) => p.symbol))],
      });
    } catch {
      for (const pending of batch) void this.#read(pending);
      return;
    }
    const byId = new Map(listed.map((o) => [o.id, o]));
    for (const pending of batch) {
      const order = byId.get(pending.orderId);
      if (order === undefined) void this.#read(pending);
      else this.#confirm(pending, order);
    }
  }

  async #read(pending: Pending): Promise<void> {
    pending.timer = undefined;
    if (this.#pending.get(pending.orderId) !== pending) return;
    let order: BrokerOrder;
    try {
      order = await this.#ctx.broker.getOrder(pending.orderId, { nested: true });
    } catch (error) {
      if (this.#pending.get(pending.orderId) !== pending) return;
      pending.reads += 1;
      if (pending.reads < READ_ATTEMPTS) {
        const wait = LEG_STREAM_WAIT_MS * 2 ** pending.reads;
        pending.timer = setTimeout(() => void this.#read(pending), wait).unref();
        return;
      }
      this.#finish(pending);
      this.#alert(pending, 'confirmation-failed', undefined);
      this.#ctx.log.warn(
        { clientOrderId: pending.clientOrderId, error: String(error) },
        'bracket legs could not be read back',
      );
      return;
    }
    this.#confirm(pending, order);
  }

  /** Takes the order as a read-back reported it. */
  #confirm(pending: Pending, order: BrokerOrder): void {
    // Confirmed by the stream while the read was under way.
    if (this.#pending.get(pending.orderId) !== pending) return;
    this.#finish(pending);
    // The index learns the legs as read, never the entry: a read can show the entry filled before
    // the trade stream has brought its fill to the engine, and an index ahead of the engine would
    // take the legs of a filled entry on a (still) flat symbol for strays, and cancel the stop leg.
    // The entry's own status comes from the stream, together with its fill.
    for (const leg of order.legs) this.#ctx.orders.upsert(leg, order.id);
    this.#judge(pending, order, 'read');
  }

  /** Checks the legs as the broker reported them after the acceptance. */
  #judge(pending: Pending, order: BrokerOrder, source: 'stream' | 'read'): void {
    // An entry that ended unfilled took its legs with it: there is nothing to protect.
    if (!this.#working(order)) return;
    const found = legProblem(order, pending.expected);
    if (found === undefined) return;
    // A stop leg cancelled on a filled entry: the gateway's own release for an exit, or the
    // group's rules; the protection manager restores coverage from the index either way.
    if (found.stopLegStatus === 'canceled' && order.status === 'filled') return;
    if (source === 'read') this.#forgetAbsentLegs(pending, order);
    this.#lost(pending, found);
  }

  /** Legs of the answer the broker no longer lists protect nothing: the index stops counting them. */
  #forgetAbsentLegs(pending: Pending, order: BrokerOrder): void {
    const listed = new Set(order.legs.map((leg) => leg.id));
    for (const id of pending.legs.keys()) {
      const tracked = this.#ctx.orders.get(id);
      if (listed.has(id) || tracked === undefined || !isLive(tracked.status)) continue;
      this.#ctx.orders.upsert({ ...tracked.order, status: 'canceled' }, pending.orderId);
    }
  }

  #lost(pending: Pending, found: LegProblem): void {
    this.#alert(pending, found.problem, found.stopLegStatus);
    this.#ctx.log.warn({ clientOrderId: pending.clientOrderId, problem: found.problem }, found.message);
    this.onStopLost(pending.symbol, this.#ctx.clock.now());
  }

  #alert(pending: Pending, problem: string, stopLegStatus: string | undefined): void {
    // An unconfirmed leg may still be live: a standalone stop beside it would hold the shares
    // twice, so the protection monitor's check of the broker's orders decides.
    const what =
      problem === 'confirmation-failed'
        ? 'could not be confirmed; the protection monitor checks it against the broker'
        : `is ${stopLegStatus ?? 'missing'}; a standalone stop will be placed`;
    this.#ctx.alerts.raise({
      code: 'PROTECTION_MISSING',
      severity: 'warning',
      message: `stop leg of ${pending.clientOrderId} (${pending.symbol}) ${what}`,
      data: { clientOrderId: pending.clientOrderId, problem },
    });
  }

  /** True while the entry can still fill or has filled (its legs then protect the position). */
  #working(order: BrokerOrder): boolean {
    return isLive(order.status) || order.status === 'filled';
  }

  #finish(pending: Pending): void {
    clearTimeout(pending.timer);
    pending.timer = undefined;
    if (this.#pending.get(pending.orderId) === pending) this.#pending.delete(pending.orderId);
    for (const id of pending.legs.keys()) this.#parentOf.delete(id);
  }
}
