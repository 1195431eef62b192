import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { CancelMessageResponse, Digest, Message, SendMessageRequest, SendMessageResponse } from '../../shared/message.schema.js';
import { asSentBy } from '../auth/seller-identity.js';
import type { Bus } from '../bus/bus.js';
import { HttpError } from '../http/http-error.js';
import type { Metrics } from '../metrics.js';
import { nextOccurrence, RECIPIENT_ZONE, repeatProblems } from '../../shared/recurrence.js';
import type { DigestSpec } from '../store/held-push-store.js';
import type { LocalTimeSpec } from '../store/local-time-store.js';
import type { ScheduleSpec } from '../store/message-lifecycle.js';
import type { MerchantRecord, Store } from '../store/store.js';
import { requestHash } from './idempotency.js';
import { publishCommitted } from './publish.js';

export interface MessageServiceDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  metrics?: Metrics;
  /** Told after each commit so the push queue is drained now rather than at its next poll. */
  pushQueue?: { wake(): void };
  /** Told when a scheduled message or a topic fan-out was stored, so it runs without waiting for a poll. */
  scheduler?: { wake(): void };
  fanOut?: { wake(): void };
  now?: () => Date;
}

/** Drops undefined fields so the stored JSON and the wire form are the same. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The message as stored and as every device reads it, from an accepted request
 * (audience and recurrence stay with the schedule). Every request the send
 * schema accepts must give one the stored-message schema reads back
 * (message.service.test.ts), or an inbox could never show it.
 */
export function messageFromRequest(request: SendMessageRequest, id: string, now: Date): Message {
  const { to: _to, repeat: _repeat, deliverAt, deliverAtLocal: _local, fallbackTz: _fallback, digest: _digest, ...content } = request;
  return compact({ ...content, id, createdAt: now.toISOString(), deliverAt });
}

/** On each recipient's clock (deliverAtLocal, or repeat.tz "recipient"): the plan; otherwise undefined. */
function localTimeOf(request: SendMessageRequest, now: number): LocalTimeSpec | undefined {
  const fallbackTz = request.fallbackTz ?? 'UTC';
  if (request.deliverAtLocal) return { local: request.deliverAtLocal, fallbackTz };
  if (request.repeat?.tz !== RECIPIENT_ZONE) return undefined;
  const problems = repeatProblems(request.repeat, now);
  if (problems.length > 0) throw invalidMessage(problems);
  return { cron: request.repeat.cron, fallbackTz, ...(request.deliverAt ? { startsAt: Date.parse(request.deliverAt) } : {}) };
}

/** A digest key is the merchant's own: two shops using "price-drop" never share a summary. */
function digestOf(merchant: MerchantRecord, digest: Digest): DigestSpec {
  return { key: `${merchant.id}:${digest.key}`, windowMs: digest.windowSeconds * 1000, title: digest.title ?? null };
}

function invalidMessage(problems: { path: string; message: string }[]): HttpError {
  return new HttpError(400, 'validation-failed', `Invalid message: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
}

/**
 * Accepting a message: store it durably with its events (or its schedule, or
 * its fan-out job), then tell live connections.
 *
 * Rules: a `deliverAt` at or before now (and no `repeat`) is sent at once,
 * so clock skew never loses a message; with `repeat`, deliverAt is when the
 * series starts. A message with a time answers `status: "scheduled"`.
 */
export class MessageService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async send(merchant: MerchantRecord, sent: SendMessageRequest, idempotencyKey?: string): Promise<SendMessageResponse> {
    // A seller sends only to its own store topic, and always as itself (see auth/seller-identity.ts).
    const request = asSentBy(merchant, sent);
    const now = this.now();
    const { to } = request;
    const localTime = localTimeOf(request, now.getTime());
    const schedule = localTime ? undefined : this.scheduleOf(request, now.getTime());
    const message = messageFromRequest(request, crypto.randomUUID(), now);
    const result = await this.deps.store.lifecycle.accept({
      message,
      merchantId: merchant.id,
      target: to,
      ...(schedule ? { schedule } : {}),
      ...(localTime ? { localTime } : {}),
      ...(request.digest ? { digest: digestOf(merchant, request.digest) } : {}),
      ...(idempotencyKey ? { idempotency: { key: idempotencyKey, bodyHash: requestHash(request) } } : {}),
      now: now.getTime(),
    });
    if (result.kind === 'key-reused') {
      throw new HttpError(422, 'idempotency-key-reused', 'This Idempotency-Key was already used with a different body');
    }
    if (result.kind === 'replayed') return result.response;
    this.deps.metrics?.messagesAccepted.inc();
    this.deps.metrics?.eventsAppended.inc(result.events.length);
    if (result.events.length > 0) this.deps.pushQueue?.wake();
    if (schedule || localTime) this.deps.scheduler?.wake();
    else if (to.topic) this.deps.fanOut?.wake();
    publishCommitted(this.deps.bus, this.deps.logger, result.events);
    return result.response;
  }

  /** When the message goes out: undefined for now, else its first due time (400 for an unusable recurrence). */
  private scheduleOf(request: SendMessageRequest, now: number): ScheduleSpec | undefined {
    const start = request.deliverAt ? Date.parse(request.deliverAt) : now;
    if (!request.repeat) return start > now ? { dueAt: start } : undefined;
    const problems = repeatProblems(request.repeat, now);
    if (problems.length > 0) throw invalidMessage(problems);
    // The first occurrence at or after the start (cron-parser looks strictly after, hence the millisecond).
    const dueAt = nextOccurrence(request.repeat.cron, request.repeat.tz, Math.max(start, now) - 1);
    if (dueAt === undefined) {
      throw new HttpError(400, 'validation-failed', 'Invalid message: repeat.cron: never occurs after deliverAt', [
        { path: 'repeat.cron', message: 'never occurs after deliverAt' },
      ]);
    }
    return { dueAt, cron: request.repeat.cron, ...(request.repeat.tz ? { tz: request.repeat.tz } : {}) };
  }

  async cancel(merchant: MerchantRecord, id: string): Promise<CancelMessageResponse> {
    const outcome = await this.deps.store.lifecycle.cancel(merchant.id, id);
    if (!outcome.ok) {
      if (outcome.reason === 'already-sent') throw new HttpError(409, 'already-sent', `Message ${id} has already been sent; retract it instead`);
      throw new HttpError(404, 'not-found', `No message ${id}`);
    }
    // The store answers ok only once the message is cancelled (see MessageLifecycleStore.cancel).
    return { id, status: 'cancelled' };
  }
}
