// The kill switch (trader and risk officer, with a confirmation) and the reset (risk officer, a
// reason required). Both send the session's CSRF token through api().
import { ApiError, api } from './api.js';

const $ = (id) => document.getElementById(id);

function say(text, isError = false) {
  const message = $('action-message');
  message.textContent = text;
  message.classList.toggle('error', isError);
}

/** Shows the actions the role may take and wires them; `afterChange` refreshes the state. */
export function setUpActions(role, afterChange) {
  const canKill = role === 'trader' || role === 'risk-officer';
  const canReset = role === 'risk-officer';
  $('actions').hidden = !canKill;
  $('kill-panel').hidden = !canKill;
  $('reset-form').hidden = !canReset;
  say('');
  if (document.body.dataset.actionsWired === 'yes') return;
  document.body.dataset.actionsWired = 'yes';

  const dialog = $('kill-dialog');
  $('kill-open').addEventListener('click', () => {
    $('kill-reason').value = '';
    $('kill-flatten').checked = false;
    dialog.showModal();
  });
  $('kill-cancel').addEventListener('click', () => dialog.close());
  $('kill-confirm').addEventListener('click', async () => {
    const reason = $('kill-reason').value.trim();
    const flatten = $('kill-flatten').checked;
    dialog.close();
    say('Halting…');
    try {
      const report = await api('POST', '/v1/kill', { ...(reason !== '' ? { reason } : {}), flatten });
      const parts = [`Trading halted · ${report.cancelled} order(s) cancelled`];
      if (flatten) parts.push(`${report.flattened} position(s) being closed`);
      if (report.cancelFailures > 0) parts.push(`${report.cancelFailures} cancel(s) failed`);
      if (!report.acknowledged) parts.push('the broker has not acknowledged yet; the halt holds regardless');
      if (report.error) parts.push(report.error);
      if (report.isolated) parts.push(report.message);
      say(`${parts.join(' · ')}.`, !report.acknowledged || report.isolated === true);
    } catch (error) {
      say(`The kill switch failed: ${error.message}`, true);
    }
    await afterChange();
  });

  $('reset-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = $('reset-reason').value.trim();
    if (reason === '') {
      say('A reset needs a reason: it is audited.', true);
      return;
    }
    try {
      await api('POST', '/v1/reset', { reason });
      $('reset-reason').value = '';
      say('Trading reset to active.');
    } catch (error) {
      say(
        error instanceof ApiError && error.status === 403
          ? `Not allowed: ${error.message}`
          : `The reset failed: ${error.message}`,
        true,
      );
    }
    await afterChange();
  });
}
