/** The engine and order mix of bench:core, shared with the instruction-count probe. */
import { ManualClock } from '../src/core/clock.ts';
import { parseProfile } from '../src/core/config/load-profile.ts';
import { RiskEngine } from '../src/core/engine.ts';
import { stock } from '../src/core/instrument.ts';
import type { OrderIntent } from '../src/core/order.ts';
import { buildPreTradeRules } from '../src/core/rules/build-rules.ts';

export const BASE_POSITIONS = 500;
export const SECTORS = 10;
export const RULES = 20;

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The engine over a book of `positions`. `leaveOut` names rule ids the engine is built without
 * (`*` for all of them), so a count can attribute a check's cost to rules and to the engine's own
 * set-up; the benchmark itself always runs the whole set.
 */
export function build(positions: number, leaveOut: readonly string[] = []) {
  const parsed = parseProfile({
    startingEquity: 10_000_000 * Math.max(1, positions / BASE_POSITIONS),
    marketData: { maxQuoteAgeMs: 60_000 },
    orders: {
      maxQuantity: 5_000,
      maxNotional: { usd: 200_000 },
      priceCollarPercent: 10,
      rateLimit: { perSecond: 1e9, perMinute: 1e12 },
    },
    positions: { maxQuantity: 50_000, maxNotional: { usd: 400_000 }, maxOpen: 100_000 },
    exposure: {
      symbol: { percent: 3 },
      sector: { percent: 40 },
      unknownSector: { percent: 1 },
      gross: { percent: 300 },
      net: { percent: 200 },
    },
    restrictedSymbols: ['XXX'],
    protectiveStop: { required: true, policy: 'deny' },
    repeatedExecution: { maxFills: 1_000_000, windowSeconds: 60 },
    breakers: {
      dailyLoss: { percent: 50 },
      equityFloor: { usd: 1 },
      maxDrawdown: { percent: 90 },
      lossStreak: { losses: 1_000_000 },
      vix: { above: 1_000, resumeBelow: 900 },
    },
    exits: {
      fixedStop: { percent: 30 },
      takeProfit: { percent: 80 },
      trailingStop: { percent: 40 },
      breakeven: { afterR: 50 },
      timeExit: { maxBars: 1_000_000, timeframe: '1m' },
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const clock = new ManualClock(Date.UTC(2024, 2, 15, 14, 0));
  const symbols = Array.from({ length: positions }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const instruments = symbols.map((s, i) => stock(s, `Sector${i % SECTORS}`));
  const rules =
    leaveOut.length === 0
      ? undefined
      : buildPreTradeRules(parsed.value).filter((r) => !leaveOut.includes('*') && !leaveOut.includes(r.id));
  const engine = new RiskEngine({
    profile: parsed.value,
    clock,
    instruments,
    ...(rules === undefined ? {} : { rules, replaceRules: true }),
  });
  const prices = symbols.map((_, i) => 20 + (i % 50) * 4);
  symbols.forEach((symbol, i) => {
    engine.onMarket({ kind: 'mark', symbol, time: clock.now(), price: prices[i]! });
    engine.onFill({
      executionId: `e${i}`,
      symbol,
      side: i % 7 === 0 ? 'sell' : 'buy',
      qty: 100,
      price: prices[i]!,
      time: clock.now(),
    });
  });
  return { engine, clock, symbols, prices };
}

export function orders(symbols: string[], prices: number[]): { orders: OrderIntent[]; expectDeny: number } {
  const random = rng(42);
  const list: OrderIntent[] = [];
  let expectDeny = 0;
  for (let i = 0; i < 4096; i++) {
    const k = Math.floor(random() * symbols.length);
    const price = prices[k]!;
    const deny = random() < 0.2;
    if (deny) expectDeny++;
    const qty = deny ? 4_000 + Math.floor(random() * 2_000) : 1 + Math.floor(random() * 20);
    const stop = Math.round(price * 0.95 * 100) / 100;
    list.push({
      clientOrderId: `c${i}`,
      symbol: symbols[k]!,
      side: 'buy',
      qty,
      type: 'limit',
      limitPrice: price,
      timeInForce: 'day',
      protection: { stopLoss: stop },
      strategy: 'bench',
    });
  }
  return { orders: list, expectDeny };
}
