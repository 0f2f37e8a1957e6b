/**
 * The bot-day workload: an ordinary trading day of a bot on the official Alpaca SDK, step by
 * step, each expected to succeed exactly as it would at Alpaca without riskgate. A step returns
 * the problems it saw (a refused call, a fill that did not happen); the protection invariant is
 * checked by the caller after every step. Used by the conformance suite and the benchmark.
 */
import type { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import { BotCallError, type BotClient, type BotOrderRequest } from './bot-clients.ts';

/** Quotes the day starts from (bid; the ask is a few cents above). */
export const BOT_DAY_QUOTES: Readonly<Record<string, number>> = { AAPL: 100, MSFT: 400, TSLA: 200, SPY: 500 };

/** What a step can use: the exchange, the bot, and raw HTTP for the risk officer's kill. */
export interface BotDayContext {
  readonly sim: SimExchange;
  readonly bot: BotClient;
  /** POST /v1/kill with the risk officer's key. */
  kill(body: { flatten: boolean; reason: string }): Promise<{ status: number; body: unknown }>;
  /** What was observed and worth reporting (not failures), e.g. what the gateway did with dropped legs. */
  readonly notes: string[];
  /** The bot's working exit carried from one step to the next. */
  workingExit: string | undefined;
}

/** One step of the day. */
export interface BotDayStep {
  readonly name: string;
  /** Runs the step; resolves with the problems seen (empty when it went as at Alpaca). */
  run(ctx: BotDayContext): Promise<string[]>;
}

/** Sets the opening quotes. */
export function openDay(sim: SimExchange): void {
  for (const [symbol, bid] of Object.entries(BOT_DAY_QUOTES)) sim.setQuote(symbol, bid, quoteAsk(bid));
}

function quoteAsk(bid: number): number {
  return Math.round(bid * 1.0002 * 100) / 100;
}

/** Signed position at the exchange, shares. */
export function positionAt(sim: SimExchange, symbol: string): number {
  return sim.venue.state.ledger.positionQty(symbol);
}

/** Re-sends a symbol's current quote, so market orders resting at the exchange execute. */
export function tick(sim: SimExchange, symbol: string): void {
  const q = sim.venue.state.quotes.get(symbol);
  if (q !== undefined) sim.setQuote(symbol, q.bid, q.ask);
}

/** Re-quotes every symbol with a live market order, as a market that keeps trading fills them. */
export function fillMarketOrders(sim: SimExchange): void {
  const symbols = new Set(
    [...sim.venue.state.orders.values()]
      .filter((o) => o.type === 'market' && (o.status === 'new' || o.status === 'partially_filled'))
      .map((o) => o.symbol),
  );
  for (const symbol of symbols) tick(sim, symbol);
}

/** Ticks until the exchange position is `expected` (bounded); a problem message when it is not. */
export async function reachPosition(
  sim: SimExchange,
  symbol: string,
  expected: number,
  timeoutMs = 5_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    tick(sim, symbol);
    const qty = positionAt(sim, symbol);
    if (Math.abs(qty - expected) < 1e-9) return [];
    if (Date.now() > deadline) return [`${symbol}: position at the exchange is ${qty}, expected ${expected}`];
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits (bounded, concurrently) for every symbol to be flat at the exchange. */
async function allFlat(sim: SimExchange, symbols: readonly string[]): Promise<string[]> {
  return (await Promise.all(symbols.map((symbol) => reachPosition(sim, symbol, 0)))).flat();
}

/** Runs a bot call; a refusal becomes a problem message instead of an exception. */
async function attempt<T>(problems: string[], work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BotCallError)) throw error;
    problems.push(`refused: ${error.message}`);
    return undefined;
  }
}

/** A market order that must fill, moving the position by its signed quantity. */
function marketStep(name: string, order: (sim: SimExchange) => BotOrderRequest): BotDayStep {
  return {
    name,
    async run(ctx) {
      const o = order(ctx.sim);
      const problems: string[] = [];
      const before = positionAt(ctx.sim, o.symbol);
      if (o.qty <= 0) return [`${o.symbol}: nothing to trade (position ${before})`];
      const placed = await attempt(problems, () => ctx.bot.submit(o));
      if (placed === undefined) return problems;
      const signed = o.side === 'buy' ? o.qty : -o.qty;
      return [...problems, ...(await reachPosition(ctx.sim, o.symbol, before + signed))];
    },
  };
}

const sellAll =
  (symbol: string) =>
  (sim: SimExchange): BotOrderRequest => {
    const qty = positionAt(sim, symbol);
    return { symbol, qty: Math.abs(qty), side: qty > 0 ? 'sell' : 'buy', type: 'market' };
  };

/** A limit exit above the market for `qty` shares of a long position; kept as the working exit. */
function limitExitStep(name: string, symbol: string, qty: number, abovePercent: number): BotDayStep {
  return {
    name,
    async run(ctx) {
      const problems: string[] = [];
      const bid = ctx.sim.venue.state.quotes.get(symbol)?.bid ?? 0;
      const limitPrice = Math.round(bid * (1 + abovePercent / 100) * 100) / 100;
      const placed = await attempt(problems, () =>
        ctx.bot.submit({ symbol, qty, side: 'sell', type: 'limit', limitPrice, timeInForce: 'gtc' }),
      );
      if (placed !== undefined) ctx.workingExit = placed.id;
      return problems;
    },
  };
}

/** The day, in order. */
export const BOT_DAY_STEPS: readonly BotDayStep[] = [
  marketStep('buy 10 AAPL at market', () => ({ symbol: 'AAPL', qty: 10, side: 'buy', type: 'market' })),
  marketStep('add 5 AAPL at market (no wash-trade refusal)', () => ({
    symbol: 'AAPL',
    qty: 5,
    side: 'buy',
    type: 'market',
  })),
  marketStep('partial plain sell 4 AAPL at market (no "insufficient qty available")', () => ({
    symbol: 'AAPL',
    qty: 4,
    side: 'sell',
    type: 'market',
  })),
  marketStep('full plain sell of the rest of AAPL at market', sellAll('AAPL')),
  marketStep('buy 10 MSFT at market', () => ({ symbol: 'MSFT', qty: 10, side: 'buy', type: 'market' })),
  limitExitStep('limit exit: sell 10 MSFT limit 5 % above the market (working)', 'MSFT', 10, 5),
  {
    name: 'cancel the MSFT limit exit (protection comes back)',
    async run(ctx) {
      if (ctx.workingExit === undefined) return ['no working exit to cancel (the limit exit was not placed)'];
      const problems: string[] = [];
      await attempt(problems, () => ctx.bot.cancel(ctx.workingExit!));
      ctx.workingExit = undefined;
      return problems;
    },
  },
  limitExitStep('place an exit to replace: sell 5 MSFT limit 6 % above the market', 'MSFT', 5, 6),
  {
    name: 'replace the MSFT exit: PATCH its limit price, then its qty',
    async run(ctx) {
      if (ctx.workingExit === undefined)
        return ['no working exit to replace (the limit exit was not placed)'];
      const problems: string[] = [];
      const bid = ctx.sim.venue.state.quotes.get('MSFT')?.bid ?? 0;
      const repriced = await attempt(problems, () =>
        ctx.bot.replace(ctx.workingExit!, { limitPrice: Math.round(bid * 1.07 * 100) / 100 }),
      );
      if (repriced === undefined) return problems;
      const resized = await attempt(problems, () => ctx.bot.replace(repriced.id, { qty: 4 }));
      ctx.workingExit = (resized ?? repriced).id;
      return problems;
    },
  },
  {
    name: 'cancel the replaced MSFT exit',
    async run(ctx) {
      if (ctx.workingExit === undefined) return ['no working exit to cancel'];
      const problems: string[] = [];
      await attempt(problems, () => ctx.bot.cancel(ctx.workingExit!));
      ctx.workingExit = undefined;
      return problems;
    },
  },
  marketStep('short 5 TSLA at market', () => ({ symbol: 'TSLA', qty: 5, side: 'sell', type: 'market' })),
  marketStep('cover the TSLA short at market', sellAll('TSLA')),
  marketStep('bracket entry with order_class=bracket: buy 10 SPY (tp 550, sl 475)', () => ({
    symbol: 'SPY',
    qty: 10,
    side: 'buy',
    type: 'market',
    orderClass: 'bracket',
    takeProfit: 550,
    stopLoss: 475,
    timeInForce: 'gtc',
  })),
  {
    name: 'bracket entry without order_class: buy 5 AAPL with tp/sl (Alpaca drops the legs)',
    async run(ctx) {
      const problems: string[] = [];
      const before = positionAt(ctx.sim, 'AAPL');
      const placed = await attempt(problems, () =>
        ctx.bot.submit({
          symbol: 'AAPL',
          qty: 5,
          side: 'buy',
          type: 'market',
          takeProfit: 110,
          stopLoss: 95,
        }),
      );
      if (placed === undefined) return problems;
      ctx.notes.push(
        `${ctx.bot.sdk}: legs without order_class → the gateway answered order_class=${JSON.stringify(placed.orderClass)} with ${placed.legs} leg(s)`,
      );
      return [...problems, ...(await reachPosition(ctx.sim, 'AAPL', before + 5))];
    },
  },
  {
    name: 'close one position: DELETE /v2/positions/SPY',
    async run(ctx) {
      const problems: string[] = [];
      const closed = await attempt(problems, () => ctx.bot.closePosition('SPY'));
      if (closed === undefined) return problems;
      return [...problems, ...(await reachPosition(ctx.sim, 'SPY', 0))];
    },
  },
  marketStep('buy 10 MSFT more before closing all', () => ({
    symbol: 'MSFT',
    qty: 10,
    side: 'buy',
    type: 'market',
  })),
  {
    name: 'close all: DELETE /v2/positions?cancel_orders=true',
    async run(ctx) {
      const problems: string[] = [];
      const held = ctx.sim.venue.state.ledger.symbols();
      const results = await attempt(problems, () => ctx.bot.closeAll(true));
      for (const r of (results ?? []) as Array<{ symbol?: string; status?: number; body?: unknown }>) {
        if (r.status !== 200)
          problems.push(`close of ${r.symbol} answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      problems.push(...(await allFlat(ctx.sim, held)));
      return problems;
    },
  },
  marketStep('buy 3 AAPL before the kill', () => ({ symbol: 'AAPL', qty: 3, side: 'buy', type: 'market' })),
  marketStep('short 2 TSLA before the kill', () => ({
    symbol: 'TSLA',
    qty: 2,
    side: 'sell',
    type: 'market',
  })),
  {
    name: 'kill with flatten: POST /v1/kill {flatten: true}',
    async run(ctx) {
      const held = ctx.sim.venue.state.ledger.symbols();
      const reply = await ctx.kill({ flatten: true, reason: 'end of the bot day' });
      const problems: string[] = [];
      problems.push(...(await allFlat(ctx.sim, held)));
      if (reply.status !== 200 || problems.length > 0)
        problems.push(`kill answered ${reply.status}: ${JSON.stringify(reply.body)}`);
      return problems;
    },
  },
];
