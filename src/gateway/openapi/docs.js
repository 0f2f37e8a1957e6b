// The interactive reference: Swagger UI over this gateway's own OpenAPI document. Requests made
// with "Try it out" go to the server the document names, which is this gateway's own address.
// biome-ignore lint/correctness/noUndeclaredVariables: defined by swagger-ui-bundle.js, loaded first
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
});
