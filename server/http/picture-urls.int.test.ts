import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../store/sqlite/sqlite-store.js';
import { api } from '../test-support/api.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

/**
 * A message's pictures (`icon`, `image`) are fetched without a click, so they
 * must be https (or a same-origin path) wherever a message comes in; messages
 * stored with http pictures before that rule stay readable everywhere.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const HTTPS_ICON = 'https://cdn.example/i.png';
const HTTPS_IMAGE = 'https://cdn.example/p.jpg';

describe('http pictures', () => {
  it.each(['icon', 'image'])('are refused in a send (400 naming %s), and nothing is stored', async (field) => {
    const res = await server.send(messageTo(['pic-refused'], { [field]: 'http://cdn.example/x.png' }));
    const body = (await res.json()) as { error: { code: string; message: string; issues: { path: string; message: string }[] } };
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('validation-failed');
    expect(body.error.message).toContain(`${field}: must be an https URL`);
    expect(body.error.issues).toEqual([{ path: field, message: expect.stringContaining('not http') }]);
    expect(await server.store.readEvents('pic-refused', 0, 10)).toEqual([]);
  });

  it('are refused in a correction, which leaves the message as it was', async () => {
    const sent = await server.send(messageTo(['pic-patch'], { icon: HTTPS_ICON }));
    const { id } = (await sent.json()) as { id: string };
    const patched = await api(server.url, 'PATCH', `/messages/${id}`, { icon: 'http://cdn.example/i.png' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.issues).toEqual([{ path: 'icon', message: expect.stringContaining('https') }]);
    expect((await api(server.url, 'GET', `/messages/${id}`)).body.icon).toBe(HTTPS_ICON);
  });

  it('of a message stored before the rule stay readable: status, list, sync, stream, the shopper’s fetch, stats, a correction', async () => {
    const userId = 'pic-old';
    const sent = await server.send(messageTo([userId], { title: 'Old pictures', icon: HTTPS_ICON, image: HTTPS_IMAGE }));
    const { id } = (await sent.json()) as { id: string };
    // As an older version stored it: the same message with http pictures.
    const db = new Database(path.join(server.dataDir, SQLITE_FILE_NAME));
    db.prepare("UPDATE messages SET message_json = replace(message_json, 'https://', 'http://') WHERE id = ?").run(id);
    db.close();
    const old = { id, icon: 'http://cdn.example/i.png', image: 'http://cdn.example/p.jpg' };

    const status = await api(server.url, 'GET', `/messages/${id}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject(old);
    const list = await api(server.url, 'GET', '/messages?limit=50');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(id);

    const token = await server.tokenFor(userId);
    const sync = await api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: token });
    expect(sync.status).toBe(200);
    expect(sync.body.events).toEqual([{ seq: 1, kind: 'message', message: expect.objectContaining(old) }]);
    const stream = await StreamClient.connect(server.wsUrl, token);
    expect(stream.events).toEqual([{ seq: 1, kind: 'message', message: expect.objectContaining(old) }]);
    stream.close();
    const fetched = await api(server.url, 'GET', `/me/messages/${id}`, undefined, { credential: token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject(old);

    const today = new Date().toISOString().slice(0, 10);
    expect((await api(server.url, 'GET', `/stats/deliveries?from=${today}&to=${today}`)).status).toBe(200);
    // Correcting another field keeps the old pictures as they are.
    const corrected = await api(server.url, 'PATCH', `/messages/${id}`, { title: 'Old pictures, corrected' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ ...old, title: 'Old pictures, corrected' });
  });
});
