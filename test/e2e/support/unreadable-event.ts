import type { Message } from '../../../shared/message.schema.js';
import { findMerchantByKey } from '../../../server/auth/merchant-keys.js';
import type { Store } from '../../../server/store/store.js';
import { storeMessage } from '../../../server/test-support/store-messages.js';
import { TEST_MERCHANT_KEY } from '../../../server/test-support/test-server.js';

/**
 * How deep the injected `data` nests. Deep enough that the shared schema
 * could never read it in a browser (it threw from ~1,500), yet shallow enough
 * that the server could store and send it: before issue 9 it accepted up to
 * ~3,000 and answered 500 above, and Node's JSON.stringify runs out of stack
 * near 4,000, so a 5,000-deep event could not even be written to the log.
 */
export const UNREADABLE_DEPTH = 2_000;

/**
 * Writes a message event into a shopper's log the way a server before issue
 * 9 could have: straight through the store (the lifecycle's accept, which
 * appends the event row and bumps the shopper's seq), past every validation.
 * Nothing is published on the bus, so a connected client first hears of it
 * when the next event makes the stream read the log. Returns its message id.
 */
export async function injectUnreadableMessage(store: Store, userId: string, depth = UNREADABLE_DEPTH): Promise<string> {
  const merchant = await findMerchantByKey(store, TEST_MERCHANT_KEY);
  if (!merchant) throw new Error('the test merchant does not exist yet: start the server first');
  const message = {
    id: `unreadable-${crypto.randomUUID()}`,
    type: 'system',
    category: 'order',
    priority: 3,
    title: 'Nested too deep to read',
    createdAt: new Date().toISOString(),
    // JSON.parse builds the nesting without recursing (a literal this deep would not compile well).
    data: { nest: JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown },
  } as Message;
  await storeMessage(store, message, merchant.id, [userId]);
  return message.id;
}
