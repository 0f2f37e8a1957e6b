// The interactive reference: Swagger UI over this gateway's own OpenAPI document. Requests made
// with "Try it out" go to the server the document names, which is this gateway's own address.

/**
 * A browser logged in to the console sends its session cookie with every request from this
 * page; a POST, PUT, PATCH or DELETE made with it also needs the session's CSRF token, which is
 * fetched and added here. Requests authorized with an API key need none.
 */
async function withCsrfToken(request) {
  const method = (request.method ?? 'GET').toUpperCase();
  const headers = request.headers ?? {};
  const withKey = Object.keys(headers).some((name) => name.toLowerCase() === 'apca-api-key-id');
  if (method === 'GET' || method === 'HEAD' || withKey || request.url.endsWith('/v1/session')) return request;
  const session = await fetch('/v1/session', { credentials: 'same-origin' });
  if (session.ok) request.headers = { ...headers, 'x-csrf-token': (await session.json()).csrfToken };
  return request;
}

// SwaggerUIBundle is defined by swagger-ui-bundle.js, loaded first.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayOperationId: true,
  // The default validator badge would send the document to an outside service.
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  persistAuthorization: false,
  tryItOutEnabled: false,
  requestInterceptor: withCsrfToken,
});
