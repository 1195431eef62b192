import type { Message } from '../../../shared/message.schema.js';
import { MAX_MUTED_SENDERS } from '../../../shared/preferences.schema.js';
import { updatePreferences } from './preferences.service.js';
import { rememberSenderName } from './sender-names.js';

type Sender = NonNullable<Message['sender']>;

/**
 * `full`: the shopper already muted as many senders as preferences hold.
 * Otherwise whether the change reached the server already (offline it
 * stays pending on this device and syncs later, like any preference save).
 */
export type MuteOutcome = { kind: 'full' } | { kind: 'saved'; synced: boolean };

/**
 * Mutes or unmutes one sender from one of their messages: a change to the
 * preferences as they are when it is written (updatePreferences), so a
 * theme, a suggestion or a Settings save made in the same instant is kept,
 * and the bound is checked against the list as it is then. Every device and
 * the server's push filter get the same list. The message stays in the inbox
 * either way; only alerts stop (see shouldNotify).
 */
export async function setSenderMuted(sender: Sender, muted: boolean, now: Date = new Date()): Promise<MuteOutcome> {
  let full = false;
  const synced = await updatePreferences((current) => {
    const others = current.mutedSenders.filter((id) => id !== sender.id);
    if (!muted) return { ...current, mutedSenders: others };
    full = others.length >= MAX_MUTED_SENDERS;
    if (full) return null;
    // Before the preferences change, so the Settings list that follows them already has the name.
    rememberSenderName(sender);
    return { ...current, mutedSenders: [...others, sender.id] };
  }, now);
  return full ? { kind: 'full' } : { kind: 'saved', synced };
}
