// The smaller panels of /v1/state: portfolio Greeks, health (store, journal, broker,
// reconciliation, disabled strategies) and market indices (value, age, stale).
import { ago, el, fillTable, num, usd, when } from './format.js';

const $ = (id) => document.getElementById(id);

/** True when the Greeks hold at least one option contract. */
export function hasOptions(greeks) {
  return (greeks?.totals?.contracts?.gross ?? 0) > 0;
}

function renderGreeks(state) {
  const g = state.greeks;
  if (!hasOptions(g)) {
    $('greeks').replaceChildren(el('p', { class: 'detail', id: 'greeks-none' }, 'no options positions'));
    return;
  }
  const t = g.totals;
  const totals = el('dl', { class: 'figures' });
  totals.replaceChildren(
    ...[
      ['Value', usd(t.value)],
      ['Dollar delta', usd(t.dollarDelta)],
      ['Dollar gamma (1%)', usd(t.dollarGamma)],
      ['Vega (per vol point)', usd(t.dollarVega)],
      ['Theta (per day)', usd(t.dollarThetaPerDay)],
      ['Rho (per 1%)', usd(t.dollarRhoPerPercent)],
      ['Contracts', `${num(t.contracts.gross)} gross · ${num(t.contracts.net)} net`],
      ['Valued at', when(g.valuationTime)],
    ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
  const table = el('table');
  fillTable(
    table,
    ['underlying', 'price', 'delta (shares)', 'dollar delta', 'vega', 'theta/day', 'contracts'],
    Object.values(g.byUnderlying ?? {}).map((u) => [
      u.underlying,
      usd(u.price),
      num(u.sharesDelta),
      usd(u.dollarDelta),
      usd(u.dollarVega),
      usd(u.dollarThetaPerDay),
      `${num(u.contracts.gross)}${u.unpriced > 0 ? ` (${u.unpriced} unpriced)` : ''}`,
    ]),
    'no underlyings',
  );
  $('greeks').replaceChildren(totals, table);
}

const yes = (ok, good, bad) => el('span', { class: ok ? 'ok' : 'loss' }, ok ? good : bad);

function renderHealth(state, now) {
  const h = state.health ?? {};
  const store = h.store ?? {};
  const journal = h.durability?.journal;
  const broker = h.broker ?? {};
  const rec = h.reconciliation ?? {};
  const mismatches = Array.isArray(rec.mismatches) ? rec.mismatches.length : Number(rec.mismatches ?? 0);
  const items = [
    [
      'Store',
      [
        yes(store.available === true, 'available', 'unavailable'),
        store.driver ? ` · ${store.driver}` : '',
        store.engineWritesOk === false ? ' · engine writes pending' : '',
        store.available === true ? '' : ` · ${store.lastError?.message ?? store.error ?? 'no answer'}`,
      ],
    ],
    ['Journal', journal ? yes(journal.writable !== false, 'writable', 'not writable') : '—'],
    [
      'Broker',
      [
        yes(broker.circuit === 'closed', `circuit ${broker.circuit ?? '?'}`, `circuit ${broker.circuit}`),
        broker.lastPollAt ? ` · last poll ${ago(now - broker.lastPollAt)}` : ' · not polled yet',
        broker.lastPollError ? ` · ${broker.lastPollError}` : '',
      ],
    ],
    [
      'Reconciliation',
      [
        yes(mismatches === 0, 'no mismatches', `${mismatches} mismatch(es)`),
        rec.lastRunAt ? ` · ${ago(now - rec.lastRunAt)}` : ' · not run yet',
      ],
    ],
    [
      'Disabled strategies',
      (state.disabledStrategies ?? []).length === 0 ? 'none' : state.disabledStrategies.join(', '),
    ],
  ];
  $('health').replaceChildren(...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function renderIndices(state, now) {
  const readings = state.indices?.readings ?? [];
  fillTable(
    $('indices'),
    ['index', 'value', 'age', 'required', 'status'],
    readings.map((r) => [
      r.name,
      num(r.value ?? undefined),
      r.time === null ? 'never' : ago(now - r.time),
      r.required ? 'yes' : 'no',
      el(
        'td',
        { class: r.stale ? 'loss' : '', 'data-index': r.name },
        r.stale ? 'STALE' : r.value === null ? 'no reading' : 'fresh',
      ),
    ]),
    'no market indices',
  );
}

/** Draws the Greeks, health and indices panels from one /v1/state answer. */
export function renderPanels(state, now = Date.now()) {
  renderGreeks(state);
  renderHealth(state, now);
  renderIndices(state, now);
}
