import type { Message } from 'amqplib';
import { LIMITS } from '../../shared/limits.js';
import { HttpError } from '../http/http-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An AMQP body read the way express.json reads an HTTP body: the same size
 * limit, UTF-8 only, JSON. Throws the same 4xx errors the HTTP route answers,
 * so a dead-lettered message carries the code a shop already knows.
 */
export function jsonBodyOf(message: Message): unknown {
  if (message.content.length > LIMITS.requestBodyBytes) {
    throw new HttpError(413, 'payload-too-large', `Message body is ${message.content.length} bytes; the limit is ${LIMITS.requestBodyBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(message.content);
  } catch {
    throw new HttpError(400, 'invalid-json', 'Message body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid-json', 'Message body is not valid JSON');
  }
}

/**
 * Whether a failure is the message's own fault and retrying can never help
 * (dead-letter it), as opposed to ours or the moment's (requeue it): a 4xx
 * other than 429 is permanent; a 429, a 5xx or any unexpected error is not.
 */
export function isPermanent(err: unknown): err is HttpError {
  return err instanceof HttpError && err.status >= 400 && err.status < 500 && err.status !== 429;
}
