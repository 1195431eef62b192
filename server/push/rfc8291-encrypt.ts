import type nodeCrypto from 'node:crypto';

/** One push to encrypt: the subscription's p256dh and auth (base64url) and the index of its plaintext in the batch. */
export type EncryptJobTuple = [p256dh: string, auth: string, plaintextIndex: number];

/**
 * RFC 8291 (Web Push message encryption) over RFC 8188 `aes128gcm`, with
 * node:crypto alone, for a batch of pushes at once. Per job: the ciphertext,
 * or the reason it could not be encrypted (a malformed key fails its job
 * only).
 *
 * What one message's pushes share is computed once per batch: each distinct
 * plaintext is padded once (RFC 8188 §2: the 0x02 delimiter of the last and
 * only record), the constant HKDF info strings are built once, and the salts
 * are drawn in one `randomBytes` call. What they may not share is drawn per
 * push. RFC 8291 §3.1: "When sending a push message, the application server
 * also generates a new ECDH key pair on the same P-256 curve." A push message
 * (RFC 8030) is addressed to one subscription, so each subscriber of a
 * broadcast gets its own ephemeral key pair, even though reusing one would
 * halve the ECDH work; and RFC 8188 §2.1 wants a salt that is never reused
 * with the same keying material, so each push also gets its own salt.
 *
 * Per push that leaves: one P-256 key generation and ECDH (most of the
 * cost), three native `hkdfSync` calls (each cheaper than the two
 * `createHmac` objects it replaces), one AES-128-GCM over the padded
 * plaintext.
 *
 * The function body must stay self-contained (no imports, no named inner
 * functions): `encrypt-pool.ts` sends its source text to the worker threads,
 * which run it with their own `node:crypto`.
 */
export function encryptRfc8291Batch(
  crypto: typeof nodeCrypto,
  plaintexts: readonly (string | Uint8Array)[],
  jobs: readonly EncryptJobTuple[],
): (Buffer | string)[] {
  // RFC 8291 §4: one record, and push services need not take a body over 4096 bytes,
  // so at most 3993 bytes of plaintext; rs (RFC 8188 §2.1) must exceed the record.
  const RECORD_SIZE = 4096;
  const MAX_BODY_BYTES = 4096;
  const TAG_BYTES = 16;
  const HEADER_BYTES = 16 + 4 + 1 + 65;
  const padded = plaintexts.map((plaintext) => {
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const record = Buffer.alloc(bytes.length + 1);
    record.set(bytes);
    record[bytes.length] = 0x02;
    return record;
  });
  const keyInfoPrefix = Buffer.from('WebPush: info\0');
  const cekInfo = Buffer.from('Content-Encoding: aes128gcm\0');
  const nonceInfo = Buffer.from('Content-Encoding: nonce\0');
  const salts = crypto.randomBytes(16 * jobs.length);
  const results: (Buffer | string)[] = new Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) {
    const [p256dh, auth, index] = jobs[i]!;
    try {
      const receiverPublic = Buffer.from(p256dh, 'base64url');
      if (receiverPublic.length !== 65 || receiverPublic[0] !== 0x04) throw new Error('p256dh is not an uncompressed P-256 public key');
      const authSecret = Buffer.from(auth, 'base64url');
      if (authSecret.length !== 16) throw new Error('auth is not 16 bytes');
      const record = padded[index]!;
      if (HEADER_BYTES + record.length + TAG_BYTES > MAX_BODY_BYTES) {
        throw new Error(`plaintext of ${record.length - 1} bytes makes a body over ${MAX_BODY_BYTES} bytes`);
      }

      const sender = crypto.createECDH('prime256v1');
      const senderPublic = sender.generateKeys();
      const ecdhSecret = sender.computeSecret(receiverPublic);
      // RFC 8291 §3.3–3.4: IKM = HKDF(salt = auth, ikm = ECDH secret, info = "WebPush: info" 0 || ua_public || as_public).
      const keyInfo = Buffer.concat([keyInfoPrefix, receiverPublic, senderPublic]);
      const ikm = new Uint8Array(crypto.hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
      // RFC 8188 §2.2–2.3: the content-encryption key and the nonce, from the salt.
      const salt = salts.subarray(16 * i, 16 * i + 16);
      const cek = new Uint8Array(crypto.hkdfSync('sha256', ikm, salt, cekInfo, 16));
      const nonce = new Uint8Array(crypto.hkdfSync('sha256', ikm, salt, nonceInfo, 12));

      const body = Buffer.allocUnsafe(HEADER_BYTES + record.length + TAG_BYTES);
      body.set(salt, 0);
      body.writeUInt32BE(RECORD_SIZE, 16);
      body[20] = 65;
      body.set(senderPublic, 21);
      const cipher = crypto.createCipheriv('aes-128-gcm', cek, nonce);
      const sealed = cipher.update(record);
      cipher.final();
      body.set(sealed, HEADER_BYTES);
      body.set(cipher.getAuthTag(), HEADER_BYTES + sealed.length);
      results[i] = body;
    } catch (err) {
      results[i] = String((err as Error | undefined)?.message ?? err);
    }
  }
  return results;
}
