import { afterAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../../test-support/services.js';
import { StreamClient } from '../../test-support/stream-client.js';
import { messageTo, startTestServer } from '../../test-support/test-server.js';

const available = requireService('PostgreSQL', await postgresAvailable());

/** The whole app in-process on the PostgreSQL store: the basic send → sync → stream loop. */
describe.skipIf(!available)('the app on PostgreSQL', () => {
  let schema: TestSchema | undefined;
  afterAll(async () => {
    await schema?.drop();
  });

  it('stores a sent message, serves it on /me/sync, and streams the next one live', async () => {
    schema = await createTestSchema();
    const server = await startTestServer({ store: await schema.open() });
    try {
      expect(server.store.kind).toBe('postgres');
      const token = await server.tokenFor('pg-shopper');
      expect((await server.send(messageTo(['pg-shopper'], { title: 'first' }))).status).toBe(202);

      const res = await fetch(`${server.url}/api/v1/me/sync?after=0`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const sync = (await res.json()) as { events: { seq: number; message?: { title: string } }[]; cursor: string; more: boolean };
      expect(sync.events.map((e) => [e.seq, e.message?.title])).toEqual([[1, 'first']]);
      expect(sync.cursor).toBe('1');

      const client = await StreamClient.connect(server.wsUrl, token, sync.cursor);
      expect((await server.send(messageTo(['pg-shopper'], { title: 'second' }))).status).toBe(202);
      await client.waitForEvents(1);
      expect(client.events.map((e) => e.seq)).toEqual([2]);
      expect(client.titles).toEqual(['second']);
      client.close();
    } finally {
      await server.close();
    }
  });
});
