import type { Decision } from '../../core/decision.ts';
import type { RiskEngine } from '../../core/engine.ts';
import type { ExitSignal, FillResult, RiskActions } from '../../core/engine-types.ts';
import type { Side } from '../../core/side.ts';
import type { OrderCounts } from '../backtest-types.ts';
import type { OrderOptions, OrderTicket } from '../strategy.ts';
import { orderCommission, type SlippageParts, type SpreadBook, slippageParts } from './costs.ts';
import { DailyVolatility } from './daily-volatility.ts';
import type { CurrentBar, FlowListener, ResolvedExecution } from './execution-config.ts';
import { lowFirst } from './fill-model.ts';
import { ProtectionLegs } from './protection-legs.ts';
import { type Candidate, SimBroker, type SimOrder } from './sim-broker.ts';
import { newSimOrder, toIntent, toTradeRecord } from './sim-order.ts';

const NO_VIOLATIONS = Object.freeze([]) as readonly [];

/**
 * Connects the risk engine and the simulated broker: sends orders through `validateOrder`, rests
 * accepted ones, applies fills with costs through `onFill`, keeps each position's protective legs
 * in step with the engine, and turns exit signals and breaker trips into orders and cancels.
 */
export class OrderFlow {
  readonly broker = new SimBroker();
  readonly legs: ProtectionLegs;
  readonly counts: OrderCounts = {
    submitted: 0,
    accepted: 0,
    modified: 0,
    denied: 0,
    filled: 0,
    partiallyFilled: 0,
    canceled: 0,
    expired: 0,
    fills: 0,
  };
  /** Exit signals from the engine's exit rules and breakers, by reason. */
  readonly exitSignals = new Map<string, number>();
  /** Every exit signal in the order it was raised (reason, quantity, the event's time). */
  readonly exitLog: ExitSignal[] = [];
  /** Dollars paid in commissions and lost to slippage so far (slippage also by kind). */
  commissionPaid = 0;
  slippageCost = 0;
  readonly slippageByKind: SlippageParts = { fixed: 0, spread: 0, impact: 0 };
  /** σ_daily per symbol for the impact model; undefined when the model is off. */
  readonly volatility: DailyVolatility | undefined;
  readonly #parts: SlippageParts = { fixed: 0, spread: 0, impact: 0 };
  readonly #engine: RiskEngine;
  readonly #exec: ResolvedExecution;
  readonly #strategy: string;
  readonly #spreads: SpreadBook | undefined;
  readonly #listener: FlowListener;
  readonly #currentBar: (symbol: string) => CurrentBar | undefined;
  /** Shares left for fills in the current bar of each symbol under the volume cap. */
  readonly #budget = new Map<string, { time: number; left: number }>();
  readonly #candidates: Candidate[] = [];
  readonly #expired: SimOrder[] = [];
  #seq = 0;

  constructor(
    engine: RiskEngine,
    exec: ResolvedExecution,
    strategy: string,
    spreads: SpreadBook | undefined,
    listener: FlowListener,
    currentBar: (symbol: string) => CurrentBar | undefined,
  ) {
    this.#engine = engine;
    this.#exec = exec;
    this.#strategy = strategy;
    this.#spreads = spreads;
    this.#listener = listener;
    this.#currentBar = currentBar;
    const impact = exec.slippage.impact;
    this.volatility =
      impact === undefined ? undefined : new DailyVolatility(impact.window, impact.fallbackSigma);
    this.legs = new ProtectionLegs(
      this.broker,
      engine,
      exec.roundToTick,
      (prefix) => `${prefix}${++this.#seq}`,
      (order) => this.cancel(order),
    );
  }

  /** Signed position in shares (0 when flat). */
  positionQty(symbol: string): number {
    return this.#engine.book.symbols.get(symbol)?.position?.qty ?? 0;
  }

  /** Validates an order with the risk engine and, if accepted, rests it at the broker. */
  submit(
    symbol: string,
    side: Side,
    qty: number,
    options: OrderOptions,
    role: 'entry' | 'exit',
  ): OrderTicket {
    const now = this.#engine.now();
    const id = `${role === 'exit' ? 'x' : 'o'}${++this.#seq}`;
    const intent = toIntent(id, symbol, side, qty, options, this.#strategy);
    this.counts.submitted++;
    const decision: Decision = this.#engine.validateOrder(intent);
    if (decision.kind === 'deny') {
      this.counts.denied++;
      return { id, status: 'denied', decision, violations: decision.violations };
    }
    this.counts.accepted++;
    if (decision.kind === 'accept-modified') this.counts.modified++;
    const sent = decision.kind === 'accept-modified' ? decision.order : intent;
    const reduceOnly = decision.effect === 'reduce' || decision.effect === 'close';
    const exit = role === 'exit' || reduceOnly;
    const order = newSimOrder({
      id,
      symbol,
      side,
      type: sent.type === 'trailing_stop' ? 'stop' : sent.type,
      role: exit ? 'exit' : 'entry',
      remaining: sent.qty,
      limitPrice: sent.limitPrice,
      stopPrice: sent.stopPrice,
      activeAfter: now,
      timeInForce: sent.timeInForce === 'day' ? 'day' : 'gtc',
      reason: options.reason ?? (exit ? 'strategy' : undefined),
      reduceOnly,
      reserved: true,
      oco: options.oco,
      strategy: this.#strategy,
    });
    this.broker.add(order);
    if (this.#exec.marketFill === 'this-close' && order.type === 'market') {
      const bar = this.#currentBar(symbol);
      if (bar !== undefined && bar.time === now) this.#fillAvailable(order, bar.close, now, bar.volume, true);
    }
    return {
      id,
      status: order.status === 'filled' ? 'filled' : 'working',
      decision,
      violations: NO_VIOLATIONS,
    };
  }

  /** Closes (part of) a position for an exit signal, unless exits already working cover it. */
  exit(signal: ExitSignal): void {
    this.exitSignals.set(signal.reason, (this.exitSignals.get(signal.reason) ?? 0) + 1);
    this.exitLog.push(signal);
    const position = this.positionQty(signal.symbol);
    if (position === 0) return;
    let pending = 0;
    for (const o of this.broker.working(signal.symbol)) if (o.role === 'exit') pending += o.remaining;
    const available = Math.abs(position) - pending;
    const qty = Math.min(signal.qty, available);
    if (qty <= 1e-9) return;
    const ticket = this.submit(
      signal.symbol,
      position > 0 ? 'sell' : 'buy',
      qty,
      { reason: signal.reason },
      'exit',
    );
    // The exit replaces the protective legs once it covers the rest of the position.
    if (ticket.status === 'working' && qty >= available - 1e-9) this.legs.cancel(signal.symbol);
  }

  /** Closes a whole position at `price` now, with no volume cap (end of data); `volume` prices the impact. */
  liquidate(symbol: string, price: number, reason: string, volume: number): void {
    const position = this.positionQty(symbol);
    if (position === 0) return;
    for (const o of [...this.broker.working(symbol)]) this.cancel(o);
    const ticket = this.submit(symbol, position > 0 ? 'sell' : 'buy', Math.abs(position), { reason }, 'exit');
    const order = this.broker.get(ticket.id);
    if (order !== undefined) this.#fill(order, order.remaining, price, this.#engine.now(), true, volume);
  }

  /** Cancels a working order and releases the engine's reservation. */
  cancel(order: SimOrder, status: 'canceled' | 'expired' = 'canceled'): void {
    if (order.status !== 'working') return;
    this.broker.close(order, status);
    if (status === 'expired') this.counts.expired++;
    else this.counts.canceled++;
    if (order.reserved) this.#engine.onOrderClosed(order.id);
  }

  /** Cancels every working order that could add risk (after a breaker trip). */
  cancelEntries(): void {
    for (const o of [...this.broker.all()]) if (o.role === 'entry') this.cancel(o);
  }

  /** Applies what the engine asked for: new protective levels, breaker trips, exits. */
  handleActions(actions: RiskActions): void {
    const now = this.#engine.now();
    for (const u of actions.updates) {
      const qty = this.positionQty(u.symbol);
      if (qty !== 0) this.legs.set(u.symbol, qty, u.stop, u.target, now);
    }
    if (actions.trips.length > 0 && this.#exec.cancelEntriesOnTrip) this.cancelEntries();
    for (const exit of actions.exits) this.exit(exit);
  }

  /** Matches a symbol's working orders against a bar (step 1 of the event loop). */
  matchBar(
    symbol: string,
    time: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ) {
    if (this.broker.working(symbol).length === 0) return;
    const candidates = this.#candidates;
    const expired = this.#expired;
    const isLowFirst = lowFirst(this.#exec.intrabarPath, this.positionQty(symbol), open, close);
    this.broker.match(symbol, time, open, high, low, isLowFirst, candidates, expired);
    if (expired.length > 0) {
      for (const o of expired) this.cancel(o, 'expired');
      expired.length = 0;
    }
    if (candidates.length === 0) return;
    // Fills never match another bar, so the scratch list is not re-entered; a fill may cancel a
    // later candidate (OCO, legs), which the status check skips.
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.order.status !== 'working') continue;
      if (c.order.type === 'stop') c.order.triggered = true;
      this.#fillAvailable(c.order, c.price, time, volume, false);
    }
    candidates.length = 0;
  }

  /** Fills as much of an order as the position (reduce-only) and the volume cap allow. */
  #fillAvailable(order: SimOrder, price: number, time: number, volume: number, atClose: boolean): void {
    let qty = order.remaining;
    if (order.reduceOnly) {
      const position = this.positionQty(order.symbol);
      const closable = order.side === 'sell' ? Math.max(0, position) : Math.max(0, -position);
      if (closable <= 1e-9) {
        this.cancel(order); // another order already closed the position
        return;
      }
      qty = Math.min(qty, closable);
    }
    const cap = this.#exec.maxParticipation;
    // Volume 0 means unknown (a file without volume): no cap, or nothing would ever fill.
    if (cap !== undefined && volume > 0) {
      let budget = this.#budget.get(order.symbol);
      if (budget === undefined || budget.time !== time) {
        // At least one share a bar, so an order (an exit above all) still progresses on thin bars.
        budget = { time, left: Math.max(1, Math.floor(volume * cap)) };
        this.#budget.set(order.symbol, budget);
      }
      qty = Math.min(qty, budget.left);
      if (qty <= 0) return;
      budget.left -= qty;
    }
    this.#fill(order, qty, price, time, atClose, volume);
    if (order.status === 'working' && order.reduceOnly && this.positionQty(order.symbol) === 0)
      this.cancel(order);
  }

  #fill(order: SimOrder, qty: number, base: number, time: number, atClose: boolean, volume: number): void {
    const price =
      order.type === 'limit' || order.type === 'stop_limit'
        ? base
        : this.#slipped(order.symbol, order.side, base, time, atClose, qty, volume);
    order.filled += qty;
    order.notional += qty * price;
    const commission =
      orderCommission(this.#exec.commission, order.filled, order.notional) - order.commission;
    order.commission += commission;
    this.commissionPaid += commission;
    order.remaining -= qty;
    this.counts.fills++;
    if (order.remaining <= 1e-9) {
      this.broker.close(order, 'filled');
      this.counts.filled++;
    } else if (order.filled === qty) this.counts.partiallyFilled++;
    const before = this.positionQty(order.symbol);
    // A stop leg's fill is reported the way the engine names the stop (stop, trailing, breakeven).
    const reason =
      order.role === 'stop-leg'
        ? (this.#engine.book.symbols.get(order.symbol)?.position?.stopReason ?? 'stop_loss')
        : order.reason;
    const result = this.#engine.onFill({
      executionId: `f${++this.#seq}`,
      clientOrderId: order.id,
      symbol: order.symbol,
      side: order.side,
      qty,
      price,
      time,
      commission,
      ...(order.strategy !== undefined ? { strategy: order.strategy } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
    if (order.oco !== undefined) {
      for (const o of [...this.broker.all()]) if (o.oco === order.oco && o !== order) this.cancel(o);
    }
    this.#afterFill(order.symbol, before, result, time);
    this.#listener.onFill({
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      qty,
      price,
      time,
      reason,
    });
  }

  /** The slipped price of a market or stop fill; books the slippage by kind. */
  #slipped(
    symbol: string,
    side: Side,
    base: number,
    time: number,
    atClose: boolean,
    qty: number,
    volume: number,
  ): number {
    const sigma = this.volatility === undefined ? 0 : this.volatility.sigma(symbol, time);
    const p = this.#parts;
    slippageParts(this.#exec.slippage, this.#spreads, symbol, base, time, atClose, qty, volume, sigma, p);
    const move = p.fixed + p.spread + p.impact;
    if (move === 0) return base;
    const price = side === 'buy' ? base + move : Math.max(base - move, 0.0001);
    // A sell cannot be pushed below a hundredth of a cent: the kinds share what was lost.
    const scale = (Math.abs(price - base) * qty) / move;
    this.slippageCost += move * scale;
    this.slippageByKind.fixed += p.fixed * scale;
    this.slippageByKind.spread += p.spread * scale;
    this.slippageByKind.impact += p.impact * scale;
    return price;
  }

  #afterFill(symbol: string, before: number, result: FillResult, time: number): void {
    if (result.closedTrade !== undefined) this.#listener.onTrade(toTradeRecord(result.closedTrade));
    const after = result.position?.qty ?? 0;
    // Flat or flipped: the old legs go; a new position gets its levels from the engine's updates.
    if (after === 0 || Math.sign(after) !== Math.sign(before)) this.legs.cancel(symbol);
    for (const u of result.updates) if (after !== 0) this.legs.set(symbol, after, u.stop, u.target, time);
    this.legs.resize(symbol, after);
    if (result.exits.length > 0 || result.trips.length > 0)
      this.handleActions({ exits: result.exits, updates: [], trips: result.trips });
  }
}
