import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messagesOf, syncResponseSchema } from '../shared/event.schema.js';
import { STREAM_CLOSE } from '../shared/stream.schema.js';
import { PACKAGE_ROOT } from './config.js';
import { eventuallyHolds } from './test-support/eventually.js';
import { startServerProcess, type ServerProcess } from './test-support/server-process.js';
import { StreamClient } from './test-support/stream-client.js';
import { messageTo, tempDir } from './test-support/test-server.js';

const KEY = 'tdk_process-test-key-0123456789abcdef';
const running: ServerProcess[] = [];

afterEach(() => {
  for (const server of running.splice(0)) server.child.kill('SIGKILL');
});

async function start(dataDir: string, port?: number) {
  const server = await startServerProcess({ DATA_DIR: dataDir, BOOTSTRAP_MERCHANT_KEY: KEY }, port);
  running.push(server);
  return server;
}

async function send(server: ServerProcess, userId: string, title: string) {
  const res = await fetch(`${server.url}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(messageTo([userId], { title })),
  });
  expect(res.status).toBe(202);
}

async function token(server: ServerProcess, userId: string) {
  const res = await fetch(`${server.url}/api/v1/shopper-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ userId }),
  });
  return ((await res.json()) as { token: string }).token;
}

async function syncTitles(server: ServerProcess, shopperToken: string) {
  const res = await fetch(`${server.url}/api/v1/me/sync?limit=500`, { headers: { authorization: `Bearer ${shopperToken}` } });
  return messagesOf(syncResponseSchema.parse(await res.json()).events).map((m) => m.title);
}

describe('the server process', () => {
  it('keeps every message it answered 202 for across SIGKILL, and tokens stay valid', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const shopperToken = await token(first, 'p-kill');
    const titles = Array.from({ length: 20 }, (_, i) => `k${i}`);
    for (const title of titles) await send(first, 'p-kill', title);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start(dataDir);
    expect(await syncTitles(second, shopperToken)).toEqual(titles);
  });

  it('loses nothing it acknowledged when killed in the middle of concurrent sends', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const shopperToken = await token(first, 'p-midflight');
    const acknowledged: string[] = [];
    let killed = false;
    const sender = async (lane: number) => {
      for (let i = 0; !killed; i++) {
        const title = `lane${lane}-${i}`;
        try {
          const res = await fetch(`${first.url}/api/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
            body: JSON.stringify(messageTo(['p-midflight'], { title })),
          });
          if (res.status === 202) acknowledged.push(title);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const lanes = [0, 1, 2, 3, 4, 5, 6, 7].map(sender);
    await eventuallyHolds(() => acknowledged.length >= 40, '40 acknowledged messages', 30_000);
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(lanes);
    await first.exited;

    const second = await start(dataDir);
    const stored = await syncTitles(second, shopperToken);
    // Every acknowledged message is there, none twice; a request cut off
    // before its 202 may or may not have committed, which the sender cannot tell.
    expect(new Set(stored).size).toBe(stored.length);
    for (const title of acknowledged) expect(stored).toContain(title);
  });

  it('on SIGTERM closes streams with 1001; the client resumes after restart with nothing missed or twice', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const shopperToken = await token(first, 'p-term');
    const client = await StreamClient.connect(first.wsUrl, shopperToken);
    await send(first, 'p-term', 'one');
    await client.waitForEvents(1);
    first.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(STREAM_CLOSE.goingAway);
    expect(await first.exited).toBe(0);

    const second = await start(dataDir, Number(new URL(first.url).port));
    await send(second, 'p-term', 'two');
    const resumed = await StreamClient.connect(second.wsUrl, shopperToken, String(client.events.at(-1)!.seq));
    await send(second, 'p-term', 'three');
    await resumed.waitForEvents(2);
    expect([...client.titles, ...resumed.titles]).toEqual(['one', 'two', 'three']);
    resumed.close();
  });

  it('listens with the backlog LISTEN_BACKLOG asks for, room for a reconnect storm', async () => {
    const server = await startServerProcess({ DATA_DIR: tempDir(), LISTEN_BACKLOG: '1234' });
    running.push(server);
    const port = new URL(server.url).port;
    // For a listening socket, ss's Send-Q column is the backlog it was given.
    const listening = spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    expect(listening.status).toBe(0);
    expect(listening.stdout.trim().split(/\s+/).slice(0, 3)).toEqual(['LISTEN', '0', '1234']);
  });

  it('refuses to start on bad configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'server', 'main.ts')], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, PORT: 'eighty', DATA_DIR: tempDir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PORT');
  });

  it('refuses to start with a BOOTSTRAP_MERCHANT_KEY outside the documented format, naming it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'server', 'main.ts')], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, BOOTSTRAP_MERCHANT_KEY: 'not-a-tidings-key-0123456789', DATA_DIR: tempDir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/BOOTSTRAP_MERCHANT_KEY: must start with `tdk_`/);
  });

  it('refuses demo mode in production', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'server', 'main.ts'), '--demo'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, NODE_ENV: 'production', DATA_DIR: tempDir() },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/demo mode .* refused/);
  });

  it('creates a merchant key from the CLI that the server then accepts', async () => {
    const dataDir = tempDir();
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(PACKAGE_ROOT, 'server', 'cli.ts'), 'create-merchant-key', '--name', 'acme'],
      { cwd: PACKAGE_ROOT, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 20_000 },
    );
    expect(cli.status).toBe(0);
    const key = cli.stdout.trim();
    expect(key).toMatch(/^tdk_[A-Za-z0-9_-]{40,}$/);
    const server = await start(dataDir);
    const res = await fetch(`${server.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(messageTo(['p-cli'])),
    });
    expect(res.status).toBe(202);
  });
});
