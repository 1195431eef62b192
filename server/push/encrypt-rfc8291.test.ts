import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RFC8291_EXAMPLE as RFC } from '../test-support/rfc8291-vector.js';
import { encryptInline } from './encrypt-pool.js';

/**
 * The server encrypts with web-push's `encrypt`, which draws its ephemeral
 * key (`crypto.createECDH(...).generateKeys()`) and salt (`crypto.randomBytes(16)`)
 * itself and takes neither as an argument. To reach the RFC's fixed values the
 * test replaces those two `node:crypto` calls for one encryption — web-push is
 * loaded by Node, not transformed, so it reads the same `crypto` module object.
 * Everything after them (web-push's key checks, http_ece's HKDF, AES-GCM,
 * padding and header) is the code the server runs in `encryptInline`; the
 * worker threads of `EncryptPool` run the same `webpush.encrypt` call.
 */
function fixRandomnessToTheRfc(): void {
  const sender = crypto.createECDH('prime256v1');
  sender.setPrivateKey(Buffer.from(RFC.senderPrivate, 'base64url'));
  // generateKeys would draw a fresh key; the RFC's must stay.
  sender.generateKeys = (() => sender.getPublicKey()) as typeof sender.generateKeys;
  vi.spyOn(crypto, 'createECDH').mockReturnValueOnce(sender);
  vi.spyOn(crypto, 'randomBytes').mockImplementationOnce(((size: number) => {
    expect(size).toBe(16);
    return Buffer.from(RFC.salt, 'base64url');
  }) as typeof crypto.randomBytes);
}

describe("the server's push encryption against RFC 8291 Appendix A", () => {
  afterEach(() => vi.restoreAllMocks());

  it("with the RFC's sender key and salt, encrypts the RFC's plaintext to the RFC's body byte for byte", () => {
    fixRandomnessToTheRfc();
    const body = encryptInline({ p256dh: RFC.receiverPublic, auth: RFC.authSecret, plaintext: RFC.plaintext });
    expect(crypto.createECDH).toHaveBeenCalledTimes(1);
    expect(crypto.randomBytes).toHaveBeenCalledTimes(1);
    expect(body.toString('base64url')).toBe(RFC.body);
  });

  it('without the fixed values, draws a fresh key and salt for every push', () => {
    const job = { p256dh: RFC.receiverPublic, auth: RFC.authSecret, plaintext: RFC.plaintext };
    const [a, b] = [encryptInline(job), encryptInline(job)];
    expect(a.subarray(0, 16).equals(b.subarray(0, 16))).toBe(false); // salt
    expect(a.subarray(21, 86).equals(b.subarray(21, 86))).toBe(false); // sender's public key
  });
});
