import { describe, expect, it } from 'vitest';
import * as riskgate from '../../src/index.ts';

describe('the library entry point', () => {
  it('exports the options API, the Greeks limits and the correlation pieces by name', () => {
    for (const name of [
      'PortfolioGreeks',
      'GreeksBook',
      'impliedVolatility',
      'bsmGreeks',
      'optionInstrument',
      'parseOccSymbol',
      'greeksMeasures',
      'greeksLimitRules',
      'greeksMonitorBreaker',
      'OptionsConfig',
      'RollingCorrelation',
      'NamesCorrelation',
      'correlationBreaker',
      'CorrelationBreakerConfig',
    ]) {
      expect(riskgate, name).toHaveProperty(name);
    }
    expect(Object.keys(riskgate.DENIAL_CODES)).toEqual(
      expect.arrayContaining([
        'NET_DELTA_EXCEEDED',
        'GAMMA_EXCEEDED',
        'VEGA_EXCEEDED',
        'THETA_EXCEEDED',
        'CONTRACTS_EXCEEDED',
        'NO_GREEKS_INPUT',
      ]),
    );
    expect(riskgate.BREAKER_CODES).toHaveProperty('GREEKS_LIMIT');
  });
});
