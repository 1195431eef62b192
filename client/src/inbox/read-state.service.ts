import { setRead } from '../db/message.repository.js';

/**
 * The way the UI changes read state. Today it is local only; it is the one
 * place a later outbox hooks into to tell the shopper's other devices.
 */
export function setMessageRead(id: string, read: boolean): Promise<void> {
  return setRead(id, read);
}
