import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** SHA-256 first, so both sides have one length and the compare takes the same time whatever the guess. */
function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

/**
 * Guards `/metrics` with `Authorization: Bearer <METRICS_TOKEN>` when a token
 * is configured (metrics name routes, counts and process details an operator
 * may not want public); without one it lets every request through.
 */
export function requireMetricsToken(token: string | undefined): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const expected = digest(token);
  return (req, _res, next) => {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    if (presented !== undefined && crypto.timingSafeEqual(digest(presented), expected)) return next();
    next(
      new HttpError(401, 'unauthorized', '/metrics needs "Authorization: Bearer <METRICS_TOKEN>"', undefined, {
        'WWW-Authenticate': 'Bearer',
      }),
    );
  };
}
