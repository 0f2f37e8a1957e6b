import { isBrokerError, ProtectionMissingError } from '../../broker/errors.ts';
import type { BrokerOrder } from '../../broker/order-types.ts';
import type { Decision } from '../../core/decision.ts';
import type { RiskActions } from '../../core/engine-types.ts';
import type { OrderIntent } from '../../core/order.ts';
import { decisionAuditEvent } from '../../store/audit-events.ts';
import type { OrderRecord } from '../../store/order-types.ts';
import type { Principal } from '../auth/api-key-auth.ts';
import type { GatewayContext } from '../context.ts';
import { denialReply, type ErrorReply, invalidReply, unavailableReply } from '../http/alpaca-errors.ts';
import { optionUnderlying } from '../options/option-instruments.ts';
import type { ProtectionManager } from '../protection/protection-manager.ts';
import { ensureMark } from '../risk/ensure-mark.ts';
import { storeStatus } from '../risk/position-closer.ts';
import { parseOrderRequest } from '../wire/parse-order-request.ts';
import { renderOrder } from '../wire/render.ts';
import { brokerErrorReply } from './broker-error-reply.ts';
import { logDecision } from './decision-log.ts';
import { recordFromOrder } from './order-record-view.ts';

/** An HTTP answer of the order path. */
export type Reply = ErrorReply | { readonly status: number; readonly body: unknown };

/** How long an exit queued behind an open broker circuit holds the request before answering. */
const QUEUED_EXIT_WAIT_MS = 2_000;
/** Attempts at an exit that was answered as queued and then failed at the broker. */
const QUEUED_EXIT_ATTEMPTS = 5;
/** Wait between those attempts, in ms. */
const QUEUED_EXIT_RETRY_MS = 2_000;

/** The client order id a dry run without one is checked under (no order is created). */
export const DRY_RUN_ID = 'rg-dry-run';

/**
 * The order path: schema → the engine's synchronous check (which reserves the order, so
 * concurrent requests cannot together pass a limit) → the intent committed to the store, whose
 * unique client order id turns a repeated id into the order it already created → the broker
 * (protection sent as a bracket or OTO) → the reply, while the acknowledgement is committed.
 * Rejections release the reservation. Only an id the gateway may already know (reserved in the
 * engine, or tracked at the broker) is looked up in the store before the check.
 */
export class OrderFlow {
  readonly #ctx: GatewayContext;
  readonly #inFlight = new Map<string, Promise<Reply>>();
  /** Settles when the acknowledgement of a client order id is committed (trade updates wait on it). */
  readonly #acks = new Map<string, Promise<void>>();

  readonly #onActions: (actions: RiskActions) => void;
  readonly #protection: ProtectionManager;

  constructor(ctx: GatewayContext, onActions: (actions: RiskActions) => void, protection: ProtectionManager) {
    this.#ctx = ctx;
    this.#onActions = onActions;
    this.#protection = protection;
  }

  /**
   * Makes sure the engine has a fresh mark for a symbol before checking an order in it: the
   * first order in a symbol the monitor does not watch yet fetches its quote once.
   */
  async #ensureMark(symbol: string): Promise<void> {
    const ctx = this.#ctx;
    ctx.watchList.noteOrder(symbol);
    // Paced as client traffic unless it marks a position (whose exits must not wait).
    const position = ctx.risk.engine.book.symbols.get(symbol)?.position;
    await ensureMark(ctx, symbol, this.#onActions, position === undefined ? 'client' : 'monitor');
  }

  /** Resolves once the submission of this client order id (if any is in flight) is recorded. */
  settled(clientOrderId: string): Promise<void> {
    return this.#acks.get(clientOrderId) ?? Promise.resolve();
  }

  /** Handles `POST /v2/orders`. */
  submit(body: unknown, principal: Principal, strategy: string | undefined): Promise<Reply> {
    const parsed = parseOrderRequest(body, strategy);
    if (!parsed.ok) return Promise.resolve(invalidReply(parsed.issues));
    const id = parsed.intent.clientOrderId;
    // A retry racing the first request gets the first request's answer, never a second order.
    const running = this.#inFlight.get(id);
    if (running !== undefined) return running;
    const work = this.#submit(parsed.intent, principal);
    this.#inFlight.set(id, work);
    void work.finally(() => this.#inFlight.delete(id));
    return work;
  }

  /**
   * A dry run: the engine's decision without reserving anything. Dry runs are counted in the
   * metrics, not audited one by one; an order without a client order id is checked under a
   * placeholder, since no order is created.
   */
  check(body: unknown, strategy: string | undefined): Reply {
    const parsed = parseOrderRequest(body, strategy, DRY_RUN_ID);
    if (!parsed.ok) return invalidReply(parsed.issues);
    this.#ctx.watchList.noteDryRun(parsed.intent.symbol);
    const start = performance.now();
    const decision = this.#ctx.risk.engine.validateOrder(parsed.intent, { dryRun: true });
    this.#ctx.metrics.observeCheck('check', (performance.now() - start) / 1000, decision.kind);
    return { status: 200, body: describeDecision(decision, parsed.intent) };
  }

  /**
   * True when a client order id may already belong to an order: one reserved in the engine or
   * known at the broker. Only these are looked up in the store before the check; for any other
   * id the intent's unique client order id is the guard (see {@link #submit}).
   */
  #mayExist(clientOrderId: string): boolean {
    return (
      this.#ctx.risk.engine.book.working.has(clientOrderId) ||
      this.#ctx.orders.byClientId(clientOrderId) !== undefined
    );
  }

  async #submit(intent: OrderIntent, principal: Principal): Promise<Reply> {
    const ctx = this.#ctx;
    const id = intent.clientOrderId;
    if (this.#mayExist(id)) {
      const known = await this.#known(intent);
      if (known !== undefined) return known;
    }
    await this.#ensureMark(intent.symbol);
    // Checked again after the await: a trade update may have brought the id in meanwhile, and
    // the engine must never reserve one client order id twice.
    if (this.#mayExist(id)) {
      const known = await this.#known(intent);
      if (known !== undefined) return known;
    }

    const engine = ctx.risk.engine;
    const start = performance.now();
    let decision = engine.validateOrder(intent);
    ctx.metrics.observeCheck('order', (performance.now() - start) / 1000);
    if (decision.kind === 'deny' && decision.violations.some((v) => v.code === 'DUPLICATE_CLIENT_ORDER_ID')) {
      // The duplicate rule remembers ids across restarts; such a retry gets its order back, and
      // one that never reached the broker (forgotten by #known) gets a fresh check.
      const known = await this.#known(intent);
      if (known !== undefined) return known;
      if (!engine.book.working.has(id)) decision = engine.validateOrder(intent);
    }
    if (decision.kind === 'deny') {
      this.#recordDecision(decision, intent, principal);
      return denialReply(decision.violations, { effect: decision.effect });
    }

    const toSend = sendable(
      decision.kind === 'accept-modified' ? decision.order : intent,
      intent,
      decision.effect,
    );
    const exit = decision.effect === 'reduce' || decision.effect === 'close';
    ctx.watchList.noteOrder(toSend.symbol);
    if (!exit && ctx.broker.circuitState === 'open') {
      engine.onOrderClosed(id);
      this.#recordDecision(decision, intent, principal, 'BROKER_UNAVAILABLE');
      return denialReply([
        {
          code: 'BROKER_UNAVAILABLE',
          ruleId: 'broker-circuit',
          message: 'circuit=open: the broker failed repeatedly; entries are refused, exits are queued',
          values: { circuit: 'open' },
        },
      ]);
    }
    let recorded: Awaited<ReturnType<typeof ctx.store.orders.recordIntent>>;
    try {
      recorded = await ctx.store.orders.recordIntent(toSend, { at: Date.now() });
    } catch (error) {
      // While the store is down an exit's intent is journalled locally and the exit sent.
      const journalled = exit ? ctx.durability.orders.journalIntent(toSend, error) : undefined;
      if (journalled === undefined) {
        engine.onOrderClosed(id);
        this.#recordDecision(decision, intent, principal, 'STORE_UNAVAILABLE');
        return unavailableReply('STORE_UNAVAILABLE', 'the intent could not be recorded; nothing was sent');
      }
      recorded = journalled;
    }
    if (!recorded.created) {
      // The id was used before (by an order this process no longer tracks): release what this
      // check reserved and answer with that order, as for any repeated client order id, unless
      // it never reached the broker: then this check stands and it is sent now.
      const answer = await this.#repeated(recorded.order, intent);
      if (answer !== 'send') {
        engine.onOrderClosed(id);
        return answer;
      }
    }
    this.#recordDecision(decision, intent, principal);
    let settle: () => void = () => {};
    this.#acks.set(
      id,
      new Promise<void>((resolve) => {
        settle = () => {
          this.#acks.delete(id);
          resolve();
        };
      }),
    );
    const sending = this.#route(toSend, decision.effect).then(
      ({ reply, committed }) => {
        void committed.finally(settle);
        return reply;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    if (!exit || ctx.broker.circuitState === 'closed' || ctx.broker.circuitState === undefined)
      return sending;
    // An exit waiting behind an open circuit is answered as accepted and sent when the broker is back.
    let answeredQueued = false;
    const queued = new Promise<Reply>((resolve) =>
      setTimeout(() => {
        answeredQueued = true;
        resolve({ status: 200, body: queuedOrderBody(toSend) });
      }, QUEUED_EXIT_WAIT_MS).unref(),
    );
    void sending.then((reply) => {
      if (answeredQueued && reply.status >= 300) void this.#retryQueuedExit(toSend, reply, 1);
    });
    return Promise.race([sending, queued]);
  }

  /**
   * An exit the bot was told is queued failed at the broker: that is an alert, and it is sent
   * again through the protection manager (the position's protection is freed and restored around
   * it) until it is accepted or the position no longer needs it.
   */
  async #retryQueuedExit(intent: OrderIntent, failure: Reply, attempt: number): Promise<void> {
    const ctx = this.#ctx;
    ctx.alerts.raise({
      code: 'QUEUED_EXIT_FAILED',
      severity: 'critical',
      message: `exit ${intent.clientOrderId} (${intent.side} ${intent.qty} ${intent.symbol}) was queued and then failed at the broker (attempt ${attempt}): ${JSON.stringify(failure.body)}`,
      data: { clientOrderId: intent.clientOrderId, attempt },
    });
    if (attempt >= QUEUED_EXIT_ATTEMPTS) return;
    await new Promise((resolve) => setTimeout(resolve, QUEUED_EXIT_RETRY_MS).unref());
    const position = this.#protection.positionQty(intent.symbol);
    const closing = intent.side === 'sell' ? position > 0 : position < 0;
    if (!closing) return; // flat or turned around meanwhile: nothing left to exit
    const retry: OrderIntent = {
      ...intent,
      clientOrderId: `${intent.clientOrderId.slice(0, 100)}-r${attempt}`,
      qty: Math.min(intent.qty, Math.abs(position)),
    };
    try {
      await ctx.store.orders.recordIntent(retry, { at: Date.now() });
    } catch {
      // Store down: send anyway, an exit is never held back by the store.
    }
    const { reply } = await this.#route(retry, 'reduce');
    if (reply.status >= 300) await this.#retryQueuedExit(retry, reply, attempt + 1);
  }

  /**
   * Sends an order the engine accepted through the protection manager: exits (and flips) free the
   * position's protection first, adds lift it for the add, and entries in a flat symbol go as they
   * are (their legs become the position's protection once they fill).
   */
  #route(
    toSend: OrderIntent,
    effect: Decision['effect'],
  ): Promise<{ reply: Reply; committed: Promise<void> }> {
    const position = this.#protection.positionQty(toSend.symbol);
    const closing = position !== 0 && (toSend.side === 'sell') === position > 0;
    if (closing || effect === 'reduce' || effect === 'close' || effect === 'flip') {
      return this.#protection.exit(toSend, (order) => this.#send(order, effect !== 'flip'));
    }
    if (position !== 0) return this.#protection.add(toSend, (order) => this.#send(order, false));
    return this.#send(toSend, false);
  }

  /** The answer for a client order id already used, or undefined when nothing has it. */
  async #known(intent: OrderIntent): Promise<Reply | undefined> {
    const clientOrderId = intent.clientOrderId;
    let stored: OrderRecord | null;
    try {
      stored = await this.#ctx.store.orders.get(clientOrderId);
    } catch {
      return unavailableReply('STORE_UNAVAILABLE', 'the order store cannot be read; nothing was sent');
    }
    if (stored !== null) {
      const answer = await this.#repeated(stored, intent);
      if (answer !== 'send') return answer;
      // Recorded but never sent: checked and sent like a new order.
      this.#ctx.risk.engine.forgetOrder(clientOrderId);
      return undefined;
    }
    // Placed at the broker without riskgate: the broker holds the id, so no second order either.
    const tracked = this.#ctx.orders.byClientId(clientOrderId);
    return tracked === undefined ? undefined : { status: 200, body: renderOrder(tracked.order) };
  }

  /**
   * Sends the order. Resolves (never rejects) with the reply as soon as the broker has answered,
   * and with the commit of the acknowledgement, which runs on in the background: a crash before
   * it lands leaves an unacknowledged intent, which a restart settles by client order id.
   */
  async #send(toSend: OrderIntent, exit: boolean): Promise<{ reply: Reply; committed: Promise<void> }> {
    const ctx = this.#ctx;
    const id = toSend.clientOrderId;
    const answer = (reply: Reply, committed: Promise<void> = Promise.resolve()) => ({ reply, committed });
    try {
      const submitted = await ctx.metrics.timeBroker('submitOrder', () =>
        ctx.broker.submitOrder({
          ...toSend,
          intent: exit ? 'exit' : 'entry',
          // An exit that carries a stop is an OCO: the bot's limit and the position's stop.
          ...(exit && toSend.protection !== undefined ? { orderClass: 'oco' as const } : {}),
          // The legs in the broker's answer are checked now, and confirmed after the reply.
          legConfirmation: 'reply',
        }),
      );
      if (submitted.protection === 'in-reply') {
        this.#protection.legs.watch(submitted.order, {
          stopLoss: toSend.protection?.stopLoss !== undefined,
          takeProfit: toSend.protection?.takeProfit !== undefined,
        });
      }
      return answer({ status: 200, body: renderOrder(submitted.order) }, this.#acknowledge(submitted.order));
    } catch (error) {
      if (error instanceof ProtectionMissingError) {
        // The entry exists at the broker; the protection monitor places the missing stop.
        const order =
          error.order ?? (await ctx.broker.getOrder(error.orderId, { nested: true }).catch(() => undefined));
        ctx.alerts.raise({
          code: 'PROTECTION_MISSING',
          severity: 'warning',
          message: `stop leg of ${id} (${toSend.symbol}) is ${error.stopLegStatus ?? 'missing'}; a standalone stop will be placed`,
          data: { clientOrderId: id, problem: error.problem },
        });
        if (order !== undefined) {
          return answer({ status: 200, body: renderOrder(order) }, this.#acknowledge(order));
        }
        return answer(
          unavailableReply('PROTECTION_MISSING', `order ${id} was accepted but could not be read back`),
        );
      }
      if (isBrokerError(error, 'UNAVAILABLE')) {
        // Outcome unknown: keep the reservation and the intent; reconciliation settles it.
        return answer(
          unavailableReply(
            'BROKER_UNAVAILABLE',
            `the broker did not answer; retry with the same client_order_id ${id} to learn the outcome`,
          ),
        );
      }
      ctx.risk.engine.onOrderClosed(id);
      await ctx.durability.orders
        .transition(id, { to: 'submit_failed', at: Date.now(), reason: String((error as Error).message) })
        .catch(() => undefined);
      if (isBrokerError(error, 'CIRCUIT_OPEN')) {
        return answer(
          denialReply([
            {
              code: 'BROKER_UNAVAILABLE',
              ruleId: 'broker-circuit',
              message: 'circuit=open: the broker failed repeatedly; entries are refused',
              values: { circuit: 'open' },
            },
          ]),
        );
      }
      return answer(brokerErrorReply(error));
    }
  }

  /**
   * Tracks the broker's order at once; resolves when its acknowledgement is committed (never
   * rejects). The commit starts on the next turn of the event loop: the embedded store writes
   * synchronously, and the reply should be on its way before it does.
   */
  #acknowledge(order: BrokerOrder): Promise<void> {
    const ctx = this.#ctx;
    ctx.orders.upsert(order);
    ctx.hub.publish('order', { event: 'accepted', order: renderOrder(order) });
    const stopLeg = order.legs.find((l) => l.type === 'stop' || l.type === 'stop_limit');
    const takeProfitLeg = order.legs.find((l) => l.type === 'limit');
    const ack = {
      brokerOrderId: order.id,
      status: storeStatus(order.status),
      legs: { takeProfit: takeProfitLeg?.id ?? null, stopLoss: stopLeg?.id ?? null },
      at: Date.now(),
    };
    return new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => ctx.durability.orders.recordAck(order.clientOrderId, ack))
      .then(
        () => undefined,
        (error: unknown) => {
          ctx.log.error({ clientOrderId: order.clientOrderId, error: String(error) }, 'ack not recorded');
        },
      );
  }

  /**
   * A client order id seen before: the same order again gets the order it created; one whose
   * intent was recorded but never reached the broker is to be sent now (`'send'`, after this
   * request's fresh check); a different order under the same id, or one that was refused, is a 422.
   */
  async #repeated(stored: OrderRecord, intent: OrderIntent): Promise<Reply | 'send'> {
    const difference = differingField(stored.intent, intent);
    if (difference !== undefined) {
      return invalidReply([
        {
          field: 'client_order_id',
          expected: `a new id: ${intent.clientOrderId} is already used by a different order (${difference.field} ${String(difference.stored)} there, ${String(difference.sent)} here)`,
        },
      ]);
    }
    if (stored.brokerOrderId !== null) return this.existing(stored);
    const ctx = this.#ctx;
    try {
      await ctx.broker.getOrderByClientId(stored.clientOrderId);
      return this.existing(stored);
    } catch (error) {
      if (!isBrokerError(error, 'NOT_FOUND')) {
        return unavailableReply(
          'BROKER_UNAVAILABLE',
          `order ${stored.clientOrderId} was recorded but the broker cannot be asked whether it has it; retry with the same client_order_id`,
        );
      }
    }
    if (stored.status === 'pending_submit') return 'send';
    return invalidReply([
      {
        field: 'client_order_id',
        expected: `a new id: ${stored.clientOrderId} was not placed (${stored.status}${stored.statusReason === null ? '' : `: ${stored.statusReason}`})`,
      },
    ]);
  }

  /** Answers a repeated client order id with the order it already created. */
  async existing(stored: OrderRecord): Promise<Reply> {
    const ctx = this.#ctx;
    try {
      const order =
        stored.brokerOrderId !== null
          ? await ctx.broker.getOrder(stored.brokerOrderId, { nested: true })
          : await ctx.broker.getOrderByClientId(stored.clientOrderId);
      if (stored.brokerOrderId === null) await this.#acknowledge(order);
      return { status: 200, body: renderOrder(order) };
    } catch {
      return { status: 200, body: renderOrder(recordFromOrder(stored)) };
    }
  }

  /** Counts, publishes, audits and logs a decision; `refused` when the gateway refused an accepted order. */
  #recordDecision(decision: Decision, intent: OrderIntent, principal: Principal, refused?: string): void {
    const ctx = this.#ctx;
    logDecision(ctx.log, decision, intent, principal, refused);
    const codes = decision.kind === 'deny' ? decision.violations.map((v) => v.code) : ['none'];
    for (const code of new Set(codes)) ctx.metrics.decisions.inc({ outcome: decision.kind, code });
    ctx.hub.publish('decision', { clientOrderId: intent.clientOrderId, symbol: intent.symbol, decision });
    const event = decisionAuditEvent(decision, { at: Date.now(), actor: principal.keyId, order: intent });
    ctx.store.audit.append(event).catch((error: unknown) => {
      ctx.log.error({ error: String(error) }, 'audit of a decision failed');
    });
  }
}

/**
 * What is sent for an accepted order: the protection the engine attached to an entry in a flat
 * symbol stays (it becomes the position's protection); on an add or an exit it is dropped, since
 * the protection manager protects the whole position with one set of orders.
 */
function sendable(checked: OrderIntent, original: OrderIntent, effect: Decision['effect']): OrderIntent {
  // The broker takes no bracket or OTO on an option contract: its protection is placed by the
  // protection manager once it fills, as for any position without legs.
  const option = checked.protection !== undefined && optionUnderlying(checked.symbol) !== undefined;
  if (!option && (effect === 'open' || checked.protection === undefined || original.protection !== undefined))
    return checked;
  const { protection: _attached, ...rest } = checked;
  return rest;
}

const COMPARED: readonly (keyof OrderIntent)[] = [
  'symbol',
  'side',
  'qty',
  'type',
  'timeInForce',
  'limitPrice',
  'stopPrice',
  'trailPercent',
  'trailPrice',
];

/** The first field in which a repeated order differs from the one recorded under its id. */
function differingField(
  stored: OrderIntent,
  sent: OrderIntent,
): { field: string; stored: unknown; sent: unknown } | undefined {
  for (const field of COMPARED) {
    if (stored[field] !== sent[field]) return { field, stored: stored[field], sent: sent[field] };
  }
  return undefined;
}

function queuedOrderBody(intent: OrderIntent): Record<string, unknown> {
  return {
    id: intent.clientOrderId,
    client_order_id: intent.clientOrderId,
    symbol: intent.symbol,
    side: intent.side,
    qty: String(intent.qty),
    type: intent.type,
    time_in_force: intent.timeInForce,
    status: 'pending_new',
    filled_qty: '0',
    order_class: '',
    legs: null,
    riskgate: { queued: true, reason: 'the broker circuit is open; the exit is sent when it closes' },
  };
}

/** The decision of a dry run as JSON: outcome, effect, violations, and the order as it would be sent. */
export function describeDecision(decision: Decision, intent: OrderIntent): Record<string, unknown> {
  return {
    outcome: decision.kind,
    effect: decision.effect,
    violations:
      decision.kind === 'deny'
        ? decision.violations.map((v) => ({
            code: v.code,
            rule: v.ruleId,
            message: v.message,
            values: v.values,
          }))
        : [],
    modifications: decision.kind === 'accept-modified' ? decision.modifications : [],
    order: decision.kind === 'accept' ? intent : decision.order,
  };
}
