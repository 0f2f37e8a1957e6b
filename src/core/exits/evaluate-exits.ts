import type { ExitSignal, ProtectionUpdate } from '../engine-types.ts';
import {
  EXIT_PRIORITY,
  type ExitProposal,
  type ExitReason,
  type ExitRule,
  type PriceTick,
} from '../exit-rule.ts';
import type { Bar, Mark, Quote } from '../market.ts';
import type { Position } from '../position.ts';
import type { RiskContext } from '../rule.ts';

/** Normalizes a bar, quote or mark into a {@link PriceTick}; a quote marks at its mid. */
export function makeTick(event: Bar | Quote | Mark): PriceTick {
  if (event.kind === 'bar') {
    return {
      symbol: event.symbol,
      time: event.time,
      open: event.open,
      high: event.high,
      low: event.low,
      close: event.close,
      isBar: true,
    };
  }
  const price = event.kind === 'mark' ? event.price : (event.bid + event.ask) / 2;
  return {
    symbol: event.symbol,
    time: event.time,
    open: price,
    high: price,
    low: price,
    close: price,
    isBar: false,
  };
}

interface Candidate {
  readonly proposal: ExitProposal;
  readonly ruleId: string;
}

/**
 * Runs a position's exit checks for one tick: excursions and bar count, the protective stop
 * and target (a stop never triggers on the bar it was set in, and a gap fills at the open),
 * then every exit rule. When several exits fire, the most conservative wins (the largest
 * quantity, then stop before time before target) and the signal names all of them.
 */
export function evaluateExits(
  position: Position,
  tick: PriceTick,
  rules: readonly ExitRule[],
  ctx: RiskContext,
): { exits: ExitSignal[]; updates: ProtectionUpdate[] } | undefined {
  const long = position.qty > 0;
  const favourable = long ? tick.high - position.avgPrice : position.avgPrice - tick.low;
  const adverse = long ? position.avgPrice - tick.low : tick.high - position.avgPrice;
  if (favourable > position.mfe) position.mfe = favourable;
  if (adverse > position.mae) position.mae = adverse;
  if (tick.isBar && tick.time > position.entryTime) position.barsHeld++;

  let candidates: Candidate[] | undefined;
  let updates: ProtectionUpdate[] | undefined;
  const stop = position.stop;
  if (stop !== undefined && tick.time > position.stopSetAt) {
    const hit = long ? tick.low <= stop : tick.high >= stop;
    if (hit) {
      const gapped = long ? tick.open < stop : tick.open > stop;
      const reason: ExitReason = position.stopReason;
      (candidates ??= []).push({
        proposal: { kind: 'exit', reason, qty: Math.abs(position.qty), price: gapped ? tick.open : stop },
        ruleId: 'protective-stop',
      });
    }
  }
  const target = position.target;
  if (target !== undefined && tick.time > position.stopSetAt) {
    const hit = long ? tick.high >= target : tick.low <= target;
    if (hit) {
      const gapped = long ? tick.open > target : tick.open < target;
      (candidates ??= []).push({
        proposal: {
          kind: 'exit',
          reason: 'take_profit',
          qty: Math.abs(position.qty),
          price: gapped ? tick.open : target,
        },
        ruleId: 'take-profit',
      });
    }
  }
  for (const rule of rules) {
    if (rule.evaluate === undefined) continue;
    const result = rule.evaluate(position, tick, ctx);
    if (result === null) continue;
    if (result.kind === 'exit') (candidates ??= []).push({ proposal: result, ruleId: rule.id });
    else {
      const tighterStop =
        result.stop !== undefined &&
        (position.stop === undefined || (long ? result.stop > position.stop : result.stop < position.stop));
      if (tighterStop) {
        position.stop = result.stop;
        position.stopReason = result.stopReason ?? 'stop_loss';
        position.stopSetAt = tick.time;
      }
      if (result.target !== undefined) position.target = result.target;
      if (tighterStop || result.target !== undefined) {
        (updates ??= []).push({
          symbol: position.symbol,
          stop: position.stop,
          target: position.target,
          ruleId: rule.id,
          reason: result.reason,
        });
      }
    }
  }
  if (candidates === undefined) return updates === undefined ? undefined : { exits: [], updates };
  candidates.sort(
    (a, b) =>
      b.proposal.qty - a.proposal.qty ||
      (EXIT_PRIORITY[a.proposal.reason] ?? 9) - (EXIT_PRIORITY[b.proposal.reason] ?? 9),
  );
  const chosen = candidates[0]!;
  const exit: ExitSignal = {
    symbol: position.symbol,
    side: long ? 'sell' : 'buy',
    qty: Math.min(chosen.proposal.qty, Math.abs(position.qty)),
    reason: chosen.proposal.reason,
    price: chosen.proposal.price,
    rules: candidates.map((c) => c.ruleId),
    time: tick.time,
  };
  return { exits: [exit], updates: updates ?? [] };
}
