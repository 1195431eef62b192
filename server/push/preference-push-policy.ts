import type { Message } from '../../shared/message.schema.js';
import { shouldNotify } from '../../shared/notification-policy.js';
import { quietHoursEnd } from '../../shared/quiet-hours.js';
import type { PreferencesService } from '../services/preferences.service.js';
import { PUSH_NOW, type PushDecision, type PushPolicy } from './push-worker.js';

/**
 * Does not wake a device for what its shopper muted (a category or a
 * sender), set below their minimum priority, or sent in their quiet hours:
 * the shared rule the service worker applies too. A sender is known by
 * `message.sender.id`, which for a seller's message the server sets from the
 * key, so a muted seller cannot get past it by renaming itself. The message is in the inbox either way; the push counts as
 * skipped. Quiet hours drop the push rather than defer it, unless the shopper
 * chose `quietHours.deferred`: then the worker holds it and one summary goes
 * out when they end (see held-push-store.ts).
 */
export class PreferencePushPolicy implements PushPolicy {
  constructor(
    private readonly preferences: PreferencesService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async decide(userId: string, message: Message): Promise<PushDecision> {
    const preferences = await this.preferences.forPush(userId);
    const now = this.now();
    const decision = shouldNotify(message, preferences, now);
    if (decision.notify) return PUSH_NOW;
    const heldUntil = decision.reason === 'quiet-hours' && preferences.quietHours?.deferred ? quietHoursEnd(preferences, now)?.getTime() : undefined;
    return heldUntil === undefined ? { push: false } : { push: false, heldUntil };
  }

  async shouldPush(userId: string, message: Message): Promise<boolean> {
    return (await this.decide(userId, message)).push;
  }
}
