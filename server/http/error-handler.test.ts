import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Request, Response } from 'express';
import { errorHandler } from './error-handler.js';
import { HttpError } from './http-error.js';

/** Runs the handler on one error; returns the answer and what was logged at which level. */
function handle(err: unknown) {
  const logger = pino({ level: 'silent' });
  const levels = { info: vi.spyOn(logger, 'info'), warn: vi.spyOn(logger, 'warn'), error: vi.spyOn(logger, 'error') };
  const answer: { status?: number; body?: unknown } = {};
  const res = {
    headersSent: false,
    setHeader: () => undefined,
    status(code: number) {
      answer.status = code;
      return this;
    },
    json(body: unknown) {
      answer.body = body;
      return this;
    },
  } as unknown as Response;
  errorHandler(logger)(err, { method: 'GET', path: '/x' } as Request, res, () => undefined);
  return { ...answer, errorLogged: levels.error.mock.calls.length, infoLogged: levels.info.mock.calls.length };
}

describe('errorHandler', () => {
  it('maps an error the router raises with a 4xx status (an undecodable parameter) to the stable shape, logged at info', () => {
    const err = Object.assign(new URIError("Failed to decode param '%ZZ'"), { status: 400, statusCode: 400 });
    expect(handle(err)).toEqual({
      status: 400,
      body: { error: { code: 'bad-request', message: "Failed to decode param '%ZZ'" } },
      errorLogged: 0,
      infoLogged: 1,
    });
  });

  it('maps a body parser error without a known type (a body that is not valid gzip) to 400 bad-request', () => {
    const err = Object.assign(new Error('incorrect header check'), { status: 400, expose: true, code: 'Z_DATA_ERROR' });
    expect(handle(err)).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } }, errorLogged: 0 });
  });

  it('keeps the status of other client errors, with a code for the ones that have one and no hidden message shown', () => {
    expect(handle(Object.assign(new Error('secret'), { statusCode: 413, expose: false }))).toMatchObject({
      status: 413,
      body: { error: { code: 'payload-too-large', message: 'Payload Too Large' } },
    });
    expect(handle(Object.assign(new Error('aborted'), { status: 400, type: 'request.aborted' }))).toMatchObject({ status: 400 });
  });

  it('answers its own HttpErrors as they are, without logging them', () => {
    expect(handle(new HttpError(404, 'not-found', 'No message x'))).toEqual({
      status: 404,
      body: { error: { code: 'not-found', message: 'No message x' } },
      errorLogged: 0,
      infoLogged: 0,
    });
  });

  it("keeps 500 for the server's own faults, and for errors claiming a 5xx, hiding their message", () => {
    for (const err of [new Error('db down'), Object.assign(new Error('upstream'), { status: 503 }), undefined, 'a string']) {
      expect(handle(err)).toMatchObject({ status: 500, body: { error: { code: 'internal', message: 'Internal server error' } }, errorLogged: 1 });
    }
  });
});
