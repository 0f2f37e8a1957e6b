// The audit log (GET /v1/audit): filters by kind, outcome, code, client order id and time, newest
// first, a page at a time ("Older entries" follows nextBeforeSeq).
import { api } from './api.js';
import { el, fillTable } from './format.js';

const $ = (id) => document.getElementById(id);

/** The kinds GET /v1/audit filters by. */
export const AUDIT_KINDS = [
  'decision',
  'trading-state',
  'reset',
  'limit-change',
  'profile-change',
  'kill-switch',
  'api-key',
  'order',
  'store',
];
/** Entries per page. */
const PAGE = 50;

let rows = [];
let nextBeforeSeq = null;

/** The query string of the form's filters (empty ones left out). */
function filters() {
  const q = new URLSearchParams();
  const put = (name, value) => {
    if (value !== '') q.set(name, value);
  };
  put('kind', $('audit-kind').value);
  put('outcome', $('audit-outcome').value);
  put('code', $('audit-code').value.trim());
  put('client_order_id', $('audit-order').value.trim());
  // datetime-local is local time without a zone: read as such, sent as epoch ms.
  for (const [name, id] of [
    ['from', 'audit-from'],
    ['to', 'audit-to'],
  ]) {
    const v = $(id).value;
    if (v !== '') put(name, String(new Date(v).getTime()));
  }
  q.set('limit', String(PAGE));
  return q;
}

/** One audit entry as a table row. */
export function auditRow(e) {
  return [
    String(e.seq),
    new Date(e.at).toLocaleString(),
    e.kind,
    e.actor,
    e.outcome ?? '',
    (e.codes ?? []).join(', '),
    [e.symbol, e.clientOrderId].filter((x) => x !== null && x !== undefined).join(' · '),
    e.message ?? '',
  ];
}

function render() {
  fillTable(
    $('audit'),
    ['seq', 'time', 'kind', 'actor', 'outcome', 'codes', 'symbol · order', 'message'],
    rows.map(auditRow),
    'no entries match',
  );
  $('audit-more').hidden = nextBeforeSeq === null;
}

/** Runs the search; `older` fetches the next page of the same search. */
export async function searchAudit(older = false) {
  const q = filters();
  if (older && nextBeforeSeq !== null) q.set('before_seq', String(nextBeforeSeq));
  $('audit-message').textContent = 'Searching…';
  $('audit-message').classList.remove('error');
  try {
    const answer = await api('GET', `/v1/audit?${q}`);
    rows = older ? [...rows, ...answer.events] : answer.events;
    nextBeforeSeq = answer.nextBeforeSeq;
    render();
    $('audit-message').textContent = `${rows.length} entr${rows.length === 1 ? 'y' : 'ies'} shown${
      nextBeforeSeq === null ? '' : ', older ones on request'
    }.`;
  } catch (error) {
    $('audit-message').textContent = `The search failed: ${error.message}`;
    $('audit-message').classList.add('error');
  }
}

/** Fills the kind list and wires the form (once). */
export function setUpAudit() {
  if (document.body.dataset.auditWired === 'yes') return;
  document.body.dataset.auditWired = 'yes';
  $('audit-kind').replaceChildren(
    el('option', { value: '' }, 'any'),
    ...AUDIT_KINDS.map((k) => el('option', { value: k }, k)),
  );
  $('audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void searchAudit(false);
  });
  $('audit-more').addEventListener('click', () => void searchAudit(true));
}
