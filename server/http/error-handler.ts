import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody } from '../../shared/errors.js';
import { HttpError } from './http-error.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid-json', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'payload-too-large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported-media-type', 'Request body must be UTF-8 JSON');
    default:
      return undefined;
  }
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
