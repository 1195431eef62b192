import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decryptWebPush } from '../test-support/rfc8291-decrypt.js';
import { batchSizeFor, EncryptPool, encryptInline } from './encrypt-pool.js';

function browserKeys() {
  const ecdh = crypto.createECDH('prime256v1');
  const p256dh = ecdh.generateKeys().toString('base64url');
  const auth = crypto.randomBytes(16).toString('base64url');
  return { ecdh, p256dh, auth };
}

function decrypt(cipherText: Buffer, keys: ReturnType<typeof browserKeys>): string {
  return decryptWebPush(cipherText, { ecdh: keys.ecdh, authSecret: Buffer.from(keys.auth, 'base64url') }).toString('utf8');
}

describe('EncryptPool', () => {
  let pool: EncryptPool | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await pool?.close();
  });

  it('encrypts each job for its own subscription, across threads and batches', async () => {
    pool = new EncryptPool(2);
    const subs = Array.from({ length: 40 }, browserKeys);
    // Two plaintexts interleaved: a batch sends each once, and each job must still get its own.
    const texts = subs.map((_, i) => (i % 2 === 0 ? `even ${'é'.repeat(100)}` : 'odd'));
    const cipherTexts = await Promise.all(subs.map((s, i) => pool!.encrypt({ p256dh: s.p256dh, auth: s.auth, plaintext: texts[i]! })));
    cipherTexts.forEach((cipherText, i) => expect(decrypt(cipherText, subs[i]!)).toBe(texts[i]));
  });

  it('hands a claim’s worth to a thread in pieces, so its first pushes need not wait for its last', async () => {
    pool = new EncryptPool(1);
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const subs = Array.from({ length: 32 }, browserKeys);
    const cipherTexts = await Promise.all(subs.map((s, i) => pool!.encrypt({ p256dh: s.p256dh, auth: s.auth, plaintext: `n${i}` })));
    expect(posted.mock.calls.map(([batch]) => (batch as { jobs: unknown[] }).jobs.length)).toEqual([8, 8, 8, 8]);
    cipherTexts.forEach((cipherText, i) => expect(decrypt(cipherText, subs[i]!)).toBe(`n${i}`));
  });

  it('sizes batches: pieces of at least 8 for a claim, at most 64 for a long queue', () => {
    expect(batchSizeFor(32, 1)).toBe(8);
    expect(batchSizeFor(3, 1)).toBe(8);
    expect(batchSizeFor(32, 2)).toBe(8);
    expect(batchSizeFor(128, 1)).toBe(32);
    expect(batchSizeFor(20_000, 1)).toBe(64);
    expect(batchSizeFor(20_000, 7)).toBe(64);
  });

  it('counts the time its threads had no batch to work on', async () => {
    pool = new EncryptPool(1);
    expect(pool.idleMs()).toBe(0);
    const keys = browserKeys();
    await pool.encrypt({ p256dh: keys.p256dh, auth: keys.auth, plaintext: 'first' });
    // The thread has been idle since before this point (its answer came in first)...
    const answered = performance.now();
    const before = pool.idleMs();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // ...until after this one (the next batch is posted later in the turn).
    const posted = performance.now();
    await pool.encrypt({ p256dh: keys.p256dh, auth: keys.auth, plaintext: 'second' });
    expect(pool.idleMs() - before).toBeGreaterThanOrEqual(posted - answered);
  });

  it('takes a Buffer plaintext as well as a string', async () => {
    pool = new EncryptPool(1);
    const keys = browserKeys();
    const cipherText = await pool.encrypt({ p256dh: keys.p256dh, auth: keys.auth, plaintext: Buffer.from('bytes') });
    expect(decrypt(cipherText, keys)).toBe('bytes');
  });

  it('fails only the job with a malformed key; the jobs around it in the batch get their own bodies', async () => {
    pool = new EncryptPool(1);
    const [first, last] = [browserKeys(), browserKeys()];
    const results = await Promise.allSettled([
      pool.encrypt({ p256dh: first.p256dh, auth: first.auth, plaintext: 'x' }),
      pool.encrypt({ p256dh: 'not-a-key', auth: first.auth, plaintext: 'lost' }),
      pool.encrypt({ p256dh: last.p256dh, auth: last.auth, plaintext: 'y'.repeat(300) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(decrypt((results[0] as PromiseFulfilledResult<Buffer>).value, first)).toBe('x');
    expect(decrypt((results[2] as PromiseFulfilledResult<Buffer>).value, last)).toBe('y'.repeat(300));
  });

  it('refuses work once closed', async () => {
    pool = new EncryptPool(1);
    const keys = browserKeys();
    await pool.encrypt({ p256dh: keys.p256dh, auth: keys.auth, plaintext: 'warm' });
    await pool.close();
    await expect(pool.encrypt({ p256dh: keys.p256dh, auth: keys.auth, plaintext: 'late' })).rejects.toThrow(/closed/);
  });

  it('matches the inline path', () => {
    const keys = browserKeys();
    expect(decrypt(encryptInline({ p256dh: keys.p256dh, auth: keys.auth, plaintext: 'inline' }), keys)).toBe('inline');
  });

  it('rejects a thread count below one', () => {
    expect(() => new EncryptPool(0)).toThrow(RangeError);
  });
});
