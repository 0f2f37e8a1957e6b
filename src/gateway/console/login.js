// The login page: a key id and secret, posted once to /v1/session.
import { login } from './api.js';

const $ = (id) => document.getElementById(id);

/** Shows the login page with an optional message; `onLogin(session)` runs after a login. */
export function showLogin(message, onLogin) {
  $('main').hidden = true;
  $('who').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-message').textContent = message ?? '';
  $('secret').value = '';
  const form = $('login-form');
  form.onsubmit = async (event) => {
    event.preventDefault();
    $('login-message').textContent = 'Logging in…';
    try {
      const session = await login($('key-id').value.trim(), $('secret').value);
      $('secret').value = '';
      $('login').hidden = true;
      $('login-message').textContent = '';
      await onLogin(session);
    } catch (error) {
      $('login-message').textContent =
        error.status === 401 ? 'Unknown key or wrong secret.' : `Login failed: ${error.message}`;
    }
  };
  $('key-id').focus();
}
