import { barResolutionProblem, profileTimeframes } from './bars/profile-timeframes.ts';
import { barsPerYear, type Timeframe } from './bars/timeframe.ts';
import { type CompletedBar, TimeframeBars } from './bars/timeframe-bars.ts';
import { ExposureBook, type SymbolBook, type WorkingOrder } from './book.ts';
import type { Breaker, BreakerFinding } from './breaker.ts';
import { buildBreakers } from './breakers/account-breakers.ts';
import { greeksMonitorBreaker } from './breakers/greeks-monitor.ts';
import { type CheckPipeline, compileChecks, describe, ruleError } from './check-pipeline.ts';
import type { Clock } from './clock.ts';
import type { RiskProfile } from './config/load-profile.ts';
import type { Decision, Modification, OrderEffect, Violation } from './decision.ts';
import type {
  FillResult,
  RiskActions,
  RiskEngineOptions,
  RiskEvent,
  RiskEventListener,
  RiskSnapshot,
} from './engine-types.ts';
import { NO_ACTIONS } from './engine-types.ts';
import type { ExitRule } from './exit-rule.ts';
import { buildExitRules, buildRegimeRule } from './exits/build-exit-rules.ts';
import { evaluateExits, makeTick } from './exits/evaluate-exits.ts';
import { Atr } from './indicators/atr.ts';
import { RealizedVolatility } from './indicators/realized-volatility.ts';
import { type Instrument, stock, UNKNOWN_SECTOR } from './instrument.ts';
import { heldState, REARM_BY, REARM_CODE, rearmDue, rearmReason, tripPolicy } from './latch-rearm.ts';
import type { AccountSnapshot, Bar, Fill, Mark, MarketEvent, Quote } from './market.ts';
import { GreeksBook } from './options/greeks-book.ts';
import type { OrderIntent } from './order.ts';
import { applyFill } from './portfolio.ts';
import type { ClosedTrade, Position } from './position.ts';
import type { CheckInput, PreTradeRule, RiskContext } from './rule.ts';
import { buildPreTradeRules } from './rules/build-rules.ts';
import { violation } from './rules/limits.ts';
import { sessionDate } from './session.ts';
import { type SizeRequest, type SizeSuggestion, suggestSize } from './sizing.ts';
import type { BreakerTrip, PersistedRiskState, RiskStateStore } from './state-store.ts';
import {
  INITIAL_TRADING_STATE,
  isMoreSevere,
  type TradingState,
  type TradingStateRecord,
} from './trading-state.ts';

const ACCEPT_OPEN: Decision = Object.freeze({ kind: 'accept', effect: 'open' });
const ACCEPT_INCREASE: Decision = Object.freeze({ kind: 'accept', effect: 'increase' });
const ACCEPT_REDUCE: Decision = Object.freeze({ kind: 'accept', effect: 'reduce' });
const ACCEPT_CLOSE: Decision = Object.freeze({ kind: 'accept', effect: 'close' });
const ACCEPT_FLIP: Decision = Object.freeze({ kind: 'accept', effect: 'flip' });

/**
 * The shared accept decision for an effect. A switch rather than a lookup by key: indexing an
 * object with the effect string is a megamorphic keyed load once several effects have been seen.
 */
function accepted(effect: OrderEffect): Decision {
  switch (effect) {
    case 'open':
      return ACCEPT_OPEN;
    case 'increase':
      return ACCEPT_INCREASE;
    case 'reduce':
      return ACCEPT_REDUCE;
    case 'close':
      return ACCEPT_CLOSE;
    default:
      return ACCEPT_FLIP;
  }
}

/** A symbol's indicators, each fed by the bars of its own timeframe; absent when not configured. */
interface SymbolIndicators {
  atr: Atr | undefined;
  rv: RealizedVolatility | undefined;
}

/** The kinds of store write the engine follows; a failure of one is made good only by the same kind. */
type StoreWriteKind = 'latch' | 'counters' | 'peak' | 'day-start';

/**
 * The risk engine: owns the trading state and runs the rules. The same class runs in a
 * backtest, inside a strategy and in the gateway; only the clock, broker and store differ.
 *
 * Hooks: {@link RiskEngine.validateOrder} before any broker call, {@link RiskEngine.onMarket}
 * for prices and index levels, {@link RiskEngine.onFill} for executions and
 * {@link RiskEngine.onAccount} for broker account figures.
 */
export class RiskEngine implements RiskContext {
  readonly profile: RiskProfile;
  readonly book = new ExposureBook();
  readonly #clock: Clock;
  readonly #store: RiskStateStore | undefined;
  readonly #rules: PreTradeRule[];
  readonly #adjusters: PreTradeRule[];
  /** The rules' checks compiled into one function at construction. */
  readonly #checks: CheckPipeline;
  readonly #exitRules: ExitRule[];
  readonly #breakers: Breaker[];
  /** Breakers that observe market events (`onMarket`), by event kind, and the errors they threw there. */
  readonly #marketObservers: Readonly<Record<MarketEvent['kind'], Breaker[]>>;
  readonly #observerErrors = new Map<string, unknown>();
  /** Portfolio Greeks; only with an `options` section in the profile. */
  readonly #greeks: GreeksBook | undefined;
  readonly #instrumentLookup: (symbol: string) => Instrument | undefined;
  readonly #listeners: RiskEventListener[] = [];
  readonly #input: CheckInput;
  readonly #indicators = new Map<string, SymbolIndicators>();
  /** Bars of each timeframe the profile counts in, built from the bars fed to `onMarket`. */
  readonly #timeframeBars: TimeframeBars;
  readonly #barMs: number;
  /** The last input bar length checked against the profile's timeframes. */
  #checkedBarMs = 0;
  /** The position of the bar being handled, for the completed-bar callback. */
  #barPosition: Position | undefined;
  readonly #onTimeframeBar: CompletedBar;
  readonly #indexLevels = new Map<string, number>();
  readonly #indexTimes = new Map<string, number>();
  readonly #seenExecutions = new Set<string>();
  readonly #tripped = new Map<string, BreakerTrip>();
  /** When each `next-session` latch re-arms (epoch ms), computed once per trip. */
  readonly #rearmAt = new Map<string, number>();
  readonly #disabledStrategies = new Map<string, string>();
  readonly #pending = new Set<Promise<unknown>>();
  #state: TradingStateRecord = INITIAL_TRADING_STATE;
  #cash: number;
  #accountBuyingPower: number | undefined;
  #peak: number;
  #dayStart: { sessionDate: string; equity: number } | null = null;
  #pause = { until: 0, code: '', reason: '' };
  /** The last failure of each kind of store write that no later write of that kind has made good. */
  readonly #storeErrors = new Map<StoreWriteKind, unknown>();
  /** Breaker trips whose latch write failed: retried until each is stored. */
  readonly #unwrittenTrips: BreakerTrip[] = [];

  constructor(options: RiskEngineOptions) {
    this.profile = options.profile;
    this.#clock = options.clock;
    this.#store = options.store;
    this.#cash = options.profile.startingEquity;
    this.#peak = options.profile.startingEquity;
    this.#rules = [
      ...(options.replaceRules ? [] : buildPreTradeRules(options.profile)),
      ...(options.rules ?? []),
    ];
    this.#barMs = options.barMs ?? 60_000;
    this.#timeframeBars = new TimeframeBars(profileTimeframes(options.profile));
    this.#onTimeframeBar = (tf, bar) => this.#timeframeBarCompleted(tf, bar);
    this.#exitRules = [...buildExitRules(options.profile.exits), ...(options.exitRules ?? [])];
    if (options.profile.regime) this.#exitRules.push(buildRegimeRule(options.profile.regime));
    const optionsConfig = options.profile.options;
    this.#greeks =
      optionsConfig === undefined ? undefined : new GreeksBook(optionsConfig, options.clock.now());
    this.#breakers = [
      ...buildBreakers(options.profile.breakers),
      ...(optionsConfig?.monitor ? [greeksMonitorBreaker(optionsConfig, optionsConfig.monitor)] : []),
      ...(options.breakers ?? []),
    ];
    this.#marketObservers = observersByKind(this.#breakers);
    this.#instrumentLookup = makeLookup(options, options.profile.sectors);
    this.#adjusters = this.#rules.filter((r) => r.adjust !== undefined);
    this.#checks = compileChecks(this.#rules);
    this.#input = {
      order: undefined as unknown as OrderIntent,
      now: Number.NaN,
      basis: Number.NaN,
      effect: 'open',
      instrument: undefined,
      book: undefined,
      multiplier: 1,
      referencePrice: Number.NaN,
      referenceAgeMs: Number.POSITIVE_INFINITY,
      valuationPrice: Number.NaN,
      notional: 0,
      symbolExposureAfter: 0,
      exposureIncrease: 0,
      positionQtyAfter: 0,
    };
  }

  /** Builds an engine and restores its persisted state from the store before returning it. */
  static async create(options: RiskEngineOptions): Promise<RiskEngine> {
    const engine = new RiskEngine(options);
    if (options.store !== undefined) engine.restore(await options.store.load());
    return engine;
  }

  // ---- RiskContext -------------------------------------------------------------------------

  now(): number {
    return this.#clock.now();
  }
  get tradingState(): TradingState {
    return this.#state.state;
  }
  get equity(): number {
    return this.#cash + this.book.marketValue;
  }
  /** The latches in force (tripped breakers and the kill switch), without building a snapshot. */
  get latches(): Iterable<BreakerTrip> {
    return this.#tripped.values();
  }
  get peakEquity(): number {
    return this.#peak;
  }
  get dayStartEquity(): number {
    return this.#dayStart?.equity ?? Number.NaN;
  }
  /**
   * Buying power in dollars: the broker's figure when known, else equity less the gross value
   * of positions (a cash account: short-sale proceeds are collateral, not spending money).
   */
  get buyingPower(): number {
    return this.#accountBuyingPower ?? Math.max(0, this.equity - this.book.positionsGross);
  }
  get pause() {
    return this.#pause;
  }
  basisEquity(): number {
    const basis = this.profile.exposureBasis;
    return basis === 'starting' ? this.profile.startingEquity : basis === 'peak' ? this.#peak : this.equity;
  }
  atr(symbol: string): number {
    return this.#indicators.get(symbol)?.atr?.value ?? Number.NaN;
  }
  realizedVolatility(symbol: string): number {
    const rv = this.#indicators.get(symbol)?.rv;
    const tf = this.profile.indicators.realizedVolatility?.timeframe;
    return rv === undefined || tf === undefined ? Number.NaN : rv.annualized(barsPerYear(tf));
  }
  indexLevel(name: string): number {
    return this.#indexLevels.get(name) ?? Number.NaN;
  }
  indexTime(name: string): number {
    return this.#indexTimes.get(name) ?? Number.NaN;
  }
  get greeks(): GreeksBook | undefined {
    return this.#greeks;
  }
  isStrategyDisabled(strategy: string | undefined): boolean {
    return this.#disabledStrategies.size > 0 && this.#disabledStrategies.has(strategy ?? '(none)');
  }

  /** The instrument for a symbol, or undefined when unknown. */
  instrument(symbol: string): Instrument | undefined {
    return this.book.symbols.get(symbol)?.instrument ?? this.#instrumentLookup(symbol);
  }

  // ---- pre-trade ---------------------------------------------------------------------------

  /**
   * Checks an order against every rule. Accepted orders (unless `dryRun`) are reserved as
   * working orders so later checks count them. Never throws: an exception inside a rule is a
   * `RULE_ERROR` denial.
   */
  validateOrder(order: OrderIntent, options?: { readonly dryRun?: boolean }): Decision {
    const input = this.#input;
    const entry = this.#prepare(order);
    let modifications: Modification[] | undefined;
    let current = order;
    const reducing = input.effect === 'reduce' || input.effect === 'close';
    if (!reducing) {
      for (const rule of this.#adjusters) {
        try {
          const adjusted = rule.adjust!(current, input, this);
          if (adjusted !== null) {
            current = adjusted.order;
            (modifications ??= []).push(...adjusted.modifications);
            this.#prepare(current);
          }
        } catch (error) {
          return this.#deny(order, input.effect, [ruleError(rule.id, error)], options?.dryRun === true);
        }
      }
    }
    let violations = this.#checks(input, this, reducing);
    if (!reducing && this.#storeErrors.size > 0) {
      (violations ??= []).push(
        violation('STORE_UNAVAILABLE', 'store', {
          reason: describe(this.#storeErrors.values().next().value),
        }),
      );
    }
    const dryRun = options?.dryRun === true;
    if (violations !== undefined) return this.#deny(current, input.effect, violations, dryRun);
    if (!dryRun) {
      if (entry !== undefined) {
        this.book.addWorking(current, input.effect, input.valuationPrice, entry);
        if (this.#greeks !== undefined) this.#greeks.sync(entry, input.now);
      }
      for (const rule of this.#rules) rule.onAccepted?.(input, this);
    }
    const decision: Decision =
      modifications === undefined
        ? accepted(input.effect)
        : { kind: 'accept-modified', order: current, original: order, modifications, effect: input.effect };
    if (this.#listeners.length > 0) this.#emit({ type: 'decision', decision, dryRun, time: this.now() });
    return decision;
  }

  #deny(order: OrderIntent, effect: OrderEffect, violations: Violation[], dryRun: boolean): Decision {
    const decision: Decision = { kind: 'deny', order, violations, effect };
    if (this.#listeners.length > 0) this.#emit({ type: 'decision', decision, dryRun, time: this.now() });
    return decision;
  }

  /**
   * Fills the reused check input for an order; returns the symbol's book entry if known. Kept
   * under V8's bytecode limit for inlining (460 bytes) so it compiles into `validateOrder`: the
   * rare paths (a symbol not in the book yet) and the exposure arithmetic live in functions of
   * their own.
   */
  #prepare(order: OrderIntent): SymbolBook | undefined {
    const input = this.#input;
    input.order = order;
    const now = this.#clock.now();
    input.now = now;
    input.basis = this.basisEquity();
    const entry = this.book.symbols.get(order.symbol) ?? this.#newEntry(order.symbol);
    if (entry === undefined) {
      prepareUnbooked(input, order);
      return undefined;
    }
    input.instrument = entry.instrument;
    input.book = entry;
    const q = entry.qty;
    const signed = order.side === 'buy' ? order.qty : -order.qty;
    // Working orders on the closing side, exits and entries alike, take the position toward flat first.
    input.effect = classifyEffect(
      q,
      signed,
      entry.workingExit + (q > 0 ? entry.workingSell : entry.workingBuy),
    );
    const price = entry.price;
    input.referencePrice = price;
    const priceTime = entry.priceTime;
    input.referenceAgeMs = Number.isFinite(priceTime) ? now - priceTime : Number.POSITIVE_INFINITY;
    const valuation = order.limitPrice ?? order.stopPrice ?? price;
    input.valuationPrice = valuation;
    input.multiplier = entry.multiplier;
    projectExposure(input, entry, q, signed, Number.isFinite(price) ? price : valuation);
    return entry;
  }

  /** The book entry for a symbol the book has not seen yet but the universe knows; else undefined. */
  #newEntry(symbol: string): SymbolBook | undefined {
    const found = this.#instrumentLookup(symbol);
    return found === undefined ? undefined : this.book.entry(found);
  }

  /** Suggests a position size within the risk budget and the exposure headroom. */
  suggestSize(request: SizeRequest): SizeSuggestion {
    return suggestSize(request, this.instrument(request.symbol), this);
  }

  /**
   * Reserves an order that is already working at the broker (after a restart) without running
   * the rules: it was accepted before, and limits must count it again. `remaining` (shares)
   * defaults to the order's quantity. A client order id already reserved is left as it is.
   */
  restoreWorkingOrder(order: OrderIntent, remaining = order.qty): void {
    if (this.book.working.has(order.clientOrderId) || !(remaining > 0)) return;
    const restored = remaining === order.qty ? order : { ...order, qty: remaining };
    const entry = this.#prepare(restored);
    if (entry === undefined) return;
    this.book.addWorking(restored, this.#input.effect, this.#input.valuationPrice, entry);
    if (this.#greeks !== undefined) this.#greeks.sync(entry, this.now());
  }

  /**
   * Puts back a position the broker holds (after a restart) without moving equity, P&L,
   * counters or breakers: the broker's account figures stay the truth. `stop` and `target`
   * (dollars) are the protective levels the broker holds for it. A symbol that already has a
   * position is left as it is.
   */
  restorePosition(position: {
    readonly symbol: string;
    /** Signed quantity: positive long, negative short. */
    readonly qty: number;
    /** Average entry price in dollars. */
    readonly avgPrice: number;
    /** Epoch ms the position is taken to have opened at. */
    readonly time: number;
    readonly stop?: number;
    readonly target?: number;
  }): void {
    const { symbol, qty } = position;
    if (!(Math.abs(qty) > 0) || this.book.symbols.get(symbol)?.position !== undefined) return;
    // As for fills: a position outside the universe can be exited, never added to.
    const instrument =
      this.instrument(symbol) ??
      stock(symbol, this.profile.sectors[symbol] ?? UNKNOWN_SECTOR, { tradable: false });
    const entry = this.book.entry(instrument);
    const equity = this.equity;
    const fill: Fill = {
      executionId: `restore:${symbol}:${position.time}`,
      symbol,
      side: qty > 0 ? 'buy' : 'sell',
      qty: Math.abs(qty),
      price: position.avgPrice,
      time: position.time,
    };
    applyFill(this.book, entry, fill, 'restore');
    if (this.#greeks !== undefined) this.#greeks.sync(entry, this.now());
    // Equity is whatever the broker said; restoring a position only splits it into cash and holdings.
    if (Number.isFinite(equity)) this.#cash = equity - this.book.marketValue;
    const restored = entry.position;
    if (restored === undefined) return;
    restored.stop = position.stop;
    restored.target = position.target;
    restored.stopSetAt = position.time;
    if (position.stop !== undefined) restored.initialRisk = Math.abs(restored.avgPrice - position.stop);
  }

  /** Releases the unfilled rest of a working order (canceled, rejected, expired or done). */
  onOrderClosed(clientOrderId: string): void {
    const working = this.book.working.get(clientOrderId);
    if (working === undefined) return;
    const entry = this.book.symbols.get(working.symbol);
    if (entry === undefined) return;
    this.book.reduceWorking(clientOrderId, working.remaining, entry);
    if (this.#greeks !== undefined) this.#greeks.sync(entry, this.now());
  }

  /**
   * An order accepted under this client order id never reached the broker: its reservation is
   * released and rules that remember ids forget it, so it can be checked again as new.
   */
  forgetOrder(clientOrderId: string): void {
    this.onOrderClosed(clientOrderId);
    for (const rule of this.#rules) rule.onForgotten?.(clientOrderId);
  }

  // ---- fills -------------------------------------------------------------------------------

  /** Applies an execution: position, P&L, exposures, entry levels, counters and breakers. */
  onFill(fill: Fill): FillResult {
    // An execution the adapter could not parse is a broken invariant: refuse it before it
    // touches cash or positions. A price of 0 is real (an option expiring worthless).
    if (
      !(fill.qty > 0) ||
      !Number.isFinite(fill.qty) ||
      !(fill.price >= 0) ||
      !Number.isFinite(fill.price) ||
      !Number.isFinite(fill.time)
    ) {
      throw new RangeError(
        `onFill: fill ${fill.executionId} for ${fill.symbol} needs a positive finite qty, a finite price ≥ 0 (an option can expire at 0) and a finite time, got qty=${fill.qty} price=${fill.price} time=${fill.time}`,
      );
    }
    if (fill.commission !== undefined && !Number.isFinite(fill.commission)) {
      throw new RangeError(
        `onFill: fill ${fill.executionId} has a commission that is not a finite number: ${fill.commission}`,
      );
    }
    if (this.#seenExecutions.has(fill.executionId)) {
      return {
        applied: false,
        position: this.book.symbols.get(fill.symbol)?.position,
        closedTrade: undefined,
        ...NO_ACTIONS,
      };
    }
    this.#seenExecutions.add(fill.executionId);
    // A fill in a symbol outside the universe is booked, but as not tradable: it can be exited, never added to.
    const instrument =
      this.instrument(fill.symbol) ??
      stock(fill.symbol, this.profile.sectors[fill.symbol] ?? UNKNOWN_SECTOR, { tradable: false });
    const entry = this.book.entry(instrument);
    const working = fill.clientOrderId === undefined ? undefined : this.book.working.get(fill.clientOrderId);
    if (working !== undefined) this.book.reduceWorking(working.clientOrderId, fill.qty, entry);
    const { outcome, cashDelta } = applyFill(this.book, entry, fill, 'manual');
    this.#cash += cashDelta;
    if (this.#greeks !== undefined) this.#greeks.sync(entry, this.now());
    const updates: RiskActions['updates'][number][] = [];
    const position = outcome.position;
    if (outcome.opened && position !== undefined) {
      const update = this.#applyEntryLevels(position, instrument, working);
      if (update !== undefined) updates.push(update);
    }
    const trips: BreakerTrip[] = [];
    const exits: RiskActions['exits'][number][] = [];
    if (outcome.closedTrade !== undefined) this.#onTradeClosed(outcome.closedTrade);
    for (const rule of this.#rules) {
      const effect = rule.onFill?.(fill, this);
      if (effect?.disableStrategy !== undefined)
        this.#disableStrategy(effect.disableStrategy.strategy, effect.disableStrategy.reason);
    }
    this.#afterEquityChange(fill.time, trips, exits);
    const result: FillResult = {
      applied: true,
      position,
      closedTrade: outcome.closedTrade,
      exits,
      updates,
      trips,
    };
    if (this.#listeners.length > 0) this.#emit({ type: 'fill', fill, result });
    return result;
  }

  #applyEntryLevels(
    position: NonNullable<SymbolBook['position']>,
    instrument: Instrument,
    order: WorkingOrder | undefined,
  ) {
    // The order's own bracket levels count like a rule's; the tightest stop wins.
    let stop = order?.stopLoss;
    let target = order?.takeProfit;
    const long = position.qty > 0;
    if (stop !== undefined) position.initialRisk = Math.abs(position.avgPrice - stop);
    const ids: string[] = stop !== undefined || target !== undefined ? ['order'] : [];
    for (const rule of this.#exitRules) {
      const levels = rule.onEntry?.(position, instrument, this);
      if (!levels) continue;
      ids.push(rule.id);
      if (levels.stop !== undefined) {
        stop =
          stop === undefined ? levels.stop : long ? Math.max(stop, levels.stop) : Math.min(stop, levels.stop);
        // R is defined by the stop as soon as one exists, so R-based targets can use it.
        position.initialRisk = Math.abs(position.avgPrice - stop);
      }
      if (levels.target !== undefined) target ??= levels.target;
    }
    if (stop === undefined && target === undefined) return undefined;
    position.stop = stop;
    position.target = target;
    position.stopSetAt = position.entryTime;
    return { symbol: position.symbol, stop, target, ruleId: ids.join(','), reason: 'levels set at entry' };
  }

  /**
   * Sets the protective levels of a position from outside (e.g. the stop the broker holds
   * from a bracket). Stops only tighten unless `force` is set.
   */
  setProtection(symbol: string, levels: { stop?: number; target?: number }, force = false): void {
    const position = this.book.symbols.get(symbol)?.position;
    if (position === undefined) return;
    if (levels.stop !== undefined) {
      const long = position.qty > 0;
      const tighter =
        position.stop === undefined || (long ? levels.stop > position.stop : levels.stop < position.stop);
      if (force || tighter) {
        position.stop = levels.stop;
        position.stopSetAt = this.now();
        position.initialRisk ??= Math.abs(position.avgPrice - levels.stop);
      }
    }
    if (levels.target !== undefined) position.target = levels.target;
  }

  #onTradeClosed(trade: ClosedTrade): void {
    for (const breaker of this.#breakers) breaker.onTradeClosed?.(trade);
    this.#saveCounters();
  }

  // ---- market ------------------------------------------------------------------------------

  /** Handles a price, index level or split: marks, indicators, exit rules and breakers. */
  onMarket(event: MarketEvent): RiskActions {
    const observers = this.#marketObservers[event.kind];
    if (observers.length > 0) this.#observe(observers, event);
    if (event.kind === 'index') {
      this.#indexLevels.set(event.name, event.value);
      this.#indexTimes.set(event.name, event.time);
      return this.#evaluateBreakers(event.time);
    }
    if (event.kind === 'split') {
      this.#onSplit(event.symbol, event.ratio);
      return NO_ACTIONS;
    }
    if (event.kind === 'iv') {
      this.#greeks?.onImpliedVol(event.symbol, event.value, this.now());
      return this.#evaluateBreakers(event.time);
    }
    const instrument = this.instrument(event.symbol);
    if (instrument === undefined) return this.#greeks === undefined ? NO_ACTIONS : this.#onGreeksOnly(event);
    const entry = this.book.entry(instrument);
    const tick = makeTick(event);
    if (!(tick.close > 0) || !Number.isFinite(tick.close)) return NO_ACTIONS; // bad data never marks
    this.#rollSession(tick.time);
    const mult = instrument.multiplier;
    const position = entry.position;
    if (position !== undefined && Number.isFinite(entry.price)) {
      this.book.marketValue += (tick.close - entry.price) * position.qty * mult;
    }
    entry.price = tick.close;
    entry.priceTime = tick.time;
    this.book.refresh(entry);
    if (event.kind === 'bar') this.#onBar(event, position);
    if (this.#greeks !== undefined)
      this.#greeks.onPrice(event.symbol, instrument, tick.close, tick.time, this.now());
    let exits: RiskActions['exits'] | undefined;
    let updates: RiskActions['updates'] | undefined;
    if (position !== undefined) {
      position.lastPrice = tick.close;
      const found = evaluateExits(position, tick, this.#exitRules, this);
      if (found !== undefined) {
        exits = found.exits;
        updates = found.updates;
        if (this.#listeners.length > 0) for (const exit of found.exits) this.#emit({ type: 'exit', exit });
      }
    }
    const breakerActions = this.#evaluateBreakers(tick.time);
    if (exits === undefined && updates === undefined) return breakerActions;
    return {
      exits: breakerActions.exits.length > 0 ? [...(exits ?? []), ...breakerActions.exits] : (exits ?? []),
      updates: updates ?? [],
      trips: breakerActions.trips,
    };
  }

  /** Hands a market event to the breakers that observe them; an exception trips the breaker. */
  #observe(observers: readonly Breaker[], event: MarketEvent): void {
    for (const breaker of observers) {
      try {
        breaker.onMarket!(event, this);
      } catch (error) {
        this.#observerErrors.set(breaker.id, error);
      }
    }
  }

  /** A price of a symbol the engine does not trade: still the underlying of options it may hold. */
  #onGreeksOnly(event: Bar | Quote | Mark): RiskActions {
    const tick = makeTick(event);
    if (!(tick.close > 0) || !Number.isFinite(tick.close)) return NO_ACTIONS;
    this.#greeks!.onPrice(event.symbol, undefined, tick.close, tick.time, this.now());
    return this.#evaluateBreakers(tick.time);
  }

  /** Feeds a bar to the timeframe builders; each completed bar updates indicators and counts. */
  #onBar(bar: Bar, position: Position | undefined): void {
    if (this.#timeframeBars.timeframes.length === 0) return;
    const barMs = bar.durationMs ?? this.#barMs;
    if (barMs !== this.#checkedBarMs) {
      // A host checks its bar length at start; a bar that cannot be counted is a broken invariant.
      const problem = barResolutionProblem(this.profile, barMs);
      if (problem !== null) throw new RangeError(`bar of ${bar.symbol}: ${problem}`);
      this.#checkedBarMs = barMs;
    }
    this.#barPosition = position;
    this.#timeframeBars.add(bar, barMs, this.#onTimeframeBar);
    this.#barPosition = undefined;
  }

  #timeframeBarCompleted(tf: Timeframe, bar: Bar): void {
    const cfg = this.profile.indicators;
    if (cfg.atr?.timeframe === tf || cfg.realizedVolatility?.timeframe === tf) {
      let ind = this.#indicators.get(bar.symbol);
      if (ind === undefined) {
        ind = {
          atr: cfg.atr === undefined ? undefined : new Atr(cfg.atr.period, cfg.atr.method),
          rv:
            cfg.realizedVolatility === undefined
              ? undefined
              : new RealizedVolatility(cfg.realizedVolatility.window),
        };
        this.#indicators.set(bar.symbol, ind);
      }
      if (cfg.atr?.timeframe === tf) ind.atr?.update(bar.high, bar.low, bar.close);
      if (cfg.realizedVolatility?.timeframe === tf) ind.rv?.update(bar.close);
    }
    const position = this.#barPosition;
    if (position !== undefined && bar.time > position.entryTime)
      position.barsHeldBy[tf] = (position.barsHeldBy[tf] ?? 0) + 1;
  }

  /** Rescales everything priced in the symbol so the split gap triggers nothing. */
  #onSplit(symbol: string, ratio: number): void {
    if (!(ratio > 0) || ratio === 1) return;
    const entry = this.book.symbols.get(symbol);
    this.#indicators.get(symbol)?.atr?.adjustForSplit(ratio);
    this.#indicators.get(symbol)?.rv?.adjustForSplit(ratio);
    this.#timeframeBars.adjustForSplit(symbol, ratio);
    if (entry === undefined) return;
    const position = entry.position;
    if (position !== undefined) {
      position.qty *= ratio;
      position.avgPrice /= ratio;
      position.lastPrice /= ratio;
      position.mfe /= ratio;
      position.mae /= ratio;
      if (position.stop !== undefined) position.stop /= ratio;
      if (position.target !== undefined) position.target /= ratio;
      if (position.initialRisk !== undefined) position.initialRisk /= ratio;
      for (const key of Object.keys(position.ruleState)) {
        if (key.endsWith('.best')) position.ruleState[key]! /= ratio;
        if (key === 'entry.maxQty' || key === 'partial.entryQty') position.ruleState[key]! *= ratio;
      }
    }
    // Market value is unchanged by a split: qty × ratio at price ÷ ratio.
    if (Number.isFinite(entry.price)) entry.price /= ratio;
    this.book.refresh(entry);
    if (this.#greeks !== undefined) {
      this.#greeks.sync(entry, this.now());
      this.#greeks.onPrice(symbol, entry.instrument, entry.price, entry.priceTime, this.now());
    }
  }

  /** Starts a new trading day at the first event of a new New York session date. */
  #rollSession(time: number): void {
    const date = sessionDate(time);
    if (this.#dayStart !== null && this.#dayStart.sessionDate >= date) return;
    const dayStart = { sessionDate: date, equity: this.equity };
    this.#dayStart = dayStart;
    const store = this.#store;
    if (store !== undefined) {
      this.#track(
        'day-start',
        store.saveDayStart(dayStart, time).then((stored) => {
          // Another process may have recorded the session first: its value wins.
          if (this.#dayStart?.sessionDate === stored.sessionDate) this.#dayStart = { ...stored };
        }),
      );
    }
  }

  // ---- account -----------------------------------------------------------------------------

  /** Takes the broker's account figures as the truth for equity and buying power. */
  onAccount(snapshot: AccountSnapshot): RiskActions {
    if (!Number.isFinite(snapshot.equity) || !Number.isFinite(snapshot.buyingPower)) return NO_ACTIONS;
    // The broker's figures are the truth, so they are taken before a new session's day-start
    // equity is recorded (after a restart the engine's own cash is only a placeholder).
    this.#cash = snapshot.equity - this.book.marketValue;
    this.#accountBuyingPower = snapshot.buyingPower;
    this.#rollSession(snapshot.time);
    return this.#evaluateBreakers(snapshot.time);
  }

  /**
   * A cash movement the broker books outside fills — a borrow fee on a short, margin interest,
   * a dividend paid on a short (negative `amount`) or received (positive). Cash and equity move
   * by `amount` dollars, then the breakers look at the new equity.
   */
  onCashFlow(flow: { readonly time: number; readonly amount: number; readonly reason: string }): RiskActions {
    if (!Number.isFinite(flow.amount))
      throw new RangeError(
        `onCashFlow: amount must be a finite number of dollars, got ${flow.amount} (${flow.reason})`,
      );
    if (flow.amount === 0) return NO_ACTIONS;
    this.#cash += flow.amount;
    return this.#evaluateBreakers(flow.time);
  }

  #afterEquityChange(time: number, trips: BreakerTrip[], exits: RiskActions['exits'][number][]): void {
    const actions = this.#evaluateBreakers(time);
    trips.push(...actions.trips);
    exits.push(...actions.exits);
  }

  // ---- breakers and the latch -------------------------------------------------------------

  #evaluateBreakers(time: number): RiskActions {
    const equity = this.equity;
    if (equity > this.#peak) {
      this.#peak = equity;
      const store = this.#store;
      if (store !== undefined) {
        this.#track(
          'peak',
          store.raisePeakEquity(equity, time).then((stored) => {
            if (stored > this.#peak) this.#peak = stored;
          }),
        );
      }
    }
    let actions: { exits: RiskActions['exits'][number][]; trips: BreakerTrip[] } | undefined;
    if (this.#observerErrors.size > 0) actions = this.#tripFailedObservers(time);
    for (const breaker of this.#breakers) {
      const tripped = this.#tripped.get(breaker.id);
      if (tripped !== undefined) {
        // A latched breaker still watches its input, e.g. so hysteresis can re-arm.
        breaker.observe?.(this);
        if (!rearmDue(tripped, breaker, time, this.#rearmAt)) continue;
        this.#rearm(breaker, tripped, time);
      }
      let finding: BreakerFinding | null;
      let failed = false;
      try {
        finding = breaker.evaluate(this);
      } catch (error) {
        failed = true;
        finding = {
          message: `${breaker.code}: breaker threw (${describe(error)}); tripping to fail closed`,
          values: {},
        };
      }
      if (finding === null) continue;
      actions ??= { exits: [], trips: [] };
      const trip = this.#trip(breaker, finding, time, failed);
      actions.trips.push(trip);
      if (breaker.flatten) actions.exits.push(...this.flattenSignals('breaker_flatten', time));
    }
    return actions === undefined ? NO_ACTIONS : { exits: actions.exits, updates: [], trips: actions.trips };
  }

  /**
   * Trips the breakers whose `onMarket` threw (fail closed). Kept out of the evaluation loop,
   * which stays as small as it was: the hot path pays one size check.
   */
  #tripFailedObservers(time: number): { exits: RiskActions['exits'][number][]; trips: BreakerTrip[] } {
    const actions: { exits: RiskActions['exits'][number][]; trips: BreakerTrip[] } = { exits: [], trips: [] };
    for (const breaker of this.#breakers) {
      const error = this.#observerErrors.get(breaker.id);
      if (error === undefined && !this.#observerErrors.has(breaker.id)) continue;
      this.#observerErrors.delete(breaker.id);
      if (this.#tripped.has(breaker.id)) continue;
      const finding = {
        message: `${breaker.code}: breaker threw (${describe(error)}); tripping to fail closed`,
        values: {},
      };
      actions.trips.push(this.#trip(breaker, finding, time, true));
      if (breaker.flatten) actions.exits.push(...this.flattenSignals('breaker_flatten', time));
    }
    return actions;
  }

  /** Trips a breaker; one that threw (`failed`) re-arms only by a reset, whatever its policy. */
  #trip(breaker: Breaker, finding: BreakerFinding, time: number, failed = false): BreakerTrip {
    const action = breaker.action === 'pause' ? 'reducing' : breaker.action;
    const trip: BreakerTrip = {
      breakerId: breaker.id,
      code: breaker.code,
      action,
      flatten: breaker.flatten,
      message: finding.message,
      values: finding.values,
      at: time,
      rearm: failed ? 'manual' : (breaker.rearm ?? 'manual'),
    };
    if (breaker.action === 'pause') {
      this.#pause = {
        until: finding.pauseUntil ?? time,
        code: `${breaker.code}_COOLDOWN`,
        reason: finding.message,
      };
      this.#persistState(this.#state, trip);
    } else {
      this.#tripped.set(breaker.id, trip);
      this.#moveState(breaker.action, breaker.code, finding.message, 'engine', time, trip);
    }
    this.#saveCounters();
    if (this.#listeners.length > 0) this.#emit({ type: 'trip', trip });
    return trip;
  }

  /**
   * Lifts a breaker's latch by its policy: the account returns to the most severe latch still
   * held (`active` with none), recorded as `REARM` by `system` with the reason, persisted and
   * evented like a reset. The breaker is re-armed (`reset`) and evaluated again at once.
   */
  #rearm(breaker: Breaker, trip: BreakerTrip, time: number): void {
    if (tripPolicy(trip) === 'next-session') this.#rollSession(time); // the new day's equity first
    this.#tripped.delete(breaker.id);
    this.#rearmAt.delete(breaker.id);
    breaker.reset?.();
    const held = heldState(this.#tripped.values());
    const reason = rearmReason(trip, time, held.by);
    const previous = this.#state;
    const changed = isMoreSevere(previous.state, held.state);
    if (changed) {
      const record: TradingStateRecord = {
        state: held.state,
        code: REARM_CODE,
        reason,
        by: REARM_BY,
        at: time,
      };
      this.#state = record;
      this.#persistState(record);
      if (this.#listeners.length > 0) this.#emit({ type: 'state', record, previous });
    }
    this.#saveCounters();
    if (this.#listeners.length > 0)
      this.#emit({
        type: 'rearm',
        breakerId: breaker.id,
        code: breaker.code,
        policy: tripPolicy(trip),
        reason,
        time,
        state: this.#state.state,
        changed,
      });
  }

  #moveState(
    state: TradingState,
    code: string,
    reason: string,
    by: string,
    at: number,
    trip?: BreakerTrip,
  ): void {
    const previous = this.#state;
    const next = isMoreSevere(state, previous.state) ? { state, code, reason, by, at } : previous;
    if (next === previous && trip === undefined) return;
    this.#state = next;
    this.#persistState(next, trip);
    if (next !== previous && this.#listeners.length > 0)
      this.#emit({ type: 'state', record: next, previous });
  }

  #persistState(record: TradingStateRecord, trip?: BreakerTrip): void {
    const store = this.#store;
    if (store === undefined) return;
    const write = store.saveTradingState(record, trip).then(
      () => {
        if (trip !== undefined) {
          const i = this.#unwrittenTrips.indexOf(trip);
          if (i >= 0) this.#unwrittenTrips.splice(i, 1);
        }
      },
      (error: unknown) => {
        if (trip !== undefined && !this.#unwrittenTrips.includes(trip)) this.#unwrittenTrips.push(trip);
        throw error;
      },
    );
    this.#track('latch', write);
  }

  /** Exit signals that flatten every open position at market. */
  flattenSignals(
    reason: 'breaker_flatten' | 'kill_switch' | 'manual',
    time = this.now(),
  ): RiskActions['exits'][number][] {
    const exits: RiskActions['exits'][number][] = [];
    for (const entry of this.book.symbols.values()) {
      const p = entry.position;
      if (p === undefined || p.qty === 0) continue;
      exits.push({
        symbol: p.symbol,
        side: p.qty > 0 ? 'sell' : 'buy',
        qty: Math.abs(p.qty),
        reason,
        price: undefined,
        rules: [reason],
        time,
      });
    }
    return exits;
  }

  /**
   * The kill switch: halts the account (latched until a reset) and, with `flatten`, returns
   * exits for every position. The caller cancels working orders at the broker.
   */
  kill(by: string, reason: string, options: { readonly flatten?: boolean } = {}): RiskActions {
    const time = this.now();
    const trip: BreakerTrip = {
      breakerId: 'kill-switch',
      code: 'KILL_SWITCH',
      action: 'halted',
      flatten: options.flatten === true,
      message: `KILL_SWITCH: by=${by} reason=${reason}`,
      values: { by, reason },
      at: time,
    };
    this.#tripped.set('kill-switch', trip);
    const previous = this.#state;
    const record: TradingStateRecord = { state: 'halted', code: 'KILL_SWITCH', reason, by, at: time };
    this.#state = record;
    this.#persistState(record, trip);
    this.#saveCounters();
    if (this.#listeners.length > 0) {
      this.#emit({ type: 'trip', trip });
      this.#emit({ type: 'state', record, previous });
    }
    return {
      exits: options.flatten ? this.flattenSignals('kill_switch', time) : [],
      updates: [],
      trips: [trip],
    };
  }

  /**
   * An authorised reset: back to `active`, breakers re-armed, disabled strategies re-enabled
   * and pauses lifted. `by` and `reason` are required and recorded.
   */
  reset(by: string, reason: string): TradingStateRecord {
    if (by.trim() === '' || reason.trim() === '')
      throw new Error('reset needs a non-empty `by` and `reason`');
    const previous = this.#state;
    const record: TradingStateRecord = { state: 'active', code: 'RESET', reason, by, at: this.now() };
    this.#state = record;
    this.#tripped.clear();
    this.#rearmAt.clear();
    this.#observerErrors.clear();
    this.#disabledStrategies.clear();
    this.#pause = { until: 0, code: '', reason: '' };
    for (const breaker of this.#breakers) breaker.reset?.();
    for (const rule of this.#rules) rule.reset?.();
    this.#persistState(record);
    this.#saveCounters();
    if (this.#listeners.length > 0) this.#emit({ type: 'state', record, previous });
    return record;
  }

  #disableStrategy(strategy: string, reason: string): void {
    this.#disabledStrategies.set(strategy, reason);
    this.#saveCounters();
    if (this.#listeners.length > 0)
      this.#emit({ type: 'strategy-disabled', strategy, reason, time: this.now() });
  }

  // ---- persistence -------------------------------------------------------------------------

  #saveCounters(): void {
    const store = this.#store;
    if (store === undefined) return;
    const breakers: Record<string, unknown> = {};
    for (const b of this.#breakers) if (b.persistState) breakers[b.id] = b.persistState();
    const value = {
      tripped: [...this.#tripped.values()],
      disabledStrategies: [...this.#disabledStrategies],
      pause: this.#pause,
      breakers,
    };
    this.#track('counters', store.saveCounter('engine', value, this.now()));
  }

  /** Restores persisted state (latch, peak, day start, counters) after a restart. */
  restore(state: PersistedRiskState): void {
    this.#state = state.tradingState;
    if (state.peakEquity !== null && state.peakEquity > this.#peak) this.#peak = state.peakEquity;
    if (state.dayStart !== null) this.#dayStart = { ...state.dayStart };
    const saved = state.counters.engine as
      | {
          tripped?: BreakerTrip[];
          disabledStrategies?: [string, string][];
          pause?: { until: number; code: string; reason: string };
          breakers?: Record<string, unknown>;
        }
      | undefined;
    if (saved === undefined) return;
    this.#rearmAt.clear();
    for (const trip of saved.tripped ?? []) this.#tripped.set(trip.breakerId, trip);
    for (const [strategy, reason] of saved.disabledStrategies ?? [])
      this.#disabledStrategies.set(strategy, reason);
    if (saved.pause !== undefined) this.#pause = saved.pause;
    for (const b of this.#breakers)
      if (b.restore && saved.breakers?.[b.id] !== undefined) b.restore(saved.breakers[b.id]);
  }

  /**
   * Follows a store write. A failure is remembered per kind of write and is cleared only by a
   * later successful write of the same kind: each kind writes the whole current value (the
   * latch, the counters, the max-merged peak, the session's day start), so such a success makes
   * the earlier failure good, while a success of another kind does not. A failed latch write
   * stays failed until the current latch and every trip whose write failed are stored.
   */
  #track(kind: StoreWriteKind, promise: Promise<unknown>): void {
    const tracked = promise.then(
      () => {
        if (kind !== 'latch' || this.#unwrittenTrips.length === 0) this.#storeErrors.delete(kind);
      },
      (error: unknown) => {
        this.#storeErrors.set(kind, error);
        if (this.#listeners.length > 0) this.#emit({ type: 'store-error', error, time: this.now() });
      },
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** Resolves when every state write issued so far is durable (or has failed). */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /**
   * True while a store write failed and was not made good since: new entries are denied with
   * STORE_UNAVAILABLE. Exits, cancels and the latch itself are unaffected.
   */
  get storeAvailable(): boolean {
    return this.#storeErrors.size === 0;
  }

  /**
   * Writes again whatever failed to reach the store: the current latch with every trip whose
   * write failed, the counters, the peak and the day start. Resolves true once all of it is
   * stored (the caller retries later otherwise); the caller owns the timing.
   */
  async retryStoreWrites(): Promise<boolean> {
    const store = this.#store;
    if (store === undefined || this.#storeErrors.size === 0) return true;
    await this.flush();
    const failed = new Set(this.#storeErrors.keys());
    if (failed.has('latch')) {
      const trips = [...this.#unwrittenTrips];
      if (trips.length === 0) this.#persistState(this.#state);
      for (const trip of trips) this.#persistState(this.#state, trip);
    }
    if (failed.has('counters')) this.#saveCounters();
    if (failed.has('peak')) this.#track('peak', store.raisePeakEquity(this.#peak, this.now()));
    const dayStart = this.#dayStart;
    if (failed.has('day-start')) {
      if (dayStart === null) this.#storeErrors.delete('day-start');
      else this.#track('day-start', store.saveDayStart(dayStart, this.now()));
    }
    await this.flush();
    return this.#storeErrors.size === 0;
  }

  // ---- events and snapshot -----------------------------------------------------------------

  /** Subscribes to engine events; returns the unsubscribe function. */
  subscribe(listener: RiskEventListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  #emit(event: RiskEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must never change a risk decision.
      }
    }
  }

  /** A read-only copy of the whole risk state. */
  snapshot(): RiskSnapshot {
    const bySymbol: Record<string, number> = {};
    const positions = [];
    for (const entry of this.book.symbols.values()) {
      if (entry.exposure !== 0) bySymbol[entry.symbol] = entry.exposure;
      if (entry.position !== undefined)
        positions.push({ ...entry.position, ruleState: { ...entry.position.ruleState } });
    }
    const equity = this.equity;
    return {
      time: this.now(),
      mode: this.profile.mode,
      tradingState: this.#state,
      equity,
      cash: this.#cash,
      buyingPower: this.buyingPower,
      startingEquity: this.profile.startingEquity,
      peakEquity: this.#peak,
      dayStart: this.#dayStart,
      dailyPnl: this.#dayStart === null ? 0 : equity - this.#dayStart.equity,
      drawdownPercent: this.#peak > 0 ? ((this.#peak - equity) / this.#peak) * 100 : 0,
      exposure: {
        basis: this.basisEquity(),
        gross: this.book.gross,
        net: this.book.net,
        bySymbol,
        bySector: Object.fromEntries(
          [...this.book.sectors].filter(([, v]) => v.exposure !== 0).map(([k, v]) => [k, v.exposure]),
        ),
      },
      positions,
      workingOrders: [...this.book.working.values()].map((w) => ({
        clientOrderId: w.clientOrderId,
        symbol: w.symbol,
        side: w.side,
        remaining: w.remaining,
        increasesRisk: w.increasesRisk,
      })),
      trippedBreakers: [...this.#tripped.values()],
      breakers: this.#breakers.map((b) => ({
        id: b.id,
        code: b.code,
        action: b.action,
        tripped: this.#tripped.has(b.id),
        rearm: b.rearm ?? 'manual',
        ...(b.persistState === undefined ? {} : { state: b.persistState() }),
      })),
      disabledStrategies: [...this.#disabledStrategies.keys()],
      pause: this.#pause.until > this.now() ? { ...this.#pause } : null,
      storeAvailable: this.storeAvailable,
      ...(this.#greeks === undefined ? {} : { greeks: this.#greeks.snapshot() }),
    };
  }
}

/** The check input of an order on a symbol outside the book and the universe. */
function prepareUnbooked(input: CheckInput, order: OrderIntent): void {
  input.instrument = undefined;
  input.book = undefined;
  const signed = order.side === 'buy' ? order.qty : -order.qty;
  input.effect = classifyEffect(0, signed, 0);
  input.referencePrice = Number.NaN;
  input.referenceAgeMs = Number.POSITIVE_INFINITY;
  const valuation = order.limitPrice ?? order.stopPrice ?? Number.NaN;
  input.valuationPrice = valuation;
  input.multiplier = 1;
  const notional = order.qty * valuation;
  input.notional = notional;
  input.symbolExposureAfter = notional;
  input.exposureIncrease = notional;
  input.positionQtyAfter = signed;
}

/**
 * The order's notional and the symbol's worst-case exposure and position once it is added to
 * the working orders, valued at `mark` (the latest price, else the order's own).
 */
function projectExposure(
  input: CheckInput,
  entry: SymbolBook,
  q: number,
  signed: number,
  mark: number,
): void {
  const mult = entry.multiplier;
  input.notional = input.order.qty * input.valuationPrice * mult;
  const buys = entry.workingBuy + entry.workingExitBuy + Math.max(signed, 0);
  const sells = entry.workingSell + entry.workingExitSell + (signed < 0 ? -signed : 0);
  const after = Math.max(Math.abs((q + buys) * mark * mult), Math.abs((q - sells) * mark * mult));
  input.symbolExposureAfter = after;
  input.exposureIncrease = Math.max(0, after - entry.exposure);
  input.positionQtyAfter = signed > 0 ? q + buys : q - sells;
}

/** How an order relates to the position: open, increase, reduce, close or flip. */
export function classifyEffect(
  positionQty: number,
  signedOrderQty: number,
  workingExitQty: number,
): OrderEffect {
  if (positionQty === 0) return 'open';
  if (Math.sign(signedOrderQty) === Math.sign(positionQty)) return 'increase';
  // Orders already working toward flat (`workingExitQty`) would close part of the position first.
  const available = Math.abs(positionQty) - workingExitQty;
  const qty = Math.abs(signedOrderQty);
  if (qty < available - 1e-9) return 'reduce';
  if (Math.abs(qty - available) <= 1e-9) return 'close';
  return 'flip';
}

const MARKET_EVENT_KINDS: readonly MarketEvent['kind'][] = ['bar', 'quote', 'mark', 'index', 'split', 'iv'];

/** The breakers with `onMarket`, listed under each event kind they observe. */
function observersByKind(breakers: readonly Breaker[]): Record<MarketEvent['kind'], Breaker[]> {
  const byKind: Record<MarketEvent['kind'], Breaker[]> = {
    bar: [],
    quote: [],
    mark: [],
    index: [],
    split: [],
    iv: [],
  };
  for (const breaker of breakers) {
    if (breaker.onMarket === undefined) continue;
    for (const kind of breaker.observes ?? MARKET_EVENT_KINDS) byKind[kind].push(breaker);
  }
  return byKind;
}

function makeLookup(
  options: RiskEngineOptions,
  sectors: Readonly<Record<string, string>>,
): (symbol: string) => Instrument | undefined {
  const source = options.instruments;
  const withSector = (i: Instrument | undefined): Instrument | undefined => {
    if (i === undefined || i.sector !== UNKNOWN_SECTOR) return i;
    const sector = sectors[i.symbol];
    return sector === undefined ? i : { ...i, sector };
  };
  if (source === undefined) return () => undefined;
  if (typeof source === 'function') return (symbol) => withSector(source(symbol));
  const map = new Map<string, Instrument>();
  for (const i of source) map.set(i.symbol, withSector(i)!);
  return (symbol) => map.get(symbol);
}
