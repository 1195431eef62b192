import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp, type App, type AppDeps } from '../app.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { createTestSchema, type TestSchema } from './postgres-schema.js';
import { removeTempDir, tempDir } from './temp-dirs.js';

export const TEST_MERCHANT_KEY = 'tdk_test-merchant-key-0123456789abcdef';

// Re-exported: tests have always taken tempDir from here.
export { tempDir };

export interface TestServer {
  app: App;
  store: Store;
  url: string;
  wsUrl: string;
  dataDir: string;
  /** A shopper token minted through the real HTTP route. */
  tokenFor(userId: string, ttlSeconds?: number): Promise<string>;
  /** POST /api/v1/messages with the test merchant key. */
  send(body: unknown, init?: { key?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

/** The whole app in-process on a temporary SQLite file (or the given store), listening on a free port. */
export async function startTestServer(
  options: Partial<AppDeps> & { dataDir?: string; port?: number } = {},
): Promise<TestServer> {
  // A data dir passed in belongs to the caller (a restart test reopens it); one made here goes with close().
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? tempDir();
  // A given store (e.g. PostgreSQL) is used as is and closed with the server.
  const store = options.store ?? SqliteStore.open(dataDir);
  const bus = new MemoryBus();
  const { dataDir: _dir, port: _port, ...deps } = options;
  const app = await createApp({
    store,
    bus,
    logger: pino({ level: 'silent' }),
    bootstrapMerchantKey: TEST_MERCHANT_KEY,
    ...deps,
  });
  await new Promise<void>((resolve) => app.server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const send: TestServer['send'] = (body, init = {}) =>
    fetch(`${url}/api/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${init.key ?? TEST_MERCHANT_KEY}`,
        ...init.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  return {
    app,
    store,
    url,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/stream`,
    dataDir,
    send,
    async tokenFor(userId, ttlSeconds) {
      const res = await fetch(`${url}/api/v1/shopper-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_MERCHANT_KEY}` },
        body: JSON.stringify({ userId, ...(ttlSeconds ? { ttlSeconds } : {}) }),
      });
      if (res.status !== 201) throw new Error(`token route answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    async close() {
      await app.close();
      await bus.close();
      await store.close();
      if (ownDataDir) removeTempDir(dataDir);
    },
  };
}

/** A valid message body to one or more shoppers, with overrides. */
/** The whole app on SQLite (a temporary file) or on a fresh PostgreSQL schema, which the caller drops after closing. */
export async function startTestServerOn(
  kind: 'sqlite' | 'postgres',
  options: Partial<AppDeps> = {},
): Promise<{ server: TestServer; schema?: TestSchema }> {
  if (kind === 'sqlite') return { server: await startTestServer(options) };
  const schema = await createTestSchema();
  return { server: await startTestServer({ ...options, store: await schema.open() }), schema };
}

export function messageTo(userIds: string[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { to: { userIds }, category: 'order', title: 'Order #1042 shipped', ...overrides };
}
