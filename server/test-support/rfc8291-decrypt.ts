import crypto from 'node:crypto';

/** RFC 8188 §2.1: salt (16) | rs (uint32) | idlen (uint8) | keyid (idlen). */
const SALT_BYTES = 16;
const HEADER_FIXED_BYTES = SALT_BYTES + 4 + 1;
/** RFC 8291 §4: the keyid is the sender's uncompressed P-256 public key. */
const P256_PUBLIC_BYTES = 65;
const TAG_BYTES = 16;
const NONCE_BYTES = 12;

/** The browser's side of a subscription: its P-256 key pair and the 16-byte auth secret. */
export interface PushReceiverKeys {
  ecdh: crypto.ECDH;
  authSecret: Buffer;
}

function hkdf(ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, length));
}

/**
 * Decrypts a Web Push body (RFC 8291 over RFC 8188 `aes128gcm`) with
 * `node:crypto` alone. It exists so the loopback push service checks the
 * server's encryption with code that shares nothing with `web-push`, which
 * encrypts with `http_ece`: decrypting with `http_ece` too would only show
 * that one library agrees with itself. Written from the RFC text; checked
 * against RFC 8291's Appendix A example. Throws with the reason on any
 * malformed or unauthentic body.
 */
export function decryptWebPush(body: Buffer, receiver: PushReceiverKeys): Buffer {
  if (body.length < HEADER_FIXED_BYTES) throw new Error('body shorter than the aes128gcm header');
  const salt = body.subarray(0, SALT_BYTES);
  const recordSize = body.readUInt32BE(SALT_BYTES);
  const idLength = body.readUInt8(SALT_BYTES + 4);
  if (idLength !== P256_PUBLIC_BYTES) throw new Error(`keyid is ${idLength} bytes, not an uncompressed P-256 key`);
  const senderPublic = body.subarray(HEADER_FIXED_BYTES, HEADER_FIXED_BYTES + idLength);
  if (senderPublic.length !== idLength || senderPublic[0] !== 0x04) throw new Error('keyid is not an uncompressed P-256 key');
  // A record must hold the tag and at least the delimiter byte (RFC 8188 §2).
  if (recordSize < TAG_BYTES + 1) throw new Error(`record size ${recordSize} too small`);

  // RFC 8291 §3.3–3.4: the auth secret and both public keys go into the IKM.
  const receiverPublic = receiver.ecdh.getPublicKey();
  const ecdhSecret = receiver.ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic]);
  const ikm = hkdf(ecdhSecret, receiver.authSecret, keyInfo, 32);
  // RFC 8188 §2.2–2.3: content-encryption key and base nonce from the salt.
  const key = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const baseNonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), NONCE_BYTES);

  const records = body.subarray(HEADER_FIXED_BYTES + idLength);
  if (records.length === 0) throw new Error('no records');
  const plaintexts: Buffer[] = [];
  for (let offset = 0, sequence = 0; offset < records.length; offset += recordSize, sequence++) {
    const record = records.subarray(offset, offset + recordSize);
    const last = offset + recordSize >= records.length;
    if (record.length < TAG_BYTES + 1) throw new Error(`record ${sequence} too short`);
    // The nonce is the base nonce XOR the record's sequence number, big-endian over 96 bits.
    const nonce = Buffer.from(baseNonce);
    // (records here are far fewer than 2^32, so only the low 32 bits change).
    nonce.writeUInt32BE((nonce.readUInt32BE(NONCE_BYTES - 4) ^ sequence) >>> 0, NONCE_BYTES - 4);
    const decipher = crypto.createDecipheriv('aes-128-gcm', key, nonce);
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - TAG_BYTES)), decipher.final()]);
    // Padding is zeros after a delimiter: 0x02 ends the last record, 0x01 any other.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    const delimiter = last ? 0x02 : 0x01;
    if (end < 0 || padded[end] !== delimiter) throw new Error(`record ${sequence} lacks its padding delimiter 0x0${delimiter}`);
    plaintexts.push(padded.subarray(0, end));
  }
  return Buffer.concat(plaintexts);
}
