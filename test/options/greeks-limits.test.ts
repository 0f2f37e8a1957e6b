import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.ts';
import type { UnderlyingGreeks } from '../../src/core/options/portfolio-snapshot.ts';
import { fill, order } from '../support/engine-fixtures.ts';
import {
  AAPL_JUN_C100,
  AAPL_JUN_P100,
  AAPL_SEP_C100,
  expectedGreeks,
  MSFT_JUN_C200,
  optionsEngine,
} from '../support/options-fixtures.ts';

type Limits = NonNullable<Parameters<typeof optionsEngine>[0]>['limits'];

function violations(decision: Decision) {
  return decision.kind === 'deny'
    ? decision.violations.map((v) => ({ code: v.code, ruleId: v.ruleId, message: v.message }))
    : [];
}

const dry = { dryRun: true } as const;
const money = (n: number) => n.toFixed(2);

interface Measure {
  readonly name: string;
  readonly read: (g: UnderlyingGreeks) => number;
  readonly perUnderlying: (limit: number) => Limits;
  readonly total: (limit: number) => Limits;
  readonly code: string;
}

const MEASURES: Measure[] = [
  {
    name: 'netDeltaUsd',
    read: (g) => g.dollarDelta,
    perUnderlying: (usd) => ({ netDelta: { usd } }),
    total: (usd) => ({ totalNetDelta: { usd } }),
    code: 'NET_DELTA_EXCEEDED',
  },
  {
    name: 'dollarGamma',
    read: (g) => g.dollarGamma,
    perUnderlying: (perUnderlying) => ({ gamma: { perUnderlying } }),
    total: (total) => ({ gamma: { total } }),
    code: 'GAMMA_EXCEEDED',
  },
  {
    name: 'dollarVega',
    read: (g) => g.dollarVega,
    perUnderlying: (perUnderlying) => ({ vega: { perUnderlying } }),
    total: (total) => ({ vega: { total } }),
    code: 'VEGA_EXCEEDED',
  },
  {
    name: 'thetaDecayPerDay',
    read: (g) => -g.dollarThetaPerDay,
    perUnderlying: (perUnderlying) => ({ thetaPerDay: { perUnderlying } }),
    total: (total) => ({ thetaPerDay: { total } }),
    code: 'THETA_EXCEEDED',
  },
];

const calls = (n: number) => expectedGreeks('AAPL', 100, [[AAPL_JUN_C100, n]]);

describe('greeks-limits: per underlying, each limit passes below and at it and denies above it', () => {
  for (const m of MEASURES) {
    it(`${m.name}: 9 and 10 calls pass a limit equal to 10 calls' figure, 11 are denied with ${m.code}`, () => {
      const limit = m.read(calls(10));
      expect(limit).toBeGreaterThan(0);
      const { engine } = optionsEngine({ limits: m.perUnderlying(limit) });
      expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 9), dry).kind).toBe('accept');
      expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 10), dry).kind).toBe('accept');
      const denied = engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 11), dry);
      expect(violations(denied)).toEqual([
        {
          code: m.code,
          ruleId: 'greeks-limits',
          message: `underlying=AAPL ${m.name}=${money(m.read(calls(11)))} limit=${money(limit)} before=0.00`,
        },
      ]);
    });
  }

  it('netDeltaShares: a stock order counts share for share', () => {
    const { engine } = optionsEngine({ limits: { netDelta: { shares: 1_000 } } });
    expect(engine.validateOrder(order('AAPL', 'buy', 999), dry).kind).toBe('accept');
    expect(engine.validateOrder(order('AAPL', 'sell', 1_000), dry).kind).toBe('accept');
    expect(violations(engine.validateOrder(order('AAPL', 'sell', 1_001), dry))).toEqual([
      {
        code: 'NET_DELTA_EXCEEDED',
        ruleId: 'greeks-limits',
        message: 'underlying=AAPL netDeltaShares=-1001.00 limit=1000.00 before=0.00',
      },
    ]);
  });

  it('netDeltaShares: options count as Δ × 100 shares a contract', () => {
    const limit = calls(10).sharesDelta;
    const { engine } = optionsEngine({ limits: { netDelta: { shares: limit } } });
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 10), dry).kind).toBe('accept');
    expect(violations(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 11), dry))[0]?.message).toBe(
      `underlying=AAPL netDeltaShares=${money(calls(11).sharesDelta)} limit=${money(limit)} before=0.00`,
    );
  });

  it('theta limits only decay: selling options (positive theta) is never a theta breach', () => {
    const { engine } = optionsEngine({ limits: { thetaPerDay: { perUnderlying: 1 } } });
    expect(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'sell', 50), dry).kind).toBe('accept');
    expect(violations(engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 1), dry))[0]?.code).toBe(
      'THETA_EXCEEDED',
    );
  });

  it('reports every measure beyond its limit, each with its own code', () => {
    const { engine } = optionsEngine({
      limits: { netDelta: { shares: 100 }, gamma: { perUnderlying: 1 }, vega: { perUnderlying: 1 } },
    });
    const denied = engine.validateOrder(order(AAPL_JUN_C100.symbol, 'buy', 5), dry);
    expect(violations(denied).map((v) => v.code)).toEqual([
      'NET_DELTA_EXCEEDED',
      'GAMMA_EXCEEDED',
      'VEGA_EXCEEDED',
    ]);
  });
});

describe('greeks-limits: on the whole portfolio', () => {
  const msft = (n: number) => expectedGreeks('MSFT', 200, [[MSFT_JUN_C200, n]]);
  for (const m of MEASURES) {
    it(`${m.name}: the total of AAPL held and MSFT ordered, at the limit and above`, () => {
      const held = m.read(calls(10));
      const limit = held + m.read(msft(10));
      const { engine } = optionsEngine({ limits: m.total(limit) });
      fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 10), 5);
      expect(engine.validateOrder(order(MSFT_JUN_C200.symbol, 'buy', 10), dry).kind).toBe('accept');
      const denied = violations(engine.validateOrder(order(MSFT_JUN_C200.symbol, 'buy', 11), dry));
      expect(denied).toHaveLength(1);
      expect(denied[0]?.code).toBe(m.code);
      expect(denied[0]?.message).toBe(
        `scope=portfolio ${m.name}=${money(held + m.read(msft(11)))} limit=${money(limit)} before=${money(held)}`,
      );
    });
  }

  it('shares delta has no total limit: the schema refuses it with a reason', async () => {
    const { parseProfile } = await import('../../src/core/config/load-profile.ts');
    const parsed = parseProfile({
      startingEquity: 1,
      orders: { maxQuantity: 1, maxNotional: { usd: 1 } },
      options: { rate: 0.04, limits: { totalNetDelta: { shares: 10, usd: 10 } } },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.issues).toEqual([
        {
          path: 'options.limits.totalNetDelta.shares',
          message: 'shares of different underlyings do not add up: limit the total in usd',
        },
      ]);
  });
});

describe('greeks-limits: contracts', () => {
  it('per underlying: gross contracts Σ|qty|, long and short alike', () => {
    const { engine } = optionsEngine({ limits: { contracts: { perUnderlying: 10 } } });
    fill(engine, order(AAPL_JUN_P100.symbol, 'sell', 4), 5);
    expect(engine.validateOrder(order(AAPL_SEP_C100.symbol, 'buy', 6), dry).kind).toBe('accept');
    expect(violations(engine.validateOrder(order(AAPL_SEP_C100.symbol, 'buy', 7), dry))).toEqual([
      {
        code: 'CONTRACTS_EXCEEDED',
        ruleId: 'greeks-limits',
        message: 'underlying=AAPL contracts=11 maxContracts=10 contractsBefore=4',
      },
    ]);
    // Another underlying has its own count; stock is not a contract.
    expect(engine.validateOrder(order(MSFT_JUN_C200.symbol, 'buy', 10), dry).kind).toBe('accept');
    expect(engine.validateOrder(order('AAPL', 'buy', 5_000), dry).kind).toBe('accept');
  });

  it('per expiry: contracts on one underlying expiring on one date', () => {
    const { engine } = optionsEngine({ limits: { contracts: { perExpiry: 10 } } });
    fill(engine, order(AAPL_JUN_C100.symbol, 'buy', 8), 5);
    fill(engine, order(AAPL_SEP_C100.symbol, 'buy', 8), 5);
    expect(engine.validateOrder(order(AAPL_JUN_P100.symbol, 'sell', 2), dry).kind).toBe('accept');
    expect(violations(engine.validateOrder(order(AAPL_JUN_P100.symbol, 'sell', 3), dry))).toEqual([
      {
        code: 'CONTRACTS_EXCEEDED',
        ruleId: 'greeks-limits',
        message: 'underlying=AAPL expiry=2024-06-21 contracts=11 maxContracts=10 contractsBefore=8',
      },
    ]);
  });
});
