import type { LatestQuote } from '../../broker/market-types.ts';
import type { TradingState } from '../../core/trading-state.ts';
import type { GatewayContext } from '../context.ts';
import { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { RiskActor } from '../risk/risk-actor.ts';
import { BarBuilder } from './bar-builder.ts';
import type { ProtectionMonitor } from './protection-monitor.ts';

const STATES: readonly TradingState[] = ['active', 'reducing', 'halted'];

/** An unchanged account is still written to the equity history this often, in milliseconds. */
const UNCHANGED_MARK_EVERY_MS = 60_000;

/**
 * Polls the broker for marks (latest quotes) and the account at a fixed interval and feeds them
 * to the engine: exits and breakers are evaluated on every mark, a trip is persisted, alerted
 * and acted on by the {@link RiskActor}. Also drives the protection monitor and the gauges.
 */
export class AccountMonitor {
  readonly #ctx: GatewayContext;
  readonly #actor: RiskActor;
  readonly #protection: ProtectionMonitor;
  readonly #symbols: () => Iterable<string>;
  readonly #bars: BarBuilder;
  readonly #lastQuote = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastMark: { equity: number; cash: number; buyingPower: number; time: number } | undefined;
  /** Called with each poll's quotes once the engine has them (the live Greeks hook in here). */
  afterQuotes: ((quotes: ReadonlyMap<string, LatestQuote>) => void) | undefined;
  /** Epoch ms of the last completed poll, and its error if it failed. */
  lastTickAt = 0;
  lastError: string | null = null;

  constructor(
    ctx: GatewayContext,
    actor: RiskActor,
    protection: ProtectionMonitor,
    /** The symbols to poll quotes for (the watch list). */
    symbols: () => Iterable<string>,
  ) {
    this.#ctx = ctx;
    this.#actor = actor;
    this.#protection = protection;
    this.#symbols = symbols;
    this.#bars = new BarBuilder(ctx.config.monitor.barIntervalMs);
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.tick().finally(() => {
        this.#running = undefined;
      });
    }, this.#ctx.config.monitor.markIntervalMs);
  }

  /** One poll: quotes, bars, account, protection, gauges. Never throws. */
  async tick(): Promise<void> {
    const ctx = this.#ctx;
    // A leader whose lease may have lapsed acts on nothing until it renews it (or steps down).
    if (!ctx.leadership.canAct()) {
      this.refreshGauges();
      return;
    }
    const errors: string[] = [];
    const failed = (what: string, error: unknown) => {
      const message = (error as Error).message ?? String(error);
      errors.push(message);
      ctx.log.warn({ error: message }, `account monitor ${what} poll failed`);
    };
    // Quotes and the account are polled apart: a failing quote poll must not also stop the
    // account breakers, nor the other way round.
    try {
      const symbols = [...this.#symbols()];
      if (symbols.length > 0) {
        const quotes = await ctx.metrics.timeBroker('getLatestQuotes', () =>
          ctx.broker.getLatestQuotes(symbols),
        );
        for (const q of quotes.values()) await this.#onQuote(q.symbol, q.time, q.bid, q.ask);
        this.afterQuotes?.(quotes);
      }
    } catch (error) {
      failed('quote', error);
    }
    try {
      const account = await ctx.metrics.timeBroker('getAccount', () => ctx.broker.getAccount());
      const snapshot = {
        time: Date.now(),
        equity: account.equity,
        cash: account.cash,
        buyingPower: account.buyingPower,
      };
      await this.#actor.handle(ctx.risk.engine.onAccount(snapshot), 'account');
      this.#recordMark(snapshot);
    } catch (error) {
      failed('account', error);
    }
    this.lastError = errors.length === 0 ? null : errors.join('; ');
    this.#protection.check();
    this.refreshGauges();
    this.lastTickAt = Date.now();
  }

  /**
   * Writes the account to the equity history when it changed, or once a minute when it did not:
   * polling every second must not mean a database write every second.
   */
  #recordMark(mark: { equity: number; cash: number; buyingPower: number; time: number }): void {
    const last = this.#lastMark;
    if (
      last !== undefined &&
      last.equity === mark.equity &&
      last.cash === mark.cash &&
      last.buyingPower === mark.buyingPower &&
      mark.time - last.time < UNCHANGED_MARK_EVERY_MS
    ) {
      return;
    }
    this.#lastMark = mark;
    this.#ctx.store.equity.recordMark(mark).catch(() => undefined);
  }

  async #onQuote(symbol: string, time: number, bid: number, ask: number): Promise<void> {
    const ctx = this.#ctx;
    // The same quote again carries no news; marking it again would only refresh its age.
    if (this.#lastQuote.get(symbol) === time) return;
    this.#lastQuote.set(symbol, time);
    const engine = ctx.risk.engine;
    // A bar finished by this quote is older than the quote (it is stamped with its start), so it
    // reaches the engine first, and in the same turn: the reference price is never set back to
    // the bar's time, not even for the moment an order could be checked in between.
    const bar = this.#bars.add(symbol, (bid + ask) / 2, time);
    const fromBar = bar === undefined ? undefined : engine.onMarket(bar);
    const fromQuote = engine.onMarket({ kind: 'quote', symbol, time, bid, ask });
    // Handled together: one exit signalled by both events is sent once (the actor dedupes a close).
    await Promise.all([
      fromBar === undefined ? undefined : this.#actor.handle(fromBar, 'bar'),
      this.#actor.handle(fromQuote, 'mark'),
    ]);
  }

  /** Sets the state, breaker and account gauges from the engine (each poll, and at each scrape). */
  refreshGauges(): void {
    const ctx = this.#ctx;
    const engine = ctx.risk.engine;
    const snap = engine.snapshot();
    ctx.metrics.account.update({
      snapshot: snap,
      profile: engine.profile,
      indexLevel: (name) => engine.indexLevel(name),
      watched: this.#symbols(),
      priceTime: (symbol) => engine.book.symbols.get(symbol)?.priceTime,
      now: Date.now(),
    });
    GatewayMetrics.oneHot(ctx.metrics.tradingState, 'state', STATES, snap.tradingState.state);
    for (const b of snap.breakers) ctx.metrics.breakerTripped.set({ code: b.code }, b.tripped ? 1 : 0);
    ctx.metrics.breakerTripped.set(
      { code: 'KILL_SWITCH' },
      snap.trippedBreakers.some((t) => t.code === 'KILL_SWITCH') ? 1 : 0,
    );
    const circuit = ctx.broker.circuitState ?? 'closed';
    GatewayMetrics.oneHot(ctx.metrics.brokerCircuit, 'state', ['closed', 'open', 'half-open'], circuit);
    ctx.metrics.recordLeadership(ctx.leadership.view());
    ctx.metrics.storeAvailable.set(ctx.durability.storeProblem() === null ? 1 : 0);
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
  }
}
