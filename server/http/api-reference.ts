import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * `/docs/api`: the interactive API reference (Scalar's standalone bundle)
 * over `/api/v1/openapi.json`. The bundle is served from node_modules, never
 * from a CDN: a self-hosted server may have no internet, and the page's CSP
 * would refuse it anyway.
 */
const SCALAR_DIR = path.dirname(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'));

/**
 * Scalar's own CSP, stricter than the PWA's where it can be: its code from
 * here only, no fonts from its CDN (withDefaultFonts: false), requests only
 * to this origin. It sets styles inline, hence 'unsafe-inline' for style-src.
 */
const REFERENCE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  hideClientButton: false,
  hideDownloadButton: false,
  telemetry: false,
  defaultOpenAllTags: true,
  showDeveloperTools: 'never',
  // Scalar's agent fetches a catalogue from its cloud; a self-hosted reference has no use for it.
  agent: { disabled: true },
});

// The configuration goes in an attribute, not an inline script, so script-src stays 'self'.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tidings API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<script id="api-reference" data-url="/api/v1/openapi.json" data-configuration='${CONFIGURATION}'></script>
<script src="/docs/api/assets/standalone.js"></script>
</body>
</html>
`;

export function apiReferenceRoutes(): Router {
  const router = express.Router();
  router.use('/docs/api', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', REFERENCE_CSP);
    next();
  });
  router.get('/docs/api', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(PAGE);
  });
  router.use('/docs/api/assets', express.static(SCALAR_DIR, { index: false, maxAge: '1d' }));
  return router;
}
