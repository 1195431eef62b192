import type { MerchantRole } from '../../shared/merchant-key.schema.js';
import { storeTopicOf } from '../../shared/topic.schema.js';
import { HttpError } from '../http/http-error.js';
import type { MerchantRecord } from '../store/store.js';

/**
 * The one table of what each merchant role may do. Every merchant route names
 * its action when it authenticates (see authenticate.ts), so adding a route
 * means choosing a row here, and docs/security.md mirrors this table.
 *
 * Reading, cancelling, retracting and correcting are further scoped to the
 * merchant's own messages by the stores (someone else's answers 404, so
 * existence does not leak); sending to a topic other than the seller's own
 * store topic is checked where the audience is known (message.service.ts).
 */
const PERMISSIONS = {
  'send-messages': { roles: ['platform', 'seller'], what: 'send messages' },
  'read-own-messages': { roles: ['platform', 'seller'], what: 'read its own messages and their replies' },
  'revise-own-messages': { roles: ['platform', 'seller'], what: 'cancel, retract or correct its own messages' },
  'send-to-any-topic': { roles: ['platform'], what: 'send to a topic other than its own store topic' },
  'mint-shopper-tokens': { roles: ['platform'], what: 'mint shopper tokens' },
  'manage-keys': { roles: ['platform'], what: 'create, list or revoke merchant keys' },
  'read-own-delivery-stats': { roles: ['platform', 'seller'], what: 'read the delivery figures of its own messages' },
  'manage-own-webhooks': { roles: ['platform', 'seller'], what: 'register, list or delete its own webhooks and read their deliveries' },
} as const satisfies Record<string, { roles: readonly MerchantRole[]; what: string }>;

export type MerchantAction = keyof typeof PERMISSIONS;

/** What each role may do, in a sentence, for error messages. */
const ROLE_SUMMARY: Record<MerchantRole, (merchant: MerchantRecord) => string> = {
  platform: () => 'A platform key may do everything.',
  seller: (merchant) =>
    `A seller key may send to shoppers by id and to its own store topic "${storeTopicOf(merchant.id)}", ` +
    'and read, cancel, retract or correct its own messages.',
};

export function may(role: MerchantRole, action: MerchantAction): boolean {
  return (PERMISSIONS[action].roles as readonly MerchantRole[]).includes(role);
}

/** Throws 403 `forbidden-for-role` unless the merchant's role may take this action. */
export function requireRole(merchant: MerchantRecord, action: MerchantAction): void {
  if (may(merchant.role, action)) return;
  throw new HttpError(
    403,
    'forbidden-for-role',
    `A ${merchant.role} key may not ${PERMISSIONS[action].what}. ${ROLE_SUMMARY[merchant.role](merchant)}`,
  );
}
