/**
 * Records every execution at the simulated exchange, with the position before and after, so a
 * test can ask whether a protective order ever opened or flipped a position.
 */
import type { SimExchange } from '../../src/broker/sim/sim-exchange.ts';
import type { SimTradeEvent } from '../../src/broker/sim/venue-state.ts';
import { isGatewayOwned, isStopType } from './exchange-view.ts';

/** One execution as the exchange booked it. */
export interface FillRecord {
  /** Wall-clock epoch ms. */
  readonly at: number;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly type: string;
  readonly side: string;
  readonly role: string;
  /** Gateway-owned, stop-type, or an exit leg of a bracket/OCO. */
  readonly protective: boolean;
  readonly qty: number;
  readonly price: number;
  /** Signed position before and after the execution, in shares. */
  readonly before: number;
  readonly after: number;
}

/** The executions of one exchange, from the moment the log was attached. */
export class FillLog {
  readonly records: FillRecord[] = [];
  /** Index of the first record not yet reported by {@link takeViolations}. */
  #cursor = 0;
  readonly #detach: () => void;

  constructor(readonly sim: SimExchange) {
    const listener = (event: SimTradeEvent) => this.#onEvent(event);
    sim.venue.state.listeners.add(listener);
    this.#detach = () => sim.venue.state.listeners.delete(listener);
  }

  #onEvent(event: SimTradeEvent): void {
    if (event.qty === undefined || event.positionQty === undefined || event.price === undefined) return;
    const order = this.sim.venue.state.orders.get(event.order.id);
    if (order === undefined) return;
    const signed = order.side === 'buy' ? event.qty : -event.qty;
    this.records.push({
      at: Date.now(),
      symbol: order.symbol,
      clientOrderId: order.clientOrderId,
      type: order.type,
      side: order.side,
      role: order.role,
      protective:
        isGatewayOwned(this.sim, order) ||
        isStopType(order) ||
        order.role === 'stop_loss' ||
        order.role === 'take_profit',
      qty: event.qty,
      price: event.price,
      before: round(event.positionQty - signed),
      after: event.positionQty,
    });
  }

  /** Every protective execution that opened, enlarged or flipped a position, as messages. */
  violations(from = 0): string[] {
    return this.records.slice(from).flatMap((r) => {
      const problem = openedOrFlipped(r);
      return r.protective && problem !== undefined
        ? [
            `protective order ${r.clientOrderId} (${r.side} ${r.type}${r.role === 'simple' ? '' : ` ${r.role}`} ${r.qty} ${r.symbol} @ ${r.price}) ${problem}: position ${r.before} → ${r.after}`,
          ]
        : [];
    });
  }

  /** The violations recorded since the previous call (each is reported once). */
  takeViolations(): string[] {
    const found = this.violations(this.#cursor);
    this.#cursor = this.records.length;
    return found;
  }

  detach(): void {
    this.#detach();
  }
}

/** How an execution made a position larger or changed its side, or undefined when it reduced it. */
export function openedOrFlipped(r: Pick<FillRecord, 'before' | 'after'>): string | undefined {
  if (r.before === 0 && r.after !== 0) return 'opened a position';
  if (r.before !== 0 && r.after !== 0 && Math.sign(r.before) !== Math.sign(r.after))
    return 'flipped the position';
  if (Math.abs(r.after) > Math.abs(r.before)) return 'enlarged the position';
  return undefined;
}

function round(n: number): number {
  return Math.abs(n) < 1e-9 ? 0 : Math.round(n * 1e6) / 1e6;
}

const logs = new WeakMap<SimExchange, FillLog>();

/** The fill log of an exchange, attached on first use (attach it before the first order). */
export function fillLog(sim: SimExchange): FillLog {
  let log = logs.get(sim);
  if (log === undefined) {
    log = new FillLog(sim);
    logs.set(sim, log);
  }
  return log;
}
