// @ts-check
// The API reference at /docs: both documents rendered by Scalar's self-contained bundle (served from the installed
// @scalar/api-reference, never a CDN), with "try it" aimed at this sandbox and the token filled in. Fonts are the
// system's: Scalar's default fonts come from a CDN, and the sandbox runs offline.

/** The token for "try it": `#token=…` in the URL, else the seeded account's. */
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? 'sandbox-token';

/** What both documents share. */
const common = {
  withDefaultFonts: false,
  hideClientButton: false,
  persistAuth: false,
  authentication: { preferredSecurityScheme: 'bearerAuth', securitySchemes: { bearerAuth: { token } } },
  agent: { disabled: true },
  mcp: { disabled: true },
  telemetry: false,
  showDeveloperTools: 'never',
};

/** @type {{ createApiReference(selector: string, config: unknown): unknown }} */
const scalar = /** @type {any} */ (window).Scalar;
scalar.createApiReference('#app', [
  {
    ...common,
    title: 'Freshchat API (/v2)',
    slug: 'freshchat',
    url: '/openapi.yaml',
    default: true,
    servers: [{ url: `${location.origin}/v2`, description: 'This sandbox' }],
  },
  {
    ...common,
    title: 'Sandbox control API (/_mock)',
    slug: 'control',
    // The served document is the self-contained bundle: nothing to resolve in freshchat.yaml.
    url: '/mock-control.yaml',
    servers: [{ url: location.origin, description: 'This sandbox' }],
  },
]);
