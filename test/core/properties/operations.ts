import fc from 'fast-check';
import type { RiskEngine } from '../../../src/core/engine.ts';
import type { FillResult, RiskActions } from '../../../src/core/engine-types.ts';
import { stock } from '../../../src/core/instrument.ts';
import type { OrderIntent } from '../../../src/core/order.ts';
import { INSTRUMENTS } from '../../support/engine-fixtures.ts';

/** An option-like contract (multiplier 100), so multipliers are exercised too. */
export const OPTION = stock('OPT', 'Information Technology', { assetClass: 'us_option', multiplier: 100 });

/** The instruments of the property tests: the shared test instruments and the contract. */
export const PROPERTY_INSTRUMENTS = [...INSTRUMENTS, OPTION];

/** The symbols the generated operations trade, with their starting prices. */
export const UNIVERSE = { AAPL: 100, MSFT: 200, JPM: 50, BAC: 25, MYST: 10, OPT: 5 } as const;
export type Sym = keyof typeof UNIVERSE;
const SYMBOLS = Object.keys(UNIVERSE) as Sym[];

/** One step of a random session against the engine. */
export type Operation =
  | {
      readonly kind: 'order';
      readonly symbol: Sym;
      readonly side: 'buy' | 'sell';
      readonly qty: number;
      readonly limitOffset: number | null;
    }
  | { readonly kind: 'fill'; readonly pick: number; readonly fraction: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'mark'; readonly symbol: Sym; readonly movePercent: number };

const symbol = fc.constantFrom(...SYMBOLS);

export const orderOp = fc.record({
  kind: fc.constant('order' as const),
  symbol,
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.integer({ min: 1, max: 400 }),
  // A market order, or a limit up to 1% either side of the reference price.
  limitOffset: fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
});
export const fillOp = fc.record({
  kind: fc.constant('fill' as const),
  pick: fc.nat(),
  fraction: fc.double({ min: 0.05, max: 1, noNaN: true }),
});
export const cancelOp = fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() });
export const markOp = (maxMovePercent: number) =>
  fc.record({
    kind: fc.constant('mark' as const),
    symbol,
    movePercent: fc.double({ min: -maxMovePercent, max: maxMovePercent, noNaN: true }),
  });

/** A random interleaving of orders, fills of working orders, cancels and (optionally) marks. */
export function operations(options: { maxMovePercent?: number; maxLength?: number } = {}) {
  const ops: fc.Arbitrary<Operation>[] = [orderOp, orderOp, fillOp, fillOp, cancelOp];
  if (options.maxMovePercent !== undefined) ops.push(markOp(options.maxMovePercent));
  return fc.array(fc.oneof(...ops), { minLength: 10, maxLength: options.maxLength ?? 60, size: 'max' });
}

/** What applying one operation did, for the invariants to look at. */
export type Applied =
  | {
      readonly kind: 'order';
      readonly order: OrderIntent;
      readonly accepted: boolean;
      readonly effect: string;
    }
  | { readonly kind: 'fill'; readonly order: OrderIntent; readonly qty: number; readonly result: FillResult }
  | { readonly kind: 'cancel'; readonly order: OrderIntent }
  | {
      readonly kind: 'mark';
      readonly symbol: Sym;
      readonly from: number;
      readonly to: number;
      readonly actions: RiskActions;
    }
  | { readonly kind: 'noop' };

/** Applies generated operations to an engine, keeping the orders it accepted. */
export class Driver {
  readonly accepted = new Map<string, OrderIntent>();
  #seq = 0;

  constructor(
    readonly engine: RiskEngine,
    readonly prefix = 'p',
  ) {}

  price(symbol: string): number {
    return this.engine.book.symbols.get(symbol)?.price ?? Number.NaN;
  }

  /** Working orders the engine still holds, in a stable order. */
  working(): OrderIntent[] {
    return [...this.engine.book.working.keys()].flatMap((id) => this.accepted.get(id) ?? []);
  }

  apply(op: Operation): Applied {
    const engine = this.engine;
    switch (op.kind) {
      case 'order': {
        const ref = this.price(op.symbol);
        const order: OrderIntent = {
          clientOrderId: `${this.prefix}-o${++this.#seq}`,
          symbol: op.symbol,
          side: op.side,
          qty: op.qty,
          timeInForce: 'day',
          ...(op.limitOffset === null
            ? { type: 'market' as const }
            : {
                type: 'limit' as const,
                limitPrice: Math.round(ref * (1 + op.limitOffset / 10_000) * 100) / 100,
              }),
        };
        const decision = engine.validateOrder(order);
        const accepted = decision.kind !== 'deny';
        const sent = decision.kind === 'accept-modified' ? decision.order : order;
        if (accepted) this.accepted.set(sent.clientOrderId, sent);
        return { kind: 'order', order: sent, accepted, effect: decision.effect };
      }
      case 'fill': {
        const working = this.working();
        if (working.length === 0) return { kind: 'noop' };
        const order = working[op.pick % working.length]!;
        const remaining = engine.book.working.get(order.clientOrderId)!.remaining;
        const qty = Math.max(1, Math.min(remaining, Math.round(remaining * op.fraction)));
        const result = engine.onFill({
          executionId: `${this.prefix}-x${++this.#seq}`,
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          qty,
          price: order.limitPrice ?? this.price(order.symbol),
          time: engine.now(),
          ...(order.strategy !== undefined ? { strategy: order.strategy } : {}),
        });
        return { kind: 'fill', order, qty, result };
      }
      case 'cancel': {
        const working = this.working();
        if (working.length === 0) return { kind: 'noop' };
        const order = working[op.pick % working.length]!;
        engine.onOrderClosed(order.clientOrderId);
        return { kind: 'cancel', order };
      }
      case 'mark': {
        const from = this.price(op.symbol);
        const to = Math.round(from * (1 + op.movePercent / 100) * 100) / 100;
        const actions = engine.onMarket({ kind: 'mark', symbol: op.symbol, time: engine.now(), price: to });
        return { kind: 'mark', symbol: op.symbol, from, to, actions };
      }
    }
  }
}
