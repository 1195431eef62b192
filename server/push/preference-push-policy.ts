import type { Message } from '../../shared/message.schema.js';
import { shouldNotify } from '../../shared/notification-policy.js';
import type { PreferencesService } from '../services/preferences.service.js';
import type { PushPolicy } from './push-worker.js';

/**
 * Does not wake a device for what its shopper muted (a category or a
 * sender), set below their minimum priority, or sent in their quiet hours:
 * the shared rule the service worker applies too. A sender is known by
 * `message.sender.id`, which for a seller's message the server sets from the
 * key, so a muted seller cannot get past it by renaming itself. The message is in the inbox either way; the push counts as
 * skipped. Quiet hours drop the push rather than defer it: by morning the
 * inbox has the message, and a pile of stale notifications helps nobody.
 */
export class PreferencePushPolicy implements PushPolicy {
  constructor(
    private readonly preferences: PreferencesService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async shouldPush(userId: string, message: Message): Promise<boolean> {
    return shouldNotify(message, await this.preferences.forPush(userId), this.now()).notify;
  }
}
