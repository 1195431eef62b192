import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../store/sqlite/sqlite-store.js';
import { api } from '../test-support/api.js';
import { capturingLogger } from '../test-support/capturing-logger.js';
import type { TestSchema } from '../test-support/postgres-schema.js';
import { testStores } from '../test-support/services.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServerOn, type TestServer } from '../test-support/test-server.js';

/**
 * A stored message whose text is damaged (truncated, edited by hand, a disk
 * fault) must not freeze a shopper's inbox: a replay used to splice the text
 * into the frame as it was (a frame no client can parse, sent again on every
 * reconnect), and /me/sync answered 500 for every page that held it. Now the
 * event keeps its seq as `unavailable`, everything around it arrives, and the
 * operator is told once, by message id.
 */
const stores = await testStores();

describe.each(stores)('a damaged message row on $kind', ({ kind, available }) => {
  let schema: TestSchema | undefined;
  let server: TestServer;
  const { logger, lines: errors } = capturingLogger('error');

  beforeAll(async () => {
    if (!available) return;
    ({ server, schema } = await startTestServerOn(kind, { logger }));
  });

  afterAll(async () => {
    if (!available) return;
    await server.close();
    await schema?.drop();
  });

  /** Writes the text straight into the database, as a hand edit or a disk fault would, not through the store. */
  async function damage(messageId: string, text: string): Promise<void> {
    if (schema) {
      await schema.query('UPDATE messages SET message_json = $1 WHERE id = $2', [text, messageId]);
      return;
    }
    const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME));
    try {
      db.prepare('UPDATE messages SET message_json = ? WHERE id = ?').run(text, messageId);
    } finally {
      db.close();
    }
  }

  async function send(userIds: string[], title: string): Promise<string> {
    const res = await server.send(messageTo(userIds, { title }));
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  it.skipIf(!available)('resumes the stream and /me/sync past it, loses nothing else, and logs it once', async () => {
    const shoppers = [`${kind}-dmg-1`, `${kind}-dmg-2`];
    await send(shoppers, 'before');
    const torn = await send(shoppers, 'torn');
    await send(shoppers, 'after');
    const stored = (await server.store.getMessage(torn))!;
    // Truncated mid-value: not JSON, and still starting like a message.
    await damage(torn, JSON.stringify(stored.message).slice(0, 40));

    const token = await server.tokenFor(shoppers[0]!);
    const stream = await StreamClient.connect(server.wsUrl, token);
    expect(stream.events.map((event) => [event.seq, event.kind])).toEqual([
      [1, 'message'],
      [2, 'unavailable'],
      [3, 'message'],
    ]);
    expect(stream.events[1]).toEqual({ seq: 2, kind: 'unavailable', eventKind: 'message', messageId: torn });
    expect(stream.frames.at(-1)).toEqual({ type: 'synced', cursor: '3' });
    // Live events still come, on the same stream.
    await send(shoppers, 'live');
    await stream.waitForEvents(4);
    expect(stream.titles).toEqual(['before', 'after', 'live']);
    stream.close();

    // Resuming right before it: the same event again, and what follows.
    const resumed = await StreamClient.connect(server.wsUrl, token, '1');
    expect(resumed.events.map((event) => [event.seq, event.kind])).toEqual([
      [2, 'unavailable'],
      [3, 'message'],
      [4, 'message'],
    ]);
    resumed.close();

    const other = await api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: await server.tokenFor(shoppers[1]!) });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ cursor: '4', more: false });
    expect((other.body.events as { seq: number; kind: string }[]).map((event) => [event.seq, event.kind])).toEqual([
      [1, 'message'],
      [2, 'unavailable'],
      [3, 'message'],
      [4, 'message'],
    ]);

    // Read by two shoppers, three times over: one error, naming the message.
    expect(errors.filter((line) => line.messageId === torn)).toEqual([
      expect.objectContaining({ msg: expect.stringContaining(`message ${torn}`) }),
    ]);
  });

  it.skipIf(!available)('can still be retracted: the merchant takes it back without the text, and its shoppers are told', async () => {
    const userId = `${kind}-dmg-4`;
    const torn = await send([userId], 'torn');
    await damage(torn, '{"id":"' + torn + '","title":"To');
    const retracted = await api(server.url, 'POST', `/messages/${torn}/retract`);
    expect(retracted.status).toBe(200);
    expect(retracted.body).toEqual({ id: torn, status: 'retracted', recipients: 1 });
    const sync = await api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: await server.tokenFor(userId) });
    expect(sync.body.events).toEqual([
      { seq: 1, kind: 'unavailable', eventKind: 'message', messageId: torn },
      { seq: 2, kind: 'retracted', messageId: torn },
    ]);
  });

  it.skipIf(!available)('keeps the merchant\'s message list readable: the damaged one is listed untitled, with its figures', async () => {
    const userId = `${kind}-dmg-5`;
    const before = await send([userId], 'listed before');
    const torn = await send([userId], 'listed torn');
    await damage(torn, '{"id":"' + torn + '","title":"li');
    for (const query of ['', '?order=newest', '?order=newest&limit=1', '?status=sent']) {
      const list = await api(server.url, 'GET', `/messages${query}`);
      expect(list.status, query).toBe(200);
    }
    const newest = await api(server.url, 'GET', '/messages?order=newest&limit=1');
    expect(newest.body.messages).toMatchObject([{ id: torn, title: '', category: 'order', status: 'sent', recipients: 1 }]);
    // Its cursor leads on, as for any other.
    const next = await api(server.url, 'GET', `/messages?order=newest&limit=1&after=${newest.body.next}`);
    expect(next.body.messages).toMatchObject([{ id: before, title: 'listed before' }]);

    // The schedule view too.
    const later = await server.send(messageTo([userId], { title: 'listed later', deliverAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const laterId = ((await later.json()) as { id: string }).id;
    await damage(laterId, '{"id":"' + laterId + '","ti');
    const scheduled = await api(server.url, 'GET', '/messages?status=scheduled&order=id');
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.messages).toMatchObject([{ id: laterId, title: '' }]);
    await api(server.url, 'DELETE', `/messages/${laterId}`);
  });

  it.skipIf(!available)('reads a message whose text is valid JSON but not that message as unavailable too', async () => {
    const userId = `${kind}-dmg-3`;
    const swapped = await send([userId], 'swapped');
    await damage(swapped, '{"id":"someone-else","title":"x"}');
    const sync = await api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: await server.tokenFor(userId) });
    expect(sync.body.events).toEqual([{ seq: 1, kind: 'unavailable', eventKind: 'message', messageId: swapped }]);
    const stream = await StreamClient.connect(server.wsUrl, await server.tokenFor(userId));
    expect(stream.events).toEqual([{ seq: 1, kind: 'unavailable', eventKind: 'message', messageId: swapped }]);
    stream.close();
  });
});
