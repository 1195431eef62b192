import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { precompressedFiles, sendPrecompressed } from './precompressed.js';

/** The CSP of the PWA: own scripts only; images may come from the shop's CDN over https. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  next();
};

/** Hashed assets never change under their name; everything else is revalidated. */
function cacheControlFor(file: string): string {
  return file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/** The file in `dir` a request path names (`/` is the shell), or null for a path that cannot be decoded. */
function fileFor(dir: string, requestPath: string): string | null {
  try {
    const name = decodeURIComponent(requestPath);
    return path.join(dir, name.endsWith('/') ? `${name}index.html` : name);
  } catch {
    return null;
  }
}

/**
 * Serves the built PWA. Hashed assets are cached for a year; the shell, the
 * service worker and the manifest are revalidated so updates reach shoppers.
 * Text files go out as the `.br` or `.gz` made at build time when the client
 * takes it, else as they are.
 */
export function staticApp(dir: string): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  // Only files found in `dir` at start have variants, so a path outside it never matches.
  const variants = precompressedFiles(dir);
  router.use((req, res, next) => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(dir, req.path) : null;
    if (file === null || !variants.has(file)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', cacheControlFor(file));
    sendPrecompressed(req, res, file, variants, next);
  });
  router.use(
    express.static(dir, {
      index: 'index.html',
      setHeaders(res, file) {
        res.setHeader('Cache-Control', cacheControlFor(file));
      },
    }),
  );
  // Deep links into the app (/inbox/…) get the shell; the app routes itself.
  router.get(/^\/(?!api\/|healthz|metrics).*/, (req, res, next) => {
    if (!req.accepts('html') || !fs.existsSync(index)) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    sendPrecompressed(req, res, index, variants, () => res.sendFile(index));
  });
  return router;
}
