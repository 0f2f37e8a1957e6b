// Requests to the gateway from the page: the session cookie goes by itself (same origin), the
// CSRF token is added to every change, and a 401 anywhere means the session ended.

/** An answer other than 2xx, with the gateway's message. */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let csrfToken = null;
let onExpired = () => {};

/** Called once with the handler of an ended session (shows the login page). */
export function whenExpired(handler) {
  onExpired = handler;
}

/** Sends a request; resolves with the parsed body (null when empty), throws ApiError otherwise. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    parsed = { message: text };
  }
  if (response.status === 401 && path !== '/v1/session') {
    csrfToken = null;
    onExpired('Your session ended; log in again.');
  }
  if (!response.ok) {
    throw new ApiError(response.status, parsed?.message ?? `HTTP ${response.status}`, parsed);
  }
  return parsed;
}

/** Logs in with a key; resolves with the session ({keyId, label, role, csrfToken, expiresAt}). */
export async function login(keyId, secret) {
  const session = await api('POST', '/v1/session', { keyId, secret });
  csrfToken = session.csrfToken;
  return session;
}

/** The current session, or null when there is none (no cookie, expired, revoked). */
export async function currentSession() {
  try {
    const session = await api('GET', '/v1/session');
    csrfToken = session.csrfToken;
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Ends the session; the cookie is dropped by the gateway. */
export async function logout() {
  try {
    await api('DELETE', '/v1/session');
  } finally {
    csrfToken = null;
  }
}
