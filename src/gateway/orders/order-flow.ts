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
import { storeStatus } from '../risk/position-closer.ts';
import { parseOrderRequest } from '../wire/parse-order-request.ts';
import { renderOrder } from '../wire/render.ts';
import { brokerErrorReply } from './broker-error-reply.ts';
import { recordFromOrder } from './order-record-view.ts';

/** An HTTP answer of the order path. */
export type Reply = ErrorReply | { readonly status: number; readonly body: unknown };

/** How long an exit queued behind an open broker circuit holds the request before answering. */
const QUEUED_EXIT_WAIT_MS = 2_000;

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

  constructor(ctx: GatewayContext, onActions: (actions: RiskActions) => void) {
    this.#ctx = ctx;
    this.#onActions = onActions;
  }

  /**
   * Makes sure the engine has a fresh mark for a symbol before checking an order in it: the
   * first order in a symbol the monitor does not watch yet fetches its quote once.
   */
  async #ensureMark(symbol: string): Promise<void> {
    const ctx = this.#ctx;
    const engine = ctx.risk.engine;
    ctx.watchList.noteOrder(symbol);
    const book = engine.book.symbols.get(symbol);
    const maxAge = engine.profile.marketData.maxQuoteAgeMs;
    if (book !== undefined && Date.now() - book.priceTime <= maxAge) return;
    try {
      // Paced as client traffic unless it marks a position (whose exits must not wait).
      const purpose = book?.position === undefined ? 'client' : 'monitor';
      const quote = (await ctx.broker.getLatestQuotes([symbol], { purpose })).get(symbol);
      if (quote === undefined) return;
      const actions = ctx.risk.engine.onMarket({
        kind: 'quote',
        symbol,
        time: quote.time,
        bid: quote.bid,
        ask: quote.ask,
      });
      this.#onActions(actions);
    } catch {
      // No quote: the engine denies with NO_REFERENCE_PRICE, which is the right answer.
    }
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
      const known = await this.#known(id);
      if (known !== undefined) return known;
    }
    await this.#ensureMark(intent.symbol);
    // Checked again after the await: a trade update may have brought the id in meanwhile, and
    // the engine must never reserve one client order id twice.
    if (this.#mayExist(id)) {
      const known = await this.#known(id);
      if (known !== undefined) return known;
    }

    const engine = ctx.risk.engine;
    const start = performance.now();
    const decision = engine.validateOrder(intent);
    ctx.metrics.observeCheck('order', (performance.now() - start) / 1000);
    if (decision.kind === 'deny') {
      // The duplicate rule remembers ids across restarts; such a retry gets its order back.
      if (decision.violations.some((v) => v.code === 'DUPLICATE_CLIENT_ORDER_ID')) {
        const known = await this.#known(id);
        if (known !== undefined) return known;
      }
      this.#recordDecision(decision, intent, principal);
      return denialReply(decision.violations, { effect: decision.effect });
    }

    const toSend = decision.kind === 'accept-modified' ? decision.order : intent;
    const exit = decision.effect === 'reduce' || decision.effect === 'close';
    ctx.watchList.noteOrder(toSend.symbol);
    if (!exit && ctx.broker.circuitState === 'open') {
      engine.onOrderClosed(id);
      this.#recordDecision(decision, intent, principal);
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
    } catch {
      engine.onOrderClosed(id);
      this.#recordDecision(decision, intent, principal);
      return unavailableReply('STORE_UNAVAILABLE', 'the intent could not be recorded; nothing was sent');
    }
    if (!recorded.created) {
      // The id was used before (by an order this process no longer tracks): release what this
      // check reserved and answer with that order, as for any repeated client order id.
      engine.onOrderClosed(id);
      return this.existing(recorded.order);
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
    const sending = this.#send(toSend, exit).then(
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
    const queued = new Promise<Reply>((resolve) =>
      setTimeout(() => resolve({ status: 200, body: queuedOrderBody(toSend) }), QUEUED_EXIT_WAIT_MS).unref(),
    );
    return Promise.race([sending, queued]);
  }

  /** The answer for a client order id already used, or undefined when nothing has it. */
  async #known(clientOrderId: string): Promise<Reply | undefined> {
    let stored: OrderRecord | null;
    try {
      stored = await this.#ctx.store.orders.get(clientOrderId);
    } catch {
      return unavailableReply('STORE_UNAVAILABLE', 'the order store cannot be read; nothing was sent');
    }
    if (stored !== null) return this.existing(stored);
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
        ctx.broker.submitOrder({ ...toSend, intent: exit ? 'exit' : 'entry' }),
      );
      return answer({ status: 200, body: renderOrder(submitted.order) }, this.#acknowledge(submitted.order));
    } catch (error) {
      if (error instanceof ProtectionMissingError) {
        // The entry exists at the broker; the protection monitor places the missing stop.
        const order = await ctx.broker.getOrder(error.orderId, { nested: true }).catch(() => undefined);
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
      await ctx.store.orders
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
      .then(() => ctx.store.orders.recordAck(order.clientOrderId, ack))
      .then(
        () => undefined,
        (error: unknown) => {
          ctx.log.error({ clientOrderId: order.clientOrderId, error: String(error) }, 'ack not recorded');
        },
      );
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

  #recordDecision(decision: Decision, intent: OrderIntent, principal: Principal): void {
    const ctx = this.#ctx;
    const codes = decision.kind === 'deny' ? decision.violations.map((v) => v.code) : ['none'];
    for (const code of new Set(codes)) ctx.metrics.decisions.inc({ outcome: decision.kind, code });
    ctx.hub.publish('decision', { clientOrderId: intent.clientOrderId, symbol: intent.symbol, decision });
    const event = decisionAuditEvent(decision, { at: Date.now(), actor: principal.keyId, order: intent });
    ctx.store.audit.append(event).catch((error: unknown) => {
      ctx.log.error({ error: String(error) }, 'audit of a decision failed');
    });
  }
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
