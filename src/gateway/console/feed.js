// The live feed: the gateway's Server-Sent Events, shown newest first and filterable, each one
// also a cue to read /v1/state again. EventSource resumes by itself with Last-Event-ID; when the
// gateway answers that with a `reset` (the gap is beyond its buffer), the gap's audited events
// are read back from the audit log (backfill.js) and shown under the reset.
import { auditBetween, feedTypeOf, summarizeAudit } from './backfill.js';
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
  'audit',
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
  'audit',
]);
/** The most entries the page keeps. */
const MAX_ENTRIES = 300;

/** A one-line summary of an event's data; the full data is in the entry's tooltip. */
export function summarize(type, d) {
  if (d === null || typeof d !== 'object') return String(d);
  switch (type) {
    case 'decision':
      return `${d.symbol ?? ''} ${d.decision?.kind ?? ''} ${(d.decision?.violations ?? []).map((v) => v.code).join(', ')}`.trim();
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
  /** Keys of the entries shown, so an event the backfill finds again is not shown twice. */
  const keys = new Set();
  /** When the newest event received happened: where a backfill starts. */
  let lastAt = Date.now();
  const trim = () => {
    while (list.children.length > MAX_ENTRIES) {
      keys.delete(list.lastElementChild.dataset.key);
      list.lastElementChild.remove();
    }
  };
  /** A feed entry: on top, or right under `after` (a backfilled one goes under its reset). */
  const entry = ({ type, at, key, order, id, source: from, title, text }, after) => {
    // Only a backfilled entry is dropped as a repeat: every live event is shown.
    if (from === 'audit' && keys.has(key)) return null;
    const li = el(
      'li',
      {
        class: `event ${type}${from === 'audit' ? ' from-audit' : ''}`,
        'data-type': type,
        'data-id': id,
        'data-key': key,
        'data-order': order,
        'data-source': from,
        title,
      },
      el('time', {}, new Date(at ?? Date.now()).toLocaleTimeString()),
      el('span', { class: 'tag' }, from === 'audit' ? `${type} · audit` : type),
      text,
    );
    if (key !== undefined) keys.add(key);
    li.hidden = !visible(li);
    if (after === undefined) list.prepend(li);
    else list.insertBefore(li, after.nextSibling);
    trim();
    return li;
  };

  /** Reads the gap's audited events back and shows them under the reset entry. */
  const backfill = async (resetLi, from, to) => {
    const note = el('span', { class: 'backfill-note' }, ' · reading the gap back from the audit log…');
    resetLi.append(note);
    try {
      const read = await auditBetween(from, to);
      let more = read.more;
      // Newest first: each goes under the previous one.
      let previous = resetLi;
      let shown = 0;
      for (const e of read.events) {
        // The feed is full and the last one placed fell off its end: the older ones would too.
        if (previous.parentNode !== list) {
          more = true;
          break;
        }
        const type = feedTypeOf(e.kind);
        const li = entry(
          {
            type,
            at: e.at,
            key:
              type === 'decision'
                ? `decision:${e.clientOrderId}:${e.outcome}`
                : type === 'state'
                  ? `state:${e.at}`
                  : `audit:${e.eventId}`,
            order: e.clientOrderId ?? undefined,
            source: 'audit',
            title: JSON.stringify(e, null, 1),
            text: summarizeAudit(e),
          },
          previous,
        );
        if (li !== null) {
          shown++;
          previous = li;
        }
      }
      note.textContent = ` · ${shown} audited event(s) of the gap read back from the audit log${
        more ? ' (older ones left out: see the audit log)' : ''
      }; fills, alerts and protection moves of the gap are not audited and are not shown`;
    } catch (error) {
      note.textContent = ` · the gap could not be read back (${error.message}): see the audit log`;
    }
  };

  const add = (type, message) => {
    let payload = null;
    try {
      payload = JSON.parse(message.data);
    } catch {
      payload = { at: Date.now(), data: message.data };
    }
    const d = payload.data;
    const li = entry({
      type,
      at: payload.at,
      id: message.lastEventId || undefined,
      key:
        type === 'decision'
          ? `decision:${d?.clientOrderId}:${d?.decision?.kind}`
          : type === 'state'
            ? `state:${payload.at}`
            : message.lastEventId
              ? `event:${message.lastEventId}`
              : undefined,
      order: type === 'decision' ? d?.clientOrderId : undefined,
      title: JSON.stringify(d, null, 1),
      text: summarize(type, d),
    });
    if (type === 'reset') void backfill(li, lastAt, payload.at ?? Date.now());
    else if (typeof payload.at === 'number') lastAt = Math.max(lastAt, payload.at);
    onEvent(type);
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, (message) => add(type, message));
  source.addEventListener('open', () => onOpen?.());
  source.addEventListener('error', () => onTrouble(source));
  return source;
}
