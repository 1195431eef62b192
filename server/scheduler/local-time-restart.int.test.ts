import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { api, until } from '../test-support/api.js';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { messageTo, tempDir } from '../test-support/test-server.js';

const KEY = 'tdk_local-time-restart-key-0123456789abcdef';
const running: ServerProcess[] = [];
afterEach(() => {
  for (const server of running.splice(0)) server.child.kill('SIGKILL');
});

/** A server process whose clock is the number in `clockFile`, on SQLite in `dataDir`. */
async function start(dataDir: string, clockFile: string): Promise<ServerProcess> {
  const server = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, CLOCK_FILE: clockFile }, undefined, 'test-support/clock-server-child.ts');
  running.push(server);
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

async function token(server: ServerProcess, userId: string): Promise<string> {
  return (await api(server.url, 'POST', '/shopper-tokens', { userId }, { credential: KEY })).body.token;
}

async function inbox(server: ServerProcess, userId: string): Promise<string[]> {
  const { body } = await api(server.url, 'GET', '/me/sync?limit=100', undefined, { credential: await token(server, userId) });
  return messagesOf(body.events).map((m) => m.id);
}

describe('local-time delivery across SIGKILL', () => {
  it('gives each shopper the message exactly once when the process is killed between and during zones', async () => {
    const dataDir = tempDir();
    const clockFile = path.join(dataDir, 'clock');
    const setClock = (iso: string) => fs.writeFileSync(clockFile, String(Date.parse(iso)));
    setClock('2026-03-07T12:00:00Z');
    let server = await start(dataDir, clockFile);

    const zones = { 'sh-1': 'Asia/Shanghai', 'sh-2': 'Asia/Shanghai', 'be-1': 'Europe/Berlin', 'la-1': 'America/Los_Angeles' };
    for (const [userId, timeZone] of Object.entries(zones)) {
      const saved = await api(server.url, 'PUT', '/me/preferences', { preferences: { timeZone }, changedAt: new Date().toISOString() }, {
        credential: await token(server, userId),
      });
      expect(saved.status).toBe(200);
    }
    // 09:00 on the day Los Angeles moves to summer time: 01:00 UTC in Shanghai, 08:00 in Berlin, 16:00 (PDT) in Los Angeles.
    const sent = await api(server.url, 'POST', '/messages', messageTo(Object.keys(zones), { deliverAtLocal: '2026-03-08T09:00' }), { credential: KEY });
    expect(sent.status).toBe(202);
    const id = sent.body.id as string;

    setClock('2026-03-08T01:00:00Z');
    await until(async () => [await inbox(server, 'sh-1'), await inbox(server, 'sh-2')], (lists) => lists.every((ids) => ids.length > 0));
    // Killed after Shanghai, before Berlin.
    await kill(server);
    server = await start(dataDir, clockFile);
    expect(await inbox(server, 'be-1')).toEqual([]);

    // Berlin falls due and the process is killed at once: before, during or after that zone's transaction.
    setClock('2026-03-08T08:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 60)));
    await kill(server);
    server = await start(dataDir, clockFile);
    await until(() => inbox(server, 'be-1'), (ids) => ids.length > 0);
    expect(await inbox(server, 'la-1')).toEqual([]);

    setClock('2026-03-08T16:00:00Z');
    await until(() => inbox(server, 'la-1'), (ids) => ids.length > 0);
    for (const userId of Object.keys(zones)) expect(await inbox(server, userId), userId).toEqual([id]);
    const status = await api(server.url, 'GET', `/messages/${id}`, undefined, { credential: KEY });
    expect(status.body).toMatchObject({ status: 'sent', recipients: 4, localTime: { scheduled: 0, sent: 4, late: 0 } });
  });
});
