import { BrokerError } from '../../broker/errors.ts';
import type { GatewayBroker } from '../context.ts';

/** Broker calls that change something at the broker: only the leader may make them. */
const MUTATIONS: ReadonlySet<PropertyKey> = new Set([
  'submitOrder',
  'cancelOrder',
  'cancelAllOrders',
  'replaceOrder',
  'closePosition',
  'closeAllPositions',
]);

/**
 * Wraps the broker so that every call that changes something at the broker fails with
 * `NOT_LEADER`, before anything is sent, unless `canAct()` says this instance leads now. Reads
 * pass. This is the last line that keeps a former leader (frozen, then resumed; or cut off from
 * the store) from acting on the account after a standby took over.
 */
export function fenceBroker<B extends GatewayBroker>(broker: B, canAct: () => boolean): B {
  return new Proxy(broker, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!MUTATIONS.has(property)) return method.bind(target);
      return (...args: unknown[]) =>
        canAct()
          ? method.apply(target, args)
          : Promise.reject(
              new BrokerError(
                'NOT_LEADER',
                `${String(property)} refused: this instance does not lead the account`,
              ),
            );
    },
  });
}
