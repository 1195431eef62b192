import type { Logger } from 'pino';
import type { CorrectMessageRequest, Message, RetractMessageResponse } from '../../shared/message.schema.js';
import type { Bus } from '../bus/bus.js';
import { HttpError } from '../http/http-error.js';
import type { LifecycleOutcome } from '../store/message-lifecycle.js';
import type { AppendedEvent, MerchantRecord, Store } from '../store/store.js';
import { publishCommitted } from './publish.js';

export interface MessageRevisionDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** The push worker: woken for the new jobs, and told to forget its cached payload of the message. */
  pushQueue?: { wake(): void; forget?(messageId: string): void };
  now?: () => Date;
}

/**
 * Changing a message after it went out. A retraction appends `retracted` to
 * every recipient's log and pushes a small retraction so the service worker
 * closes the notification; a correction appends a `message` event with the
 * same id and re-pushes it under the same tag, replacing the tray entry. A
 * correction of a message still to go out (scheduled, a local-time one's
 * zones still waiting) also changes what goes out.
 */
export class MessageRevisionService {
  private readonly now: () => Date;

  constructor(private readonly deps: MessageRevisionDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async retract(merchant: MerchantRecord, id: string): Promise<RetractMessageResponse> {
    const events = this.unwrap(id, await this.deps.store.lifecycle.retract(merchant.id, id));
    this.afterCommit(id, events);
    return { id, status: 'retracted', recipients: events.length };
  }

  async correct(merchant: MerchantRecord, id: string, patch: CorrectMessageRequest): Promise<Message> {
    const editedAt = this.now().toISOString();
    let corrected: Message | undefined;
    const outcome = await this.deps.store.lifecycle.correct(merchant.id, id, (message) => {
      corrected = Object.fromEntries(
        Object.entries({ ...message, ...patch, editedAt }).filter(([, v]) => v !== undefined),
      ) as Message;
      return corrected;
    });
    // Refused only for a message that reached nobody and never will (one still to go out takes the correction).
    if (!outcome.ok && outcome.reason === 'not-sent') {
      throw new HttpError(409, 'not-sent', `Message ${id} was never sent and no longer will be (cancelled, expired or retracted)`);
    }
    const events = this.unwrap(id, outcome);
    this.afterCommit(id, events);
    return corrected!;
  }

  private unwrap(id: string, outcome: LifecycleOutcome<AppendedEvent[]>): AppendedEvent[] {
    if (outcome.ok) return outcome.value;
    if (outcome.reason === 'not-sent') {
      throw new HttpError(409, 'not-sent', `Message ${id} has not been sent; cancel it (DELETE) instead`);
    }
    if (outcome.reason === 'recurring') {
      throw new HttpError(
        409,
        'recurring-message',
        `Message ${id} is a recurring message, never sent itself: each occurrence is a message of its own (${id}.1, ${id}.2, …). ` +
          `Cancel ${id} (DELETE) to stop the occurrences still to come, and retract or correct a sent one by its own id`,
      );
    }
    throw new HttpError(404, 'not-found', `No message ${id}`);
  }

  private afterCommit(id: string, events: AppendedEvent[]): void {
    this.deps.pushQueue?.forget?.(id);
    if (events.length > 0) this.deps.pushQueue?.wake();
    publishCommitted(this.deps.bus, this.deps.logger, events);
  }
}
