import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { summaryPushPayloadSchema } from '../../shared/push.schema.js';
import { api, until } from '../test-support/api.js';
import { LoopbackPushService } from '../test-support/push-service.js';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { SQLITE_FILE_NAME } from '../store/sqlite/sqlite-store.js';
import { messageTo, tempDir } from '../test-support/test-server.js';

const KEY = 'tdk_held-push-restart-key-0123456789abcdef';
const running: ServerProcess[] = [];
let push: LoopbackPushService;

beforeAll(async () => {
  push = await LoopbackPushService.start();
});
afterAll(() => push.close());
afterEach(() => {
  for (const server of running.splice(0)) server.child.kill('SIGKILL');
});

/** A server process on SQLite in `dataDir` whose clock is the number in `clockFile`, pushing to the loopback service (or those allowed). */
async function start(dataDir: string, clockFile: string, allowlist = push.origin): Promise<ServerProcess> {
  const env = { DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, CLOCK_FILE: clockFile, PUSH_ENDPOINT_ALLOWLIST: allowlist };
  const server = await startServerProcess(env, undefined, 'test-support/clock-server-child.ts');
  running.push(server);
  return server;
}

const report = async (server: ServerProcess, id: string) => (await api(server.url, 'GET', `/messages/${id}`, undefined, { credential: KEY })).body;

describe('a digest across SIGKILL', () => {
  it('sends the one summary after a restart inside the window, once', async () => {
    const dataDir = tempDir();
    const clockFile = path.join(dataDir, 'clock');
    const setClock = (ms: number) => fs.writeFileSync(clockFile, String(ms));
    const start0 = Date.parse('2026-01-05T12:00:00Z');
    setClock(start0);
    let server = await start(dataDir, clockFile);

    const { token } = (await api(server.url, 'POST', '/shopper-tokens', { userId: 'rs-shopper' }, { credential: KEY })).body as { token: string };
    const device = push.subscription('rs-shopper');
    expect((await api(server.url, 'POST', '/me/push-subscriptions', device.json, { credential: token })).status).toBe(201);
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      setClock(start0 + i * 1000);
      const digest = { key: 'price-drop', windowSeconds: 600, title: '{count} items dropped in price' };
      const sent = await api(server.url, 'POST', '/messages', messageTo(['rs-shopper'], { title: `Drop ${i}`, digest }), { credential: KEY });
      expect(sent.status).toBe(202);
      ids.push(sent.body.id as string);
    }
    for (const id of ids) await until(() => report(server, id), (r) => r.pushPending === 0 && r.pushSkipped === 1);
    expect((await report(server, ids[0]!)).digest).toMatchObject({ digested: 1 });

    // Killed inside the window, with the digest open in the store only.
    server.child.kill('SIGKILL');
    await server.exited;
    server = await start(dataDir, clockFile);
    expect(push.receivedFor(device.json.endpoint)).toHaveLength(0);

    setClock(start0 + 1000 + 600_000);
    await push.waitFor(() => push.receivedFor(device.json.endpoint).length === 1);
    const summary = summaryPushPayloadSchema.parse(JSON.parse(push.receivedFor(device.json.endpoint)[0]!.plaintext));
    expect(summary).toMatchObject({ reason: 'digest', count: 3, title: '3 items dropped in price', message: { id: ids[2] } });

    // A later message of the key opens a new window: its summary is the second push, none repeats the first.
    const after = await api(server.url, 'POST', '/messages', messageTo(['rs-shopper'], { title: 'Drop 4', digest: { key: 'price-drop', windowSeconds: 60 } }), { credential: KEY });
    await until(() => report(server, after.body.id as string), (r) => r.pushPending === 0);
    setClock(start0 + 1000 + 660_000);
    await push.waitFor(() => push.receivedFor(device.json.endpoint).length === 2);
    const second = summaryPushPayloadSchema.parse(JSON.parse(push.receivedFor(device.json.endpoint)[1]!.plaintext));
    expect(second).toMatchObject({ count: 1, message: { title: 'Drop 4' } });
  });
});

describe('a summary a push service asked to retry, across SIGKILL', () => {
  it('is queued durably with the release, after Retry-After, and sent after a restart to that device alone', async () => {
    // Two push services (Retry-After pauses a whole origin): device A's asks for a retry, B's takes the summary.
    const other = await LoopbackPushService.start();
    try {
      const dataDir = tempDir();
      const clockFile = path.join(dataDir, 'clock');
      const setClock = (ms: number) => fs.writeFileSync(clockFile, String(ms));
      const start0 = Date.parse('2026-01-05T12:00:00Z');
      setClock(start0);
      let server = await start(dataDir, clockFile, `${push.origin},${other.origin}`);
      const { token } = (await api(server.url, 'POST', '/shopper-tokens', { userId: 'rr-shopper' }, { credential: KEY })).body as { token: string };
      const [a, b] = [push.subscription('rr-a').json, other.subscription('rr-b').json];
      for (const device of [a, b]) expect((await api(server.url, 'POST', '/me/push-subscriptions', device, { credential: token })).status).toBe(201);
      const sent = await api(server.url, 'POST', '/messages', messageTo(['rr-shopper'], { title: 'Drop', digest: { key: 'drop', windowSeconds: 60 } }), { credential: KEY });
      const id = sent.body.id as string;
      await until(() => report(server, id), (r) => r.pushPending === 0 && r.pushSkipped === 2);

      push.respondWith(429, 1, { 'retry-after': '3' });
      const before = push.attempts.length;
      setClock(start0 + 60_000);
      await other.waitFor(() => other.receivedFor(b.endpoint).length === 1);
      await push.waitFor(() => push.attempts.length - before === 1);
      const asked = push.attempts[before]!;
      expect([asked.endpoint, asked.status]).toEqual([a.endpoint, 429]);
      // Released with the retry queued in the same commit: a push job for A alone, due after Retry-After.
      const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      const queued = () =>
        db.prepare('SELECT endpoint, due_at, summary_json FROM push_jobs WHERE summary_json IS NOT NULL').all() as { endpoint: string; due_at: number; summary_json: string }[];
      try {
        await until(async () => queued().length, (n) => n === 1);
        const [job] = queued();
        expect(job!.endpoint).toBe(a.endpoint);
        expect(job!.due_at).toBeGreaterThanOrEqual(asked.at + 3000);
        // What it summarises, not a count: it is decided again, with the preferences of the moment, when it goes.
        expect(JSON.parse(job!.summary_json)).toEqual({ reason: 'digest', title: null, messageIds: [id] });
      } finally {
        db.close();
      }

      server.child.kill('SIGKILL');
      await server.exited;
      const restartedAt = Date.now();
      server = await start(dataDir, clockFile, `${push.origin},${other.origin}`);
      await push.waitFor(() => push.receivedFor(a.endpoint).length === 1);
      const retried = push.attempts.slice(before + 1);
      expect(retried.map((attempt) => [attempt.endpoint, attempt.status])).toEqual([[a.endpoint, 201]]);
      expect(retried[0]!.at).toBeGreaterThanOrEqual(restartedAt);
      const summary = summaryPushPayloadSchema.parse(JSON.parse(push.receivedFor(a.endpoint)[0]!.plaintext));
      expect(summary).toMatchObject({ reason: 'digest', count: 1, message: { id } });
      expect(other.attempts.map((attempt) => attempt.status)).toEqual([201]);
    } finally {
      await other.close();
    }
  });
});

describe('a summary retry due in deferred quiet hours, across SIGKILL', () => {
  it('waits in the queue after a restart until they end, using up no attempt, then goes', async () => {
    const dataDir = tempDir();
    const clockFile = path.join(dataDir, 'clock');
    const setClock = (iso: string) => fs.writeFileSync(clockFile, String(Date.parse(iso)));
    setClock('2026-01-05T21:58:00Z');
    let server = await start(dataDir, clockFile);
    const { token } = (await api(server.url, 'POST', '/shopper-tokens', { userId: 'rq-shopper' }, { credential: KEY })).body as { token: string };
    const device = push.subscription('rq-shopper').json;
    expect((await api(server.url, 'POST', '/me/push-subscriptions', device, { credential: token })).status).toBe(201);
    const quietHours = { start: '22:00', end: '07:00', allowUrgent: true, deferred: true };
    const saved = await api(server.url, 'PUT', '/me/preferences', { preferences: { quietHours, timeZone: 'UTC' }, changedAt: '2026-01-01T00:00:00.000Z' }, { credential: token });
    expect(saved.status).toBe(200);
    const sent = await api(server.url, 'POST', '/messages', messageTo(['rq-shopper'], { title: 'Drop', digest: { key: 'drop', windowSeconds: 60 } }), { credential: KEY });
    const id = sent.body.id as string;
    await until(() => report(server, id), (r) => r.pushPending === 0 && r.pushSkipped === 1);

    // At 21:59 the summary goes, and its push service asks to come back later.
    push.respondWith(429, 1, { 'retry-after': '2' });
    const before = push.attempts.length;
    setClock('2026-01-05T21:59:00Z');
    await push.waitFor(() => push.attempts.length - before === 1);
    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    const attempts = () => (db.prepare('SELECT attempts FROM push_jobs WHERE endpoint = ?').get(device.endpoint) as { attempts: number } | undefined)?.attempts;
    try {
      await until(async () => attempts(), (n) => n === 1);
      server.child.kill('SIGKILL');
      await server.exited;

      // Back at 06:59:57, in the quiet hours: the retry waits for 07:00, and waiting is no attempt.
      setClock('2026-01-06T06:59:57Z');
      server = await start(dataDir, clockFile);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(push.receivedFor(device.endpoint)).toHaveLength(0);
      // (A claim counts one for the moment it holds the job.)
      await until(async () => attempts(), (n) => n === 1);
      setClock('2026-01-06T07:00:00Z');
      await push.waitFor(() => push.receivedFor(device.endpoint).length === 1);
    } finally {
      db.close();
    }
    const summary = summaryPushPayloadSchema.parse(JSON.parse(push.receivedFor(device.endpoint)[0]!.plaintext));
    expect(summary).toMatchObject({ reason: 'digest', count: 1, message: { id } });
    expect(push.attempts.slice(before).map((attempt) => attempt.status)).toEqual([429, 201]);
  });
});
