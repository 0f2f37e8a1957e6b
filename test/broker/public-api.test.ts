import { describe, expect, it } from 'vitest';
import * as broker from '../../src/broker/index.ts';

describe('the broker layer entry point', () => {
  it('exports the adapter, the simulator, the errors and the helpers by name', () => {
    for (const name of [
      'AlpacaBroker',
      'SimExchange',
      'BrokerError',
      'ProtectionMissingError',
      'OrderOutcomeUnknownError',
      'newClientOrderId',
      'randomWalkFeed',
      'fillFromTradeUpdate',
      'accountSnapshot',
      'toWireOrder',
    ]) {
      expect(broker, name).toHaveProperty(name);
    }
  });

  it('makes client order ids of at most 48 characters', () => {
    const id = broker.newClientOrderId('gw');
    expect(id).toMatch(/^gw-[0-9a-f]{32}$/);
    expect(id.length).toBeLessThanOrEqual(48);
    expect(() => broker.newClientOrderId('bad prefix')).toThrow(RangeError);
  });
});
