/**
 * The race workload: random interleavings (fast-check) of a bot's orders (entries, adds,
 * partial and full exits of any type, limit exits and their cancels and replaces), price moves
 * that fill orders, trigger stops and move them (breakeven and trailing rules in the profile),
 * partial fills, rejected stop legs, latency and dropped trade-stream events, against one
 * simulated exchange and gateway reused across runs. Used by the race test and the benchmark.
 */
import fc from 'fast-check';
import type { Rig } from '../gateway/harness.ts';
import { BotCallError, type BotClient } from './bot-clients.ts';
import { fillMarketOrders, positionAt, tick } from './bot-day.ts';
import { fillLog } from './fill-log.ts';
import { type InvariantReport, settledReport } from './protection-invariant.ts';

/** A profile with protection on and engine-driven stop moves (breakeven at 1R, a 3 % trail). */
export const RACE_PROFILE = `
mode: paper
profiles:
  paper:
    startingEquity: 100000
    marketData: { maxQuoteAgeMs: 600000 }
    orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 }
    exposure: { symbol: { usd: 40000 } }
    protectiveStop: { required: true, policy: attach, method: percent, percent: 5 }
    exits:
      breakeven: { afterR: 1 }
      trailingStop: { percent: 3 }
`;

/** The symbols and their starting bid. Prices stay within ±15 % of it. */
export const RACE_QUOTES: Readonly<Record<string, number>> = { AAPL: 100, MSFT: 400 };
const SYMBOLS = Object.keys(RACE_QUOTES);

/** One thing that happens in a run. */
export type RaceAction =
  | { readonly kind: 'enter'; readonly symbol: string; readonly qty: number; readonly short: boolean }
  | { readonly kind: 'exit'; readonly symbol: string; readonly fraction: number; readonly type: ExitType }
  | { readonly kind: 'cancel-exit'; readonly symbol: string }
  | {
      readonly kind: 'replace-exit';
      readonly symbol: string;
      readonly percent: number;
      readonly resize: boolean;
    }
  | { readonly kind: 'move'; readonly symbol: string; readonly percent: number }
  | { readonly kind: 'partial-fill'; readonly symbol: string }
  | { readonly kind: 'reject-stop-leg'; readonly symbol: string }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'drop-stream' }
  | { readonly kind: 'close'; readonly symbol: string };

type ExitType = 'market' | 'limit' | 'stop';

const symbol = fc.constantFrom(...SYMBOLS);

/** One random action; price moves and orders are the most frequent. */
export const raceAction: fc.Arbitrary<RaceAction> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('enter'),
      symbol,
      qty: fc.integer({ min: 1, max: 20 }),
      short: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('exit'),
      symbol,
      fraction: fc.constantFrom(0.25, 0.5, 1),
      type: fc.constantFrom<ExitType>('market', 'limit', 'stop'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel-exit'), symbol }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace-exit'),
      symbol,
      percent: fc.integer({ min: 1, max: 4 }),
      resize: fc.boolean(),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('move'), symbol, percent: fc.integer({ min: -7, max: 7 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial-fill'), symbol }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject-stop-leg'), symbol }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('latency'), ms: fc.integer({ min: 20, max: 300 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop-stream') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close'), symbol }) },
) as fc.Arbitrary<RaceAction>;

/** One run: a short sequence of actions. */
export const raceRun: fc.Arbitrary<RaceAction[]> = fc.array(raceAction, { minLength: 3, maxLength: 10 });

/** A run's shared state: the rig, the bot, and the bot's working exits per symbol. */
export interface RaceContext {
  readonly rig: Rig;
  readonly bot: BotClient;
  readonly exits: Map<string, string[]>;
  /** Bot calls the gateway refused (reported, not failures: the invariants are what is checked). */
  readonly refusals: string[];
}

/** What a run saw after each action (and after the flatten that ends it). */
export interface RaceStep {
  readonly label: string;
  readonly report: InvariantReport;
}

/** Prints an action compactly, e.g. `exit MSFT 50% limit`. */
export function describeAction(a: RaceAction): string {
  switch (a.kind) {
    case 'enter':
      return `${a.short ? 'short' : 'long'} entry/add ${a.qty} ${a.symbol}`;
    case 'exit':
      return `exit ${a.fraction * 100}% ${a.symbol} ${a.type}`;
    case 'replace-exit':
      return `replace ${a.symbol} exit +${a.percent}%${a.resize ? ' and resize' : ''}`;
    case 'move':
      return `move ${a.symbol} ${a.percent > 0 ? '+' : ''}${a.percent}%`;
    case 'latency':
      return `latency ${a.ms} ms`;
    case 'drop-stream':
      return 'drop the next fill event';
    default:
      return `${a.kind} ${a.symbol}`;
  }
}

/** Runs one sequence, checking the settled invariant after every action and after the final flatten. */
export async function runRace(ctx: RaceContext, actions: readonly RaceAction[]): Promise<RaceStep[]> {
  const steps: RaceStep[] = [];
  for (const action of actions) {
    await applyAction(ctx, action);
    steps.push({ label: describeAction(action), report: await settledReport(ctx.rig, settle(ctx)) });
  }
  await bot(ctx, () => ctx.bot.closeAll(true));
  for (const s of SYMBOLS) tick(ctx.rig.sim, s);
  steps.push({ label: 'close all at the end of the run', report: await settledReport(ctx.rig, settle(ctx)) });
  return steps;
}

/** Settling lets resting market orders fill, as they would in a market that keeps trading. */
function settle(ctx: RaceContext): { beforeCheck: () => void } {
  return { beforeCheck: () => fillMarketOrders(ctx.rig.sim) };
}

/** Does one action. Quantities are sized from the exchange's position, as a bot would. */
export async function applyAction(ctx: RaceContext, a: RaceAction): Promise<void> {
  const sim = ctx.rig.sim;
  switch (a.kind) {
    case 'enter': {
      const qty = positionAt(sim, a.symbol);
      const side = qty > 0 ? 'buy' : qty < 0 ? 'sell' : a.short ? 'sell' : 'buy';
      await bot(ctx, () => ctx.bot.submit({ symbol: a.symbol, qty: a.qty, side, type: 'market' }));
      tick(sim, a.symbol);
      return;
    }
    case 'exit':
      return exit(ctx, a.symbol, a.fraction, a.type);
    case 'cancel-exit': {
      const id = liveExits(ctx, a.symbol).pop();
      if (id !== undefined) await bot(ctx, () => ctx.bot.cancel(id));
      return;
    }
    case 'replace-exit': {
      const id = liveExits(ctx, a.symbol).pop();
      const order = id === undefined ? undefined : sim.venue.state.orders.get(id);
      if (order === undefined) return;
      const bid = bidOf(ctx, a.symbol);
      const price =
        order.type === 'limit' ? cents(bid * (1 + a.percent / 100)) : cents(bid * (1 - a.percent / 100));
      const qty = a.resize ? Math.max(1, Math.floor((order.qty - order.filledQty) / 2)) : undefined;
      const replaced = await bot(ctx, () =>
        order.type === 'limit'
          ? ctx.bot.replace(order.id, { limitPrice: price, ...(qty !== undefined ? { qty } : {}) })
          : ctx.bot.replace(order.id, { ...(qty !== undefined ? { qty } : {}) }),
      );
      if (replaced !== undefined) remember(ctx, a.symbol, replaced.id);
      return;
    }
    case 'move': {
      const base = RACE_QUOTES[a.symbol]!;
      const bid = Math.min(base * 1.15, Math.max(base * 0.85, bidOf(ctx, a.symbol) * (1 + a.percent / 100)));
      sim.setQuote(a.symbol, cents(bid), cents(bid * 1.0002));
      return;
    }
    case 'partial-fill':
      sim.faults.add({ kind: 'partial-fill', fraction: 0.5, symbol: a.symbol, count: 1 });
      return;
    case 'reject-stop-leg':
      sim.faults.add({ kind: 'reject-stop-leg', symbol: a.symbol, count: 1 });
      return;
    case 'latency':
      sim.faults.add({ kind: 'latency', ms: a.ms, count: 5 });
      return;
    case 'drop-stream':
      sim.faults.add({ kind: 'drop-stream-events', events: ['fill', 'partial_fill'], count: 1 });
      return;
    case 'close':
      if (positionAt(sim, a.symbol) !== 0) await bot(ctx, () => ctx.bot.closePosition(a.symbol));
      tick(sim, a.symbol);
      return;
  }
}

async function exit(ctx: RaceContext, symbol: string, fraction: number, type: ExitType): Promise<void> {
  const position = positionAt(ctx.rig.sim, symbol);
  if (position === 0) return;
  const qty = Math.max(1, Math.floor(Math.abs(position) * fraction));
  const side = position > 0 ? 'sell' : 'buy';
  const bid = bidOf(ctx, symbol);
  // A limit exit rests on the profitable side, a stop exit on the losing side, 2 % away.
  const away = (sign: number) => cents(bid * (1 + (sign * 2) / 100));
  const profit = position > 0 ? 1 : -1;
  const placed = await bot(ctx, () =>
    ctx.bot.submit({
      symbol,
      qty,
      side,
      type,
      timeInForce: 'gtc',
      ...(type === 'limit' ? { limitPrice: away(profit) } : {}),
      ...(type === 'stop' ? { stopPrice: away(-profit) } : {}),
    }),
  );
  if (placed !== undefined && type !== 'market') remember(ctx, symbol, placed.id);
  tick(ctx.rig.sim, symbol);
}

/** Leaves nothing behind for the next run: faults, orders, positions, a latched state. */
export async function resetRace(ctx: RaceContext): Promise<void> {
  const { sim } = ctx.rig;
  sim.faults.clear();
  for (let i = 0; i < 3; i++) {
    sim.venue.cancelAll();
    sim.venue.closeAll(false);
    for (const s of SYMBOLS) tick(sim, s);
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const state = (await ctx.rig.http('GET', '/v1/state')).body;
    if ((state?.positions ?? []).length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  sim.venue.cancelAll();
  for (const [s, bid] of Object.entries(RACE_QUOTES)) sim.setQuote(s, bid, cents(bid * 1.0002));
  const state = (await ctx.rig.http('GET', '/v1/state')).body;
  if (state?.tradingState?.state !== 'active') {
    await ctx.rig.http('POST', '/v1/reset', { reason: 'next race run' }, ctx.rig.officer);
  }
  fillLog(sim).takeViolations(); // the cleanup's own fills belong to no run
  ctx.exits.clear();
}

async function bot<T>(ctx: RaceContext, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BotCallError)) throw error;
    ctx.refusals.push(error.message);
    return undefined;
  }
}

function remember(ctx: RaceContext, symbol: string, orderId: string): void {
  ctx.exits.set(symbol, [...(ctx.exits.get(symbol) ?? []), orderId]);
}

/** The bot's exits of a symbol still live at the exchange, oldest first. */
function liveExits(ctx: RaceContext, symbol: string): string[] {
  const live = (ctx.exits.get(symbol) ?? []).filter((id) => {
    const status = ctx.rig.sim.venue.state.orders.get(id)?.status;
    return status === 'new' || status === 'partially_filled' || status === 'accepted';
  });
  ctx.exits.set(symbol, live);
  return [...live];
}

function bidOf(ctx: RaceContext, symbol: string): number {
  return ctx.rig.sim.venue.state.quotes.get(symbol)?.bid ?? RACE_QUOTES[symbol]!;
}

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}
