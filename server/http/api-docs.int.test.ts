import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.js';
import { api, until } from '../test-support/api.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

/** Facts docs/api.md states that no other test pins down (issue 9, part 6). */
describe('what docs/api.md promises', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends a message with a past deliverAt at once, as type "scheduled" (the type follows the field, not the clock)', async () => {
    const token = await server.tokenFor('past-1');
    const past = new Date(Date.now() - 3600_000).toISOString();
    const sent = await server.send(messageTo(['past-1'], { deliverAt: past }));
    expect(sent.status).toBe(202);
    const { id, status } = (await sent.json()) as { id: string; status: string };
    expect(status).toBe('queued');
    const inbox = await until(
      () => api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: token }),
      (res) => res.body.events.length === 1,
    );
    expect(inbox.body.events[0].message).toMatchObject({ id, type: 'scheduled', deliverAt: past });
    // An explicit type is kept.
    const system = await server.send(messageTo(['past-1'], { deliverAt: past, type: 'system' }));
    expect(system.status).toBe(202);
  });

  it('answers 403 wrong-credential-kind to any tdk_ credential on a shopper route, valid key or not', async () => {
    for (const credential of ['tdk_not-a-key-at-all', 'tdk_']) {
      const res = await api(server.url, 'GET', '/me/sync', undefined, { credential });
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'wrong-credential-kind' } } });
    }
  });

  describe('how many user ids fit in one request under the body limit', () => {
    const idOf = (length: number) => (i: number) => `u${String(i).padStart(length - 1, '0')}`;
    const minimal = (count: number, length: number) =>
      JSON.stringify(messageTo(Array.from({ length: count }, (_, i) => idOf(length)(i)), { title: 'x' }));

    it('is 499 ids of the maximum length, and the full 1,000 only with ids of at most 62 characters', () => {
      expect(minimal(499, LIMITS.idLength).length).toBeLessThanOrEqual(LIMITS.requestBodyBytes);
      expect(minimal(500, LIMITS.idLength).length).toBeGreaterThan(LIMITS.requestBodyBytes);
      expect(minimal(LIMITS.recipientsPerRequest, 62).length).toBeLessThanOrEqual(LIMITS.requestBodyBytes);
      expect(minimal(LIMITS.recipientsPerRequest, 63).length).toBeGreaterThan(LIMITS.requestBodyBytes);
    });

    it('accepts that many and answers 413 payload-too-large to one more', async () => {
      expect((await server.send(minimal(499, LIMITS.idLength))).status).toBe(202);
      expect((await server.send(minimal(LIMITS.recipientsPerRequest, 62))).status).toBe(202);
      const over = await server.send(minimal(500, LIMITS.idLength));
      expect(over.status).toBe(413);
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe('payload-too-large');
    });
  });
});
