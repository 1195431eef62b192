import crypto from 'node:crypto';
import webpush from 'web-push';
import type { Store } from '../store/store.js';

export interface VapidKeys {
  /** Unpadded base64url of the uncompressed P-256 point: what browsers take as applicationServerKey. */
  publicKey: string;
  /** Unpadded base64url of the 32-byte private scalar. */
  privateKey: string;
}

const VAPID_SETTING = 'vapid-keys';

/** Returns why a key pair is unusable, or undefined when the private key really belongs to the public one. */
export function checkVapidKeyPair(keys: VapidKeys): string | undefined {
  const publicBytes = Buffer.from(keys.publicKey, 'base64url');
  const privateBytes = Buffer.from(keys.privateKey, 'base64url');
  if (!/^[A-Za-z0-9_-]+$/.test(keys.publicKey) || publicBytes.length !== 65 || publicBytes[0] !== 0x04) {
    return 'VAPID_PUBLIC_KEY must be unpadded base64url of a 65-byte uncompressed P-256 key';
  }
  if (!/^[A-Za-z0-9_-]+$/.test(keys.privateKey) || privateBytes.length !== 32) {
    return 'VAPID_PRIVATE_KEY must be unpadded base64url of a 32-byte P-256 private key';
  }
  try {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.setPrivateKey(privateBytes);
    // A mismatched pair would sign JWTs every push service rejects with 403, one push at a time.
    if (!ecdh.getPublicKey().equals(publicBytes)) return 'VAPID_PRIVATE_KEY does not belong to VAPID_PUBLIC_KEY';
  } catch {
    return 'VAPID_PRIVATE_KEY is not a valid P-256 private key';
  }
  return undefined;
}

/**
 * The server's VAPID identity. Configured keys win; otherwise a pair is
 * generated once and kept in the store's settings, first writer wins, so every
 * instance on the same database signs with the same key and existing browser
 * subscriptions (bound to the key they subscribed with) keep working.
 */
export async function loadVapidKeys(store: Store, configured?: VapidKeys): Promise<VapidKeys> {
  if (configured) return configured;
  const stored = await store.getOrInitSetting(VAPID_SETTING, JSON.stringify(webpush.generateVAPIDKeys()));
  const keys = JSON.parse(stored) as VapidKeys;
  const problem = checkVapidKeyPair(keys);
  if (problem) throw new Error(`stored VAPID keys are unusable: ${problem}`);
  return keys;
}
