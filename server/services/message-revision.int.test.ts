import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../store/sqlite/sqlite-store.js';
import { anyPushPayloadSchema } from '../../shared/push.schema.js';
import { api } from '../test-support/api.js';
import { startPushTestBed, type PushTestBed } from '../test-support/push-test-server.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo } from '../test-support/test-server.js';

let bed: PushTestBed;
beforeAll(async () => {
  bed = await startPushTestBed();
});
afterAll(() => bed.close());

const url = () => bed.server.url;

describe('retracting a sent message', () => {
  it('reaches a second device live, is in the log for sync, and pushes a retraction', async () => {
    const device = await bed.device('rev-1');
    const phone = await StreamClient.connect(bed.server.wsUrl, await bed.server.tokenFor('rev-1'));
    const laptop = await StreamClient.connect(bed.server.wsUrl, await bed.server.tokenFor('rev-1'));
    const sent = await api(url(), 'POST', '/messages', messageTo(['rev-1'], { title: 'Delivery Tuesday' }));
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 1);
    await laptop.waitForEvents(1);

    const res = await api(url(), 'POST', `/messages/${sent.body.id}/retract`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: sent.body.id, status: 'retracted', recipients: 1 });
    for (const client of [phone, laptop]) {
      await client.waitForEvents(2);
      expect(client.events[1]).toEqual({ seq: 2, kind: 'retracted', messageId: sent.body.id });
    }
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 2);
    const retraction = anyPushPayloadSchema.parse(JSON.parse(bed.push.receivedFor(device.json.endpoint)[1]!.plaintext));
    expect(retraction).toEqual({ v: 1, kind: 'retracted', messageId: sent.body.id });

    const synced = await api(url(), 'GET', '/me/sync', undefined, { credential: await bed.server.tokenFor('rev-1') });
    expect(synced.body.events.map((e: { kind: string }) => e.kind)).toEqual(['message', 'retracted']);
    expect((await api(url(), 'GET', `/messages/${sent.body.id}`)).body.status).toBe('retracted');
    // Retracting again changes nothing.
    expect((await api(url(), 'POST', `/messages/${sent.body.id}/retract`)).body.recipients).toBe(0);
    phone.close();
    laptop.close();
  });

  it('pushes the retraction of a message whose stored text is damaged (it needs the id alone)', async () => {
    const device = await bed.device('rev-dmg');
    const sent = await api(url(), 'POST', '/messages', messageTo(['rev-dmg'], { title: 'Torn' }));
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 1);
    const db = new Database(path.join(bed.server.dataDir, SQLITE_FILE_NAME));
    try {
      db.prepare('UPDATE messages SET message_json = ? WHERE id = ?').run(`{"id":"${sent.body.id}","title":"To`, sent.body.id);
    } finally {
      db.close();
    }
    expect((await api(url(), 'POST', `/messages/${sent.body.id}/retract`)).status).toBe(200);
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 2);
    const retraction = anyPushPayloadSchema.parse(JSON.parse(bed.push.receivedFor(device.json.endpoint)[1]!.plaintext));
    expect(retraction).toEqual({ v: 1, kind: 'retracted', messageId: sent.body.id });
  });

  it('is 409 not-sent for a scheduled message and 404 for an unknown one', async () => {
    const scheduled = await api(url(), 'POST', '/messages', messageTo(['rev-2'], { deliverAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const res = await api(url(), 'POST', `/messages/${scheduled.body.id}/retract`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not-sent');
    expect((await api(url(), 'POST', '/messages/nope/retract')).status).toBe(404);
    await api(url(), 'DELETE', `/messages/${scheduled.body.id}`);
  });
});

describe('correcting a sent message', () => {
  it('appends the corrected message with the same id, replacing it on every device', async () => {
    const device = await bed.device('rev-3');
    const laptop = await StreamClient.connect(bed.server.wsUrl, await bed.server.tokenFor('rev-3'));
    const sent = await api(url(), 'POST', '/messages', messageTo(['rev-3'], { title: 'Delivery Tuesday', collapseKey: 'order:7' }));
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 1);

    const beforeEdit = Date.now();
    const res = await api(url(), 'PATCH', `/messages/${sent.body.id}`, { title: 'Delivery Wednesday' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sent.body.id, title: 'Delivery Wednesday', collapseKey: 'order:7' });
    // editedAt is the moment of this correction: an ISO time within the request.
    expect(new Date(res.body.editedAt).toISOString()).toBe(res.body.editedAt);
    expect(Date.parse(res.body.editedAt)).toBeGreaterThanOrEqual(beforeEdit);
    expect(Date.parse(res.body.editedAt)).toBeLessThanOrEqual(Date.now());
    await laptop.waitForEvents(2);
    expect(laptop.events[1]).toMatchObject({ seq: 2, kind: 'message', message: { id: sent.body.id, title: 'Delivery Wednesday' } });
    // The tray entry is replaced: a new push of the corrected text under the same tag.
    await bed.push.waitFor(() => bed.push.receivedFor(device.json.endpoint).length === 2);
    const repushed = anyPushPayloadSchema.parse(JSON.parse(bed.push.receivedFor(device.json.endpoint)[1]!.plaintext));
    expect(repushed).toMatchObject({ kind: 'message', message: { id: sent.body.id, title: 'Delivery Wednesday' } });
    laptop.close();
  });

  it.each([
    ['an empty patch', {}],
    ['an unsafe url', { url: 'javascript:alert(1)' }],
    ['a field that cannot change', { to: { userIds: ['x'] } }],
    ['an empty title', { title: '  ' }],
  ])('refuses %s with 400 and changes nothing', async (_what, patch) => {
    const sent = await api(url(), 'POST', '/messages', messageTo(['rev-4'], { title: 'Original' }));
    const res = await api(url(), 'PATCH', `/messages/${sent.body.id}`, patch);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect((await api(url(), 'GET', `/messages/${sent.body.id}`)).body.title).toBe('Original');
  });
});
