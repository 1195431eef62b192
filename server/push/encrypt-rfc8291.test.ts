import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RFC8291_EXAMPLE as RFC } from '../test-support/rfc8291-vector.js';
import { decryptWebPush } from '../test-support/rfc8291-decrypt.js';
import { encryptInline } from './encrypt-pool.js';
import { encryptRfc8291Batch, type EncryptJobTuple } from './rfc8291-encrypt.js';

/**
 * The server encrypts with its own RFC 8291 code (`rfc8291-encrypt.ts`),
 * which draws its ephemeral key (`crypto.createECDH(...).generateKeys()`) and
 * salt (`crypto.randomBytes(16)` for a batch of one) itself and takes neither
 * as an argument. To reach the RFC's fixed values the test replaces those two
 * `node:crypto` calls for one encryption. Everything after them (the HKDF
 * steps, AES-GCM, padding and header) is the code the server runs in
 * `encryptInline`; the worker threads of `EncryptPool` run the same function.
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

  it('gives every push of one batch its own key pair and salt, and each decrypts for its own receiver only (RFC 8291 §3.1)', () => {
    const receivers = [RFC.receiverPrivate, undefined, undefined].map((key) => {
      const ecdh = crypto.createECDH('prime256v1');
      if (key) ecdh.setPrivateKey(Buffer.from(key, 'base64url'));
      else ecdh.generateKeys();
      return { ecdh, authSecret: crypto.randomBytes(16) };
    });
    const jobs = receivers.map((r): EncryptJobTuple => [r.ecdh.getPublicKey('base64url'), r.authSecret.toString('base64url'), 0]);
    const bodies = encryptRfc8291Batch(crypto, [RFC.plaintext], jobs) as Buffer[];
    expect(new Set(bodies.map((b) => b.subarray(0, 16).toString('hex'))).size).toBe(3);
    expect(new Set(bodies.map((b) => b.subarray(21, 86).toString('hex'))).size).toBe(3);
    bodies.forEach((body, i) => expect(decryptWebPush(body, receivers[i]!).toString()).toBe(RFC.plaintext));
    expect(() => decryptWebPush(bodies[0]!, receivers[1]!)).toThrow();
  });

  it('fails only the job whose keys are malformed, or whose plaintext makes a body over 4096 bytes, with the reason', () => {
    const good: EncryptJobTuple = [RFC.receiverPublic, RFC.authSecret, 0];
    const results = encryptRfc8291Batch(crypto, [RFC.plaintext, 'x'.repeat(3994)], [
      [RFC.receiverPublic.slice(0, 40), RFC.authSecret, 0],
      [RFC.receiverPublic, 'c2hvcnQ', 0],
      // 65 bytes starting 0x04, but not a point on the curve.
      [Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url'), RFC.authSecret, 0],
      [RFC.receiverPublic, RFC.authSecret, 1],
      good,
    ]);
    expect(results.slice(0, 4).map((r) => typeof r)).toEqual(['string', 'string', 'string', 'string']);
    expect(results[0]).toMatch(/p256dh/);
    expect(results[1]).toMatch(/auth/);
    expect(results[3]).toMatch(/body over 4096 bytes/);
    expect(Buffer.isBuffer(results[4])).toBe(true);
  });

  it('takes the largest plaintext RFC 8291 §4 allows, 3993 bytes, in a 4096-byte body', () => {
    const receiver = { ecdh: crypto.createECDH('prime256v1'), authSecret: crypto.randomBytes(16) };
    receiver.ecdh.generateKeys();
    const largest = 'é'.repeat(1996) + 'x';
    expect(Buffer.byteLength(largest)).toBe(3993);
    const [body] = encryptRfc8291Batch(crypto, [largest], [[receiver.ecdh.getPublicKey('base64url'), receiver.authSecret.toString('base64url'), 0]]);
    expect((body as Buffer).length).toBe(4096);
    expect(decryptWebPush(body as Buffer, receiver).toString()).toBe(largest);
  });
});
