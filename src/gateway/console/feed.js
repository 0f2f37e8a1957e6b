// The live feed: the gateway's Server-Sent Events, shown newest first and filterable, each one
// also a cue to read /v1/state again. EventSource resumes by itself with Last-Event-ID.
import { el } from './format.js';

/** The event types the gateway sends (GET /v1/events). */
export const EVENT_TYPES = [
  'decision',
  'fill',
  'trade_update',
  'order',
  'trip',
  'state',
  'alert',
  'protection',
  'close',
  'reconciliation',
  'greeks',
  'reset',
];
/** Shown by default: what a risk officer watches. Greeks and trade updates are noisy. */
const SHOWN = new Set([
  'decision',
  'fill',
  'trip',
  'state',
  'alert',
  'protection',
  'close',
  'reset',
  'order',
]);
/** The most entries the page keeps. */
const MAX_ENTRIES = 300;

/** A one-line summary of an event's data; the full data is in the entry's tooltip. */
export function summarize(type, d) {
  if (d === null || typeof d !== 'object') return String(d);
  switch (type) {
    case 'decision':
      return `${d.symbol ?? ''} ${d.decision?.outcome ?? ''} ${(d.decision?.violations ?? []).map((v) => v.code).join(', ')}`.trim();
    case 'fill':
      return `${d.fill?.symbol ?? ''} ${d.fill?.side ?? ''} ${d.fill?.qty ?? ''} @ ${d.fill?.price ?? ''}`;
    case 'trip':
      return `${d.breakerId ?? ''} ${d.code ?? ''}: ${d.reason ?? ''}`;
    case 'state':
      return `${d.state ?? ''} — ${d.reason ?? ''} (by ${d.by ?? '?'})`;
    case 'alert':
      return `${d.severity ?? ''} ${d.code ?? d.kind ?? ''}: ${d.message ?? ''}`;
    case 'reset':
      return d.reason ?? 'stream reset';
    default: {
      const text = JSON.stringify(d);
      return text.length > 160 ? `${text.slice(0, 157)}…` : text;
    }
  }
}

/**
 * Opens the stream and keeps the feed list. `onEvent(type)` is called for each event (to
 * refresh the state), `onTrouble()` when the stream fails (to check the session).
 */
export function startFeed({ onEvent, onTrouble, onOpen }) {
  const list = document.getElementById('feed');
  const filters = document.getElementById('feed-filters');
  const search = document.getElementById('feed-search');
  const shown = new Set(SHOWN);

  const visible = (li) =>
    shown.has(li.dataset.type) &&
    (search.value === '' || li.textContent.toLowerCase().includes(search.value.toLowerCase()));
  const applyFilter = () => {
    for (const li of list.children) li.hidden = !visible(li);
  };

  filters.replaceChildren(
    ...EVENT_TYPES.map((type) => {
      const box = el('input', { type: 'checkbox', checked: shown.has(type), 'data-type': type });
      box.addEventListener('change', () => {
        if (box.checked) shown.add(type);
        else shown.delete(type);
        applyFilter();
      });
      return el('label', { class: 'check' }, box, ` ${type}`);
    }),
  );
  search.addEventListener('input', applyFilter);

  const source = new EventSource('/v1/events');
  const add = (type, message) => {
    let payload = null;
    try {
      payload = JSON.parse(message.data);
    } catch {
      payload = { at: Date.now(), data: message.data };
    }
    const li = el(
      'li',
      { class: `event ${type}`, 'data-type': type, title: JSON.stringify(payload.data, null, 1) },
      el('time', {}, new Date(payload.at ?? Date.now()).toLocaleTimeString()),
      el('span', { class: 'tag' }, type),
      summarize(type, payload.data),
    );
    li.hidden = !visible(li);
    list.prepend(li);
    while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
    onEvent(type);
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, (message) => add(type, message));
  source.addEventListener('open', () => onOpen?.());
  source.addEventListener('error', () => onTrouble(source));
  return source;
}
