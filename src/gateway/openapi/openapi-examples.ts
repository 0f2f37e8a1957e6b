/**
 * Examples of riskgate's own answers for the OpenAPI document, taken from a gateway in front of
 * the simulated exchange (ids and times shortened). A test checks each against its schema.
 * The Alpaca objects carry theirs on their component schemas (openapi-wire-schemas.ts).
 */

const AT = 1796617280198;
const TRADER = 'rk_8cd08dd387ad4500';
const OFFICER = 'rk_4d6d3c71e42a3422';

export const DECISION_EXAMPLE = {
  outcome: 'accept-modified',
  effect: 'open',
  violations: [],
  modifications: [
    {
      ruleId: 'protective-stop',
      field: 'protection.stopLoss',
      from: null,
      to: 95,
      reason: 'protective stop attached 5% from entry 100.01',
    },
  ],
  order: {
    clientOrderId: 'rg-dry-run',
    symbol: 'AAPL',
    side: 'buy',
    qty: 10,
    type: 'market',
    timeInForce: 'day',
    protection: { stopLoss: 95 },
  },
};

export const SIZE_EXAMPLE = {
  qty: 199,
  notional: 19901.99,
  riskUsd: 996.99,
  entryPrice: 100.01,
  stopPrice: 95,
  bound: 'risk',
  explanation: [
    '* risk: 19962.08 USD',
    '  symbol-exposure: 30000.00 USD',
    '  order-notional: 50000.00 USD',
    '  buying-power: 100000.00 USD',
  ],
};

const TRADING_STATE = { state: 'active', code: 'RESET', reason: 'drill over', by: OFFICER, at: AT };
const DURABLE = { journal: true, store: true };

export const STATE_EXAMPLE = {
  time: AT,
  mode: 'paper',
  ready: true,
  tradingState: TRADING_STATE,
  pause: null,
  breakers: [{ id: 'daily-loss', code: 'DAILY_LOSS_LIMIT', action: 'reducing', tripped: false, trip: null }],
  limits: [{ name: 'breakers.dailyLoss', value: 0, limit: 1000, headroom: 1000 }],
  equity: 100000,
  cash: 100000,
  buyingPower: 100000,
  peakEquity: 100000,
  dayStart: { sessionDate: '2026-12-07', equity: 100000 },
  pnl: { daily: 0, drawdownPercent: 0 },
  exposure: { basis: 100000, gross: 0, net: 0, bySymbol: {}, bySector: {} },
  workingOrders: [],
  positions: [],
  disabledStrategies: [],
};

export const GREEKS_EXAMPLE = {
  enabled: false,
  valuationTime: null,
  rate: null,
  totals: null,
  byUnderlying: {},
  byExpiry: {},
  positions: [],
  limits: [],
};

export const KILL_EXAMPLE = {
  state: { state: 'halted', code: 'KILL_SWITCH', reason: 'strategy misbehaving', by: TRADER, at: AT },
  cancelled: 2,
  cancelFailures: 0,
  flattened: 0,
  ackMs: 12.1,
  acknowledged: true,
  error: null,
  durable: DURABLE,
};

export const RESET_EXAMPLE = { tradingState: TRADING_STATE, durable: DURABLE };

const PROFILE = {
  startingEquity: 100000,
  exposureBasis: 'starting',
  marketData: { maxQuoteAgeMs: 600000 },
  orders: { maxQuantity: 1000, maxNotional: { usd: 50000 }, duplicateWindowSeconds: 60 },
  exposure: { symbol: { usd: 30000 } },
  protectiveStop: { required: true, policy: 'attach', method: 'percent', percent: 5, atrMultiple: 2 },
  breakers: { dailyLoss: { usd: 1000, action: 'reducing', flatten: false } },
  sizing: { riskPercent: 1, atrMultiple: 2, minUsd: 0 },
  mode: 'paper',
};

export const PROFILE_EXAMPLE = { source: 'file', path: '/etc/riskgate/profile.yaml', profile: PROFILE };

export const PROFILE_CHANGE_EXAMPLE = {
  applied: true,
  diff: [{ path: 'breakers.dailyLoss.usd', op: 'change', before: 1000, after: 1500 }],
  profile: { ...PROFILE, breakers: { dailyLoss: { usd: 1500, action: 'reducing', flatten: false } } },
};

export const AUDIT_EXAMPLE = {
  events: [
    {
      seq: 42,
      eventId: 'bb0ed243-f589-4568-a125-f440792b0bb6',
      at: AT,
      kind: 'decision',
      actor: TRADER,
      outcome: 'deny',
      codes: ['SYMBOL_EXPOSURE_LIMIT'],
      clientOrderId: 'bot-aapl-17',
      symbol: 'AAPL',
      strategy: 'momentum',
      message: 'denied: AAPL exposure 31000.00 USD over the 30000.00 USD limit',
      data: {},
      recordedAt: AT,
    },
  ],
  nextBeforeSeq: 42,
};

export const EQUITY_EXAMPLE = {
  marks: [{ time: AT, equity: 100250.5, cash: 99000, buyingPower: 198000 }],
  peak: { equity: 100400, at: AT - 3_600_000 },
  dayStarts: [{ sessionDate: '2026-12-07', equity: 100000 }],
};

export const SESSION_EXAMPLE = {
  keyId: OFFICER,
  label: 'desk risk officer',
  role: 'risk-officer',
  csrfToken: 'Qm9vZ3VzLWV4YW1wbGUtdG9rZW4',
  createdAt: AT,
  expiresAt: AT + 1_800_000,
  absoluteExpiresAt: AT + 43_200_000,
  idleTimeoutMs: 1_800_000,
};

export const INDICES_EXAMPLE = {
  accepted: [{ name: 'VIX', value: 31.2, time: '2026-12-07T14:30:00.000Z' }],
  ignored: [],
  trips: [],
  tradingState: 'active',
};

export const READY_EXAMPLE = {
  ready: true,
  reason: 'leads the account and reconciled with the broker',
  store: true,
  durability: {
    journal: { path: '/var/lib/riskgate/journal.jsonl', writable: true },
    latch: DURABLE,
    riskStateWritesPending: false,
    orderRecordsPending: 0,
  },
  instance: { instanceId: 'gw-1', role: 'leader', mode: 'embedded', acting: true },
};

export const MULTI_EXAMPLE = [
  {
    id: '61e69015-8549-4bfd-b9c3-01e75843f47d',
    status: 200,
    body: { id: '61e69015-8549-4bfd-b9c3-01e75843f47d' },
  },
];

export const CLOCK_V3_EXAMPLE = {
  clocks: [
    {
      market: { acronym: 'NYSE', mic: 'XNYS', name: 'New York Stock Exchange', timezone: 'America/New_York' },
      timestamp: '2026-12-07T14:30:00.000000000Z',
      is_market_day: true,
      next_market_open: '2026-12-08T14:30:00.000000000Z',
      next_market_close: '2026-12-07T21:00:00.000000000Z',
      phase: 'core',
      phase_until: '2026-12-07T21:00:00.000000000Z',
    },
  ],
};

export const METRICS_EXAMPLE =
  '# HELP riskgate_equity_dollars Account equity as last seen by the engine, in dollars\n# TYPE riskgate_equity_dollars gauge\nriskgate_equity_dollars 100000\n';

export const EVENTS_EXAMPLE =
  'id: 17\nevent: decision\ndata: {"at":1796617280198,"data":{"clientOrderId":"bot-aapl-17","outcome":"deny","codes":["SYMBOL_EXPOSURE_LIMIT"]}}\n\n';

export const STREAM_EXAMPLE = {
  stream: 'trade_updates',
  data: { event: 'fill', price: '100.02', qty: '10', timestamp: '2026-12-07T14:30:00.123Z' },
};

export const HTML_EXAMPLE = '<!doctype html>\n<html lang="en">…</html>';
export const ASSET_EXAMPLE = '/* the file as shipped */';
