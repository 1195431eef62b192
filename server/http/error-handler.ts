import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import http from 'node:http';
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';
import { HttpError } from './http-error.js';

/** What Express, the router and the body parser (http-errors) put on the errors they raise. */
interface ClientErrorLike {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/** Codes for a 4xx some library raised with only a status; anything else it raises is a `bad-request`. */
const CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const raised = (err ?? {}) as ClientErrorLike;
  switch (raised.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid-json', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'payload-too-large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported-media-type', 'Request body must be UTF-8 JSON');
  }
  // Any other error carrying a 4xx status is the client's (a param the router cannot decode,
  // a body that is not the gzip it claims to be, an aborted upload); 5xx stays for our own faults.
  const status = raised.status ?? raised.statusCode;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500) {
    const message = raised.expose !== false && raised.message ? raised.message : (http.STATUS_CODES[status] ?? 'Bad request');
    return new HttpError(status, CODE_BY_STATUS[status] ?? 'bad-request', message);
  }
  return undefined;
}

/** The one place errors become answers: 4xx with their code, 5xx with nothing inside shown. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = toHttpError(err);
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    if (known) {
      // A client's mistake, not ours: worth a line when it came from a library, never an error-level stack.
      if (!(err instanceof HttpError)) logger.info({ status: known.status, code: known.code, method: req.method, path: req.path, reason: known.message }, 'client error');
      for (const [name, value] of Object.entries(known.headers ?? {})) res.setHeader(name, value);
      const body: ErrorBody = { error: { code: known.code, message: known.message } };
      if (known.issues) body.error.issues = known.issues;
      res.status(known.status).json(body);
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    const body: ErrorBody = { error: { code: 'internal', message: 'Internal server error' } };
    res.status(500).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not-found', `No route ${req.method} ${req.path}`));
};

/** POST and PUT bodies must say they are JSON, so a form post cannot slip through as empty. */
export const requireJson: RequestHandler = (req, _res, next) => {
  // A request without a body (PUT /me/topics/:topic, POST …/retract) needs no Content-Type.
  const bodyless = req.is('application/json') === null || (req.get('content-length') === '0' && !req.get('transfer-encoding'));
  if ((req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') && !bodyless && !req.is('application/json')) {
    next(new HttpError(415, 'unsupported-media-type', 'Send the body as JSON with "Content-Type: application/json"'));
    return;
  }
  next();
};
