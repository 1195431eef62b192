import crypto from 'node:crypto';
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

export async function createMerchant(store: Store, name: string, key = generateMerchantKey()) {
  const merchant: MerchantRecord = {
    id: crypto.randomUUID(),
    name,
    createdAt: new Date().toISOString(),
  };
  await store.createMerchant({ ...merchant, keyHash: hashMerchantKey(key) });
  return { merchant, key };
}

/** Makes sure a merchant with this key exists (BOOTSTRAP_MERCHANT_KEY, demo mode). */
export async function ensureMerchant(store: Store, name: string, key: string): Promise<MerchantRecord> {
  const existing = await store.findMerchantByKeyHash(hashMerchantKey(key));
  if (existing) return existing;
  return (await createMerchant(store, name, key)).merchant;
}

export function findMerchantByKey(store: Store, key: string): Promise<MerchantRecord | undefined> {
  return store.findMerchantByKeyHash(hashMerchantKey(key));
}
