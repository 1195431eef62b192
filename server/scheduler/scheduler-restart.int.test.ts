import { afterEach, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { api, until } from '../test-support/api.js';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { messageTo, tempDir } from '../test-support/test-server.js';

const KEY = 'tdk_scheduler-restart-key-0123456789abcdef';
const running: ServerProcess[] = [];
afterEach(() => {
  for (const server of running.splice(0)) server.child.kill('SIGKILL');
});

async function start(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY });
  running.push(server);
  return server;
}

async function sync(server: ServerProcess, userId: string) {
  const { body } = await api(server.url, 'POST', '/shopper-tokens', { userId }, { credential: KEY });
  return (await api(server.url, 'GET', '/me/sync?limit=100', undefined, { credential: body.token })).body.events;
}

// Each test checks its own premise (the kill came before the due time) and fails when a slow moment broke it;
// a retry runs it again with a fresh data directory, while a real fault fails every attempt.
describe('the scheduler across SIGKILL', { retry: 2 }, () => {
  it('sends a message that fell due while the server was down once it is back, exactly once', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const due = Date.now() + 3_000;
    const scheduled = await api(first.url, 'POST', '/messages', messageTo(['restart-1', 'restart-2'], { deliverAt: new Date(due).toISOString() }), { credential: KEY });
    const cancelled = await api(first.url, 'POST', '/messages', messageTo(['restart-1'], { title: 'Never', deliverAt: new Date(due).toISOString() }), { credential: KEY });
    expect(scheduled.body.status).toBe('scheduled');
    expect((await api(first.url, 'DELETE', `/messages/${cancelled.body.id}`, undefined, { credential: KEY })).status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;
    // The claim is "fell due while the server was down": the process must be gone before the due time, or this proves nothing.
    expect(Date.now(), 'the kill landed after the due time; the test proves nothing this run').toBeLessThan(due);
    // Down through the due time.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 300));

    const second = await start(dataDir);
    const events = await until(() => sync(second, 'restart-1'), (e) => e.length >= 1);
    expect(messagesOf(events).map((m) => m.id)).toEqual([scheduled.body.id]);
    expect(messagesOf(await sync(second, 'restart-2')).map((m) => m.id)).toEqual([scheduled.body.id]);

    // Killed again after delivery and restarted: nothing goes out a second time.
    second.child.kill('SIGKILL');
    await second.exited;
    const third = await start(dataDir);
    // A marker due after the restart: once the third process's scheduler has sent it, it has been through every
    // due schedule at least once, so a second send of the first message would already be there.
    const marker = await api(third.url, 'POST', '/messages', messageTo(['restart-1'], { title: 'Marker', deliverAt: new Date(Date.now() + 300).toISOString() }), { credential: KEY });
    const final = await until(() => sync(third, 'restart-1'), (e) => messagesOf(e).some((m) => m.id === marker.body.id));
    expect(messagesOf(final).map((m) => m.id)).toEqual([scheduled.body.id, marker.body.id]);
    expect((await api(third.url, 'GET', `/messages/${scheduled.body.id}`, undefined, { credential: KEY })).body).toMatchObject({
      status: 'sent',
      recipients: 2,
    });
  });

  it('delivers a message scheduled for a time while it runs after a kill just before it was due', async () => {
    const dataDir = tempDir();
    const startedAt = Date.now();
    const first = await start(dataDir);
    // Far enough ahead for a kill and a restart as slow as this start was, with room to spare.
    const due = Date.now() + Math.max(4_000, 3 * (Date.now() - startedAt));
    const res = await api(first.url, 'POST', '/messages', messageTo(['restart-3'], { deliverAt: new Date(due).toISOString() }), { credential: KEY });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await start(dataDir);
    // Killed and back up before the due time, so the second process's own scheduler is what sends it.
    expect(Date.now(), 'restarted only after the due time; the test proves nothing this run').toBeLessThan(due);
    const events = await until(() => sync(second, 'restart-3'), (e) => e.length >= 1, 15_000);
    expect(messagesOf(events).map((m) => m.id)).toEqual([res.body.id]);
    expect(Date.now()).toBeGreaterThanOrEqual(due);
  });
});
