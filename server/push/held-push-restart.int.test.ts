import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { summaryPushPayloadSchema } from '../../shared/push.schema.js';
import { api, until } from '../test-support/api.js';
import { LoopbackPushService } from '../test-support/push-service.js';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
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

/** A server process on SQLite in `dataDir` whose clock is the number in `clockFile`, pushing to the loopback service. */
async function start(dataDir: string, clockFile: string): Promise<ServerProcess> {
  const env = { DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY, CLOCK_FILE: clockFile, PUSH_ENDPOINT_ALLOWLIST: push.origin };
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
