// The risk console: log in, then a live view of /v1/state refreshed on every event of
// /v1/events, with the actions the role allows.
import { setUpActions } from './actions.js';
import { ApiError, api, currentSession, logout, whenExpired } from './api.js';
import { searchAudit, setUpAudit } from './audit.js';
import { addLivePoint, clearChart, loadEquity } from './chart.js';
import { startFeed } from './feed.js';
import { showLogin } from './login.js';
import { renderPanels } from './panels.js';
import { loadProfile, setUpProfile } from './profile.js';
import { renderState } from './view.js';

const $ = (id) => document.getElementById(id);

/** A slow poll besides the events: marks move P&L without any event. */
const POLL_MS = 5000;

let source = null;
let poll = null;
let refreshing = null;
let again = false;

/** Reads /v1/state and draws it; calls that arrive during a read coalesce into one more read. */
async function refresh() {
  if (refreshing !== null) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        const state = await api('GET', '/v1/state');
        renderState(state);
        renderPanels(state);
        addLivePoint(state);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 401)) {
          $('connection').textContent = `state unavailable: ${error.message}`;
        }
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function stop() {
  source?.close();
  source = null;
  if (poll !== null) clearInterval(poll);
  poll = null;
  clearChart();
}

function ended(message) {
  stop();
  showLogin(message, start);
}

async function start(session) {
  stop();
  $('who').textContent = `${session.label} · ${session.role}`;
  $('who').hidden = false;
  $('logout').hidden = false;
  $('main').hidden = false;
  document.body.dataset.role = session.role;
  setUpActions(session.role, refresh);
  setUpProfile(session.role);
  setUpAudit();
  await refresh();
  source = startFeed({
    onEvent: () => void refresh(),
    onOpen: () => {
      $('connection').textContent = 'live';
    },
    // EventSource cannot see the status: ask the session itself whether it ended.
    onTrouble: async () => {
      $('connection').textContent = 'reconnecting to the event stream…';
      if ((await currentSession().catch(() => undefined)) === null)
        ended('Your session ended; log in again.');
    },
  });
  poll = setInterval(() => void refresh(), POLL_MS);
  void loadEquity();
  void loadProfile().catch((error) => {
    $('profile-source').textContent = `profile unavailable: ${error.message}`;
  });
  void searchAudit();
}

whenExpired((message) => ended(message));
$('logout').addEventListener('click', async () => {
  await logout().catch(() => undefined);
  ended('Logged out.');
});

const session = await currentSession().catch(() => null);
if (session === null) showLogin('', start);
else await start(session);
