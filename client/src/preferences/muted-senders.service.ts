import type { Message } from '../../../shared/message.schema.js';
import { MAX_MUTED_SENDERS } from '../../../shared/preferences.schema.js';
import { loadPreferences, savePreferences } from './preferences.service.js';
import { rememberSenderName } from './sender-names.js';

type Sender = NonNullable<Message['sender']>;

/**
 * `full`: the shopper already muted as many senders as preferences hold.
 * Otherwise whether the change reached the server already (offline it
 * stays pending on this device and syncs later, like any preference save).
 */
export type MuteOutcome = { kind: 'full' } | { kind: 'saved'; synced: boolean };

/**
 * Mutes or unmutes one sender from one of their messages: the whole
 * preferences are saved, as the settings screen does, so every device and
 * the server's push filter get the same list. The message stays in the
 * inbox either way; only alerts stop (see shouldNotify).
 */
export async function setSenderMuted(sender: Sender, muted: boolean, now: Date = new Date()): Promise<MuteOutcome> {
  const preferences = await loadPreferences();
  const others = preferences.mutedSenders.filter((id) => id !== sender.id);
  if (muted) {
    if (others.length >= MAX_MUTED_SENDERS) return { kind: 'full' };
    rememberSenderName(sender);
  }
  const mutedSenders = muted ? [...others, sender.id] : others;
  return { kind: 'saved', synced: await savePreferences({ ...preferences, mutedSenders }, now) };
}
