// The risk profile: shown to every role as YAML; a risk officer edits it as YAML or JSON, reviews
// the gateway's own dry run (PUT /v1/profile?dryRun=true: the diff and every problem, nothing
// changed), and saves it with a reason. Any edit after the review asks for a new review.
import { ApiError, api } from './api.js';
import { el, fillTable } from './format.js';
import { parse as parseYaml, stringify as toYaml } from './yaml.index.js';

const $ = (id) => document.getElementById(id);

/** The profile the last review accepted, or null: only that one can be saved. */
let reviewed = null;

function say(text, isError = false) {
  $('profile-message').textContent = text;
  $('profile-message').classList.toggle('error', isError);
}

/** A value in a diff cell: compact JSON, "—" when absent. */
function cell(value) {
  if (value === undefined) return '—';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function showReview(diff, issues) {
  $('profile-review').hidden = false;
  $('profile-issues').replaceChildren(
    ...(issues.length === 0
      ? [el('li', { class: 'none' }, 'none: the gateway accepts this profile')]
      : issues.map((i) =>
          el(
            'li',
            { class: 'issue', 'data-field': i.field },
            el('code', {}, i.field),
            i.problem ? `: ${i.problem}; expected ${i.expected}` : `: ${i.expected}`,
          ),
        )),
  );
  fillTable(
    $('profile-diff'),
    ['path', 'change', 'before', 'after'],
    (diff ?? []).map((d) => [
      el('code', {}, d.path || '(all)'),
      d.op,
      el('td', { class: 'before' }, cell(d.before)),
      el('td', { class: 'after' }, cell(d.after)),
    ]),
    'no change',
  );
}

/** Reads the text as YAML (JSON is YAML too); a parse error is shown as a problem of the text. */
function readText() {
  try {
    return { ok: true, value: parseYaml($('profile-input').value) };
  } catch (error) {
    return { ok: false, message: error.message };
  }
}

/** Asks the gateway for a dry run of the text; shows the diff and the problems. */
async function review() {
  reviewed = null;
  $('profile-save').disabled = true;
  const text = readText();
  if (!text.ok) {
    showReview([], [{ field: '(text)', problem: text.message, expected: 'YAML or JSON' }]);
    say('The text could not be read.', true);
    return;
  }
  say('Checking…');
  try {
    const result = await api('PUT', '/v1/profile?dryRun=true', { profile: text.value });
    showReview(result.diff, result.issues ?? []);
    reviewed = text.value;
    $('profile-save').disabled = result.diff.length === 0;
    say(
      result.diff.length === 0
        ? 'Nothing would change.'
        : `${result.diff.length} change(s) would apply. Give a reason and save, or edit further.`,
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      showReview(error.body?.diff ?? [], error.body?.riskgate?.issues ?? []);
      say('The gateway would refuse this profile: fix the problems listed.', true);
    } else say(`The check failed: ${error.message}`, true);
  }
}

async function save(event) {
  event.preventDefault();
  if (reviewed === null) return;
  const reason = $('profile-reason').value.trim();
  if (reason === '') {
    say('A profile change needs a reason: it is audited.', true);
    return;
  }
  say('Saving…');
  try {
    const result = await api('PUT', '/v1/profile', { profile: reviewed, reason });
    say(`Saved: ${result.diff.length} change(s) applied.`);
    closeEditor();
    await loadProfile();
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      showReview(error.body?.diff ?? [], error.body?.riskgate?.issues ?? []);
    }
    say(`The change was refused: ${error.message}`, true);
  }
}

function closeEditor() {
  $('profile-form').hidden = true;
  $('profile-edit').hidden = document.body.dataset.role !== 'risk-officer';
  $('profile-text').hidden = false;
  reviewed = null;
}

let current = null;

/** Reads GET /v1/profile and shows it. */
export async function loadProfile() {
  const answer = await api('GET', '/v1/profile');
  current = answer.profile;
  $('profile-source').textContent =
    answer.source === 'api'
      ? 'changed through the API (kept until the profile file changes)'
      : `from ${answer.path ?? 'the profile file'}`;
  $('profile-text').textContent = toYaml(current);
}

/** Shows the editor to a risk officer only (the gateway refuses the change to anyone else). */
export function setUpProfile(role) {
  $('profile-edit').hidden = role !== 'risk-officer';
  $('profile-form').hidden = true;
  $('profile-text').hidden = false;
  if (document.body.dataset.profileWired === 'yes') return;
  document.body.dataset.profileWired = 'yes';
  $('profile-edit').addEventListener('click', () => {
    $('profile-input').value = toYaml(current);
    $('profile-reason').value = '';
    $('profile-review').hidden = true;
    $('profile-form').hidden = false;
    $('profile-edit').hidden = true;
    $('profile-text').hidden = true;
    say('');
    $('profile-input').focus();
  });
  $('profile-input').addEventListener('input', () => {
    if (reviewed === null && $('profile-review').hidden) return;
    reviewed = null;
    $('profile-save').disabled = true;
    say('Edited since the review: review the changes again before saving.');
  });
  $('profile-check').addEventListener('click', () => void review());
  $('profile-cancel').addEventListener('click', () => {
    closeEditor();
    say('');
  });
  $('profile-form').addEventListener('submit', (event) => void save(event));
}
