import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptWebPush } from './rfc8291-decrypt.js';
import { RFC8291_EXAMPLE as RFC } from './rfc8291-vector.js';

function rfcReceiver() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(RFC.receiverPrivate, 'base64url'));
  return { ecdh, authSecret: Buffer.from(RFC.authSecret, 'base64url') };
}

describe('decryptWebPush (node:crypto only)', () => {
  it("decrypts RFC 8291 Appendix A's body with the RFC's receiver keys to the RFC's plaintext", () => {
    const receiver = rfcReceiver();
    expect(receiver.ecdh.getPublicKey('base64url')).toBe(RFC.receiverPublic);
    const plaintext = decryptWebPush(Buffer.from(RFC.body, 'base64url'), receiver);
    expect(plaintext.toString('utf8')).toBe(RFC.plaintext);
  });

  it('refuses a body with one bit flipped, the wrong auth secret, or a missing delimiter', () => {
    const body = Buffer.from(RFC.body, 'base64url');
    const flipped = Buffer.from(body);
    flipped[flipped.length - 20]! ^= 1;
    expect(() => decryptWebPush(flipped, rfcReceiver())).toThrow(/authenticate/);
    expect(() => decryptWebPush(body, { ...rfcReceiver(), authSecret: crypto.randomBytes(16) })).toThrow(/authenticate/);
    expect(() => decryptWebPush(body.subarray(0, 40), rfcReceiver())).toThrow(/P-256|records|short/);
  });

  it('reads bodies split over several records, each with its own nonce', () => {
    // Built here from the RFC's derivation with a tiny record size, so the sequence XOR and the 0x01/0x02 delimiters are exercised.
    const receiver = rfcReceiver();
    const sender = crypto.createECDH('prime256v1');
    sender.generateKeys();
    const salt = crypto.randomBytes(16);
    const hkdf = (ikm: Buffer, s: Buffer, info: string | Buffer, n: number) => Buffer.from(crypto.hkdfSync('sha256', ikm, s, info, n));
    const ikm = hkdf(
      sender.computeSecret(receiver.ecdh.getPublicKey()),
      receiver.authSecret,
      Buffer.concat([Buffer.from('WebPush: info\0'), receiver.ecdh.getPublicKey(), sender.getPublicKey()]),
      32,
    );
    const key = hkdf(ikm, salt, 'Content-Encoding: aes128gcm\0', 16);
    const baseNonce = hkdf(ikm, salt, 'Content-Encoding: nonce\0', 12);
    const rs = 16 + 1 + 5; // five plaintext bytes per record
    const text = 'several records of five bytes';
    const chunks = text.match(/.{1,5}/gs)!;
    const records = chunks.map((chunk, i) => {
      const nonce = Buffer.from(baseNonce);
      nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ i) >>> 0, 8);
      const cipher = crypto.createCipheriv('aes-128-gcm', key, nonce);
      const delimiter = i === chunks.length - 1 ? 2 : 1;
      const padded = Buffer.concat([Buffer.from(chunk), Buffer.from([delimiter])]);
      return Buffer.concat([cipher.update(padded), cipher.final(), cipher.getAuthTag()]);
    });
    const header = Buffer.alloc(21);
    salt.copy(header);
    header.writeUInt32BE(rs, 16);
    header.writeUInt8(65, 20);
    const body = Buffer.concat([header, sender.getPublicKey(), ...records]);
    expect(decryptWebPush(body, receiver).toString()).toBe(text);
    // The same records out of order fail: each nonce is bound to its position.
    const swapped = Buffer.concat([header, sender.getPublicKey(), records[1]!, records[0]!, ...records.slice(2)]);
    expect(() => decryptWebPush(swapped, receiver)).toThrow();
  });
});
