// Renders GET /v1/state into the main view. Everything is rebuilt from each state read: the state
// is small (a few breakers, limits, positions) and a full redraw cannot leave stale rows behind.
import { el, fillTable, num, pct, usd, when } from './format.js';

const $ = (id) => document.getElementById(id);

/** The limit each breaker is measured against, by breaker id (names as /v1/state gives them). */
const BREAKER_LIMITS = {
  'daily-loss': 'breakers.dailyLoss',
  'equity-floor': 'breakers.equityFloor',
  'max-drawdown': 'breakers.maxDrawdown (percent)',
};

/**
 * How much of a limit is used, 0 (none) to 1 (at the limit) or above. A floor (the equity floor)
 * is used up as equity falls from the day's start toward it; every other limit as the value
 * rises toward it.
 */
export function usedFraction(limit, dayStartEquity) {
  if (limit === undefined || !(limit.limit > 0)) return undefined;
  if (limit.name === 'breakers.equityFloor') {
    const room = (dayStartEquity ?? limit.value) - limit.limit;
    if (limit.value <= limit.limit) return 1;
    return room > 0 ? Math.max(0, (dayStartEquity - limit.value) / room) : 0;
  }
  return Math.max(0, limit.value) / limit.limit;
}

/** A breaker's own state (a loss streak's count, the VIX breaker's arming) as "name value". */
function breakerState(state) {
  if (state === undefined || state === null || typeof state !== 'object') return '';
  return Object.entries(state)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ');
}

function gauge(fraction) {
  if (fraction === undefined) return el('span', { class: 'no-gauge' }, 'no measured value');
  return el('meter', { min: 0, max: 1, low: 0.5, high: 0.8, optimum: 0, value: Math.min(1, fraction) });
}

function renderTrading(state) {
  const ts = state.tradingState;
  const badge = $('state-badge');
  badge.textContent = ts.state;
  badge.className = `badge state-${ts.state}`;
  $('state-reason').textContent = `${ts.reason} (${ts.code})`;
  $('state-detail').textContent = `since ${when(ts.at)} · by ${ts.by}${
    state.pause ? ` · entries paused until ${when(state.pause.until ?? 0)}` : ''
  }`;
  const inst = state.instance;
  $('instance').textContent =
    `instance ${inst.instanceId} · ${inst.role}${inst.acting ? '' : ' (not acting)'} · ${
      state.mode
    } mode · ${state.ready ? 'ready' : 'not ready'} · profile from ${state.profileSource}`;
  document.body.dataset.tradingState = ts.state;
  // Nothing to reset while trading is active.
  $('reset-submit').disabled = ts.state === 'active';
}

function renderBreakers(state) {
  const limits = new Map(state.limits.map((l) => [l.name, l]));
  // Tripped first: a tripped breaker is what a person opening the console must see at once.
  const breakers = [...state.breakers].sort((a, b) => Number(b.tripped) - Number(a.tripped));
  $('breakers').replaceChildren(
    ...breakers.map((b) => {
      const limit = limits.get(BREAKER_LIMITS[b.id]);
      return el(
        'li',
        { class: b.tripped ? 'gauge tripped' : 'gauge', 'data-breaker': b.id },
        el(
          'div',
          { class: 'gauge-head' },
          el('strong', {}, b.id),
          el('span', { class: 'tag' }, `→ ${b.action}`),
          b.tripped ? el('span', { class: 'tag trip' }, 'TRIPPED') : null,
        ),
        gauge(usedFraction(limit, state.dayStart?.equity)),
        el(
          'div',
          { class: 'detail' },
          limit
            ? `${num(limit.value)} of ${num(limit.limit)} · headroom ${num(limit.headroom)}`
            : [b.code, breakerState(b.state)].filter((x) => x !== '').join(' · '),
          b.trip ? ` · tripped ${when(b.trip.at)}: ${b.trip.reason ?? b.trip.code ?? ''}` : '',
        ),
      );
    }),
  );
}

function renderEquity(state) {
  const peak = state.peakEquity;
  const items = [
    ['Equity', usd(state.equity)],
    ['Peak', usd(peak)],
    ['Day start', state.dayStart ? `${usd(state.dayStart.equity)} (${state.dayStart.sessionDate})` : '—'],
    ['Daily P&L', usd(state.pnl.daily)],
    ['Drawdown', pct(state.pnl.drawdownPercent)],
    ['Cash', usd(state.cash)],
    ['Buying power', usd(state.buyingPower)],
  ];
  $('equity').replaceChildren(
    ...items.flatMap(([k, v]) => [
      el('dt', {}, k),
      el('dd', { class: k === 'Daily P&L' && state.pnl.daily < 0 ? 'loss' : '' }, v),
    ]),
  );
}

function renderExposure(state) {
  const limits = new Map(state.limits.map((l) => [l.name, l]));
  const ex = state.exposure;
  const row = (kind, name, value) => {
    const limit = limits.get(`exposure.${kind}.${name}`);
    return [
      kind,
      name,
      usd(value),
      limit ? usd(limit.limit) : '—',
      gauge(usedFraction(limit)),
      limit ? usd(limit.headroom) : '—',
    ];
  };
  const table = el('table');
  fillTable(
    table,
    ['by', 'name', 'exposure', 'limit', 'used', 'headroom'],
    [
      ...['gross', 'net'].map((k) => {
        const limit = limits.get(`exposure.${k}`);
        return [
          'total',
          k,
          usd(ex[k]),
          limit ? usd(limit.limit) : '—',
          gauge(usedFraction(limit)),
          limit ? usd(limit.headroom) : '—',
        ];
      }),
      ...Object.entries(ex.bySymbol ?? {}).map(([s, v]) => row('symbol', s, v)),
      ...Object.entries(ex.bySector ?? {}).map(([s, v]) => row('sector', s, v)),
    ],
    'no exposure',
  );
  $('exposure').replaceChildren(table);
}

function renderPositions(state) {
  fillTable(
    $('positions'),
    ['symbol', 'qty', 'avg price', 'last', 'unrealized P&L', 'protection', 'stop', 'target'],
    state.positions.map((p) => [
      p.symbol,
      num(p.qty),
      usd(p.avgPrice),
      usd(p.lastPrice),
      usd(p.unrealizedPnl),
      el(
        'td',
        { class: `protection ${p.protection.status}` },
        p.protection.status.replaceAll('_', ' '),
        p.protection.lastError ? ` (${p.protection.lastError})` : '',
      ),
      usd(p.protection.stop ?? p.stop ?? undefined),
      usd(p.target ?? undefined),
    ]),
    'no positions',
  );
}

function renderOrders(state) {
  fillTable(
    $('orders'),
    ['client order id', 'symbol', 'side', 'remaining', 'price', 'adds risk', 'stop loss', 'take profit'],
    state.workingOrders.map((o) => [
      o.clientOrderId,
      o.symbol,
      o.side,
      num(o.remaining),
      usd(o.valuationPrice),
      o.increasesRisk ? 'yes' : 'no',
      usd(o.stopLoss),
      usd(o.takeProfit),
    ]),
    'no working orders',
  );
}

/** Draws every part of the main view from one /v1/state answer. */
export function renderState(state) {
  renderTrading(state);
  renderBreakers(state);
  renderEquity(state);
  renderExposure(state);
  renderPositions(state);
  renderOrders(state);
}
