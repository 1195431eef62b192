import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Message } from '../../shared/message.schema.js';
import { LIMITS } from '../../shared/limits.js';
import type { ReplyRequest } from '../../shared/reply.schema.js';
import { truncateText } from '../../shared/text.js';
import type { Bus } from '../bus/bus.js';
import { HttpError } from '../http/http-error.js';
import type { Store } from '../store/store.js';
import { publishCommitted } from './publish.js';

/**
 * A shopper answering a user message. The reply is a message of its own
 * (type user, sender = the shopper, `inReplyTo` = the original, the
 * original's collapseKey or id as its collapseKey so the inbox threads it),
 * appended to the shopper's own log so all their devices show it.
 */
export class ReplyService {
  /** `outbox` is told after a reply was stored with its `message.replied` event. */
  constructor(private readonly deps: { store: Store; bus: Bus; logger: Logger; now?: () => Date; outbox?: { wake(): void } }) {}

  async reply(userId: string, messageId: string, request: ReplyRequest): Promise<Message> {
    let reply: Message | undefined;
    const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
    const outcome = await this.deps.store.lifecycle.reply(userId, messageId, (original) => {
      reply = {
        id: crypto.randomUUID(),
        type: 'user',
        category: original.category,
        priority: original.priority,
        title: truncateText(`Re: ${original.title}`, LIMITS.titleLength),
        body: request.body,
        collapseKey: original.collapseKey ?? original.id,
        sender: { id: userId, name: 'You' },
        inReplyTo: original.id,
        createdAt,
      };
      return reply;
    });
    // The same 404 for someone else's message, a missing one, and one that is not a user message.
    if (!outcome.ok) throw new HttpError(404, 'not-found', `No user message ${messageId} to reply to`);
    this.deps.outbox?.wake();
    publishCommitted(this.deps.bus, this.deps.logger, outcome.value);
    return reply!;
  }
}
