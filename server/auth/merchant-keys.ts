import crypto from 'node:crypto';
import type { MerchantRole } from '../../shared/merchant-key.schema.js';
import { HttpError } from '../http/http-error.js';
import type { MerchantRecord, Store } from '../store/store.js';

const KEY_PREFIX = 'tdk_';

/** A new merchant key: 32 random bytes, shown once and stored only as a hash. */
export function generateMerchantKey(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/**
 * Keys are long random secrets, not passwords, so one SHA-256 is enough: there
 * is nothing to brute-force, and lookups stay a single indexed read.
 */
export function hashMerchantKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Creates a merchant and its key (a fresh one unless given); the key is returned once and only its hash is kept. */
export async function createMerchant(
  store: Store,
  { name, role, key = generateMerchantKey() }: { name: string; role: MerchantRole; key?: string },
): Promise<{ merchant: MerchantRecord; key: string }> {
  const merchant: MerchantRecord = { id: crypto.randomUUID(), name, role, createdAt: new Date().toISOString() };
  await store.createMerchant({ ...merchant, keyHash: hashMerchantKey(key) });
  return { merchant, key };
}

/**
 * Makes sure a platform merchant with this key exists (BOOTSTRAP_MERCHANT_KEY,
 * demo mode). A key that was revoked stays revoked: restarting with it in the
 * environment does not bring it back.
 */
export async function ensureMerchant(store: Store, name: string, key: string): Promise<MerchantRecord> {
  const existing = await store.findMerchantByKeyHash(hashMerchantKey(key));
  if (existing) return existing;
  return (await createMerchant(store, { name, role: 'platform', key })).merchant;
}

export function findMerchantByKey(store: Store, key: string): Promise<MerchantRecord | undefined> {
  return store.findMerchantByKeyHash(hashMerchantKey(key));
}

/**
 * Revokes a key for good. Refuses (409) the key the request is made with, so
 * a shop cannot lock itself out by accident; revoking an already revoked key
 * changes nothing. Undefined when there is no such key.
 */
export async function revokeMerchant(store: Store, id: string, by: MerchantRecord): Promise<MerchantRecord | undefined> {
  if (id === by.id) {
    throw new HttpError(409, 'cannot-revoke-own-key', 'A key cannot revoke itself; revoke it with another platform key');
  }
  return store.revokeMerchant(id, new Date().toISOString());
}
