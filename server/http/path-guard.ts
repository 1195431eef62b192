import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** C0 controls and DEL: no id, topic or file name has them, and PostgreSQL cannot even compare text holding NUL. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * One rule for every path parameter, before any route sees it: the path must
 * decode as UTF-8 and hold no control character. Without it `/messages/%ZZ`
 * threw while the router decoded the parameter, and `/messages/a%00b` reached
 * a PostgreSQL query and failed there (SQLite answered 404); now both stores
 * answer the same 400.
 */
export const refuseMalformedPath: RequestHandler = (req, _res, next) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.path);
  } catch {
    next(new HttpError(400, 'invalid-path', 'The path is not valid percent-encoded UTF-8'));
    return;
  }
  if (CONTROL_CHARACTER.test(decoded)) {
    next(new HttpError(400, 'invalid-path', 'The path must not contain control characters (such as %00)'));
    return;
  }
  next();
};
