import type { RiskEngine } from '../../core/engine.ts';
import type { Side } from '../../core/side.ts';
import { limitDirection, protectiveStopDirection, roundToTick } from '../../core/tick.ts';
import type { SimBroker, SimOrder } from './sim-broker.ts';
import { newSimOrder } from './sim-order.ts';

/**
 * The protective legs of each position at the simulated broker: a stop order and a take-profit
 * limit, one-cancels-other, always sized to the whole position. Like a broker's bracket legs they
 * are placed when the entry fills and trade from the next bar on; a level moved by an exit rule
 * (a trailing stop) is live from the bar after the move.
 */
export class ProtectionLegs {
  readonly #broker: SimBroker;
  readonly #engine: RiskEngine;
  readonly #roundToTick: boolean;
  readonly #nextId: (prefix: string) => string;
  readonly #cancel: (order: SimOrder) => void;

  constructor(
    broker: SimBroker,
    engine: RiskEngine,
    roundLevels: boolean,
    nextId: (prefix: string) => string,
    cancel: (order: SimOrder) => void,
  ) {
    this.#broker = broker;
    this.#engine = engine;
    this.#roundToTick = roundLevels;
    this.#nextId = nextId;
    this.#cancel = cancel;
  }

  /**
   * Places or moves the legs of a position of `qty` shares (signed) to the given levels. With
   * tick rounding on, the engine is told the rounded levels so its own stop check watches the
   * price the broker holds.
   */
  set(symbol: string, qty: number, stop: number | undefined, target: number | undefined, time: number): void {
    const side: Side = qty > 0 ? 'sell' : 'buy';
    let brokerStop = stop;
    let brokerTarget = target;
    if (this.#roundToTick) {
      if (brokerStop !== undefined) brokerStop = roundToTick(brokerStop, protectiveStopDirection(side));
      if (brokerTarget !== undefined) brokerTarget = roundToTick(brokerTarget, limitDirection(side));
      const position = this.#engine.book.symbols.get(symbol)?.position;
      const stopMoved = brokerStop !== undefined && position?.stop !== brokerStop;
      const targetMoved = brokerTarget !== undefined && position?.target !== brokerTarget;
      if (position !== undefined && (stopMoved || targetMoved)) {
        this.#engine.setProtection(
          symbol,
          {
            ...(stopMoved ? { stop: brokerStop! } : {}),
            ...(targetMoved ? { target: brokerTarget! } : {}),
          },
          true,
        );
      }
    }
    if (brokerStop !== undefined) this.#place(symbol, 'stop-leg', side, Math.abs(qty), brokerStop, time);
    if (brokerTarget !== undefined)
      this.#place(symbol, 'target-leg', side, Math.abs(qty), brokerTarget, time);
  }

  /** Resizes both legs to a position of `qty` shares (signed); cancels them when flat. */
  resize(symbol: string, qty: number): void {
    for (const role of ['stop-leg', 'target-leg'] as const) {
      const leg = this.#broker.leg(symbol, role);
      if (leg === undefined) continue;
      if (qty === 0) this.#cancel(leg);
      else leg.remaining = Math.abs(qty);
    }
  }

  /** Cancels both legs. */
  cancel(symbol: string): void {
    this.resize(symbol, 0);
  }

  #place(
    symbol: string,
    role: 'stop-leg' | 'target-leg',
    side: Side,
    qty: number,
    level: number,
    time: number,
  ) {
    const existing = this.#broker.leg(symbol, role);
    if (existing !== undefined) {
      if (role === 'stop-leg') existing.stopPrice = level;
      else existing.limitPrice = level;
      existing.remaining = qty;
      existing.triggered = false;
      existing.activeAfter = time;
      return;
    }
    const stop = role === 'stop-leg';
    this.#broker.add(
      newSimOrder({
        id: this.#nextId(stop ? 'sl' : 'tp'),
        symbol,
        side,
        type: stop ? 'stop' : 'limit',
        role,
        remaining: qty,
        limitPrice: stop ? undefined : level,
        stopPrice: stop ? level : undefined,
        activeAfter: time,
        timeInForce: 'gtc',
        reason: stop ? 'stop_loss' : 'take_profit',
        reduceOnly: true,
        reserved: false,
        oco: undefined,
        strategy: undefined,
      }),
    );
  }
}
