import { isDeepStrictEqual } from 'node:util';
import { pino } from 'pino';
import { syncResponseSchema } from '../../shared/event.schema.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { api } from '../test-support/api.js';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import type { FuzzIds } from './route-seeds.js';
import { listRoutes, type RouteInfo } from './route-table.js';

export type StoreKind = 'sqlite' | 'postgres';

/** Something the server said at error level (or threw where nobody caught it) while being fuzzed. */
export interface ServerFault {
  source: 'log' | 'unhandledRejection' | 'uncaughtException';
  message: string;
}

/**
 * The real server, in-process, with what the fuzzers need around it: known
 * credentials and ids, every error it logs, every unhandled rejection, and a
 * canary message stored before the fuzzing whose every byte is checked after.
 */
export interface FuzzTarget {
  kind: StoreKind;
  server: TestServer;
  routes: RouteInfo[];
  ids: FuzzIds;
  secrets: { merchantKey: string; shopperToken: string };
  /** Faults since the last call, emptied on every call. */
  takeFaults(): ServerFault[];
  /** Throws, naming what is wrong, unless the canary is intact, the fuzz shopper's log still parses and /healthz answers. */
  checkIntegrity(): Promise<void>;
  close(): Promise<void>;
}

const FUZZ_USER = 'fuzz-shopper';
/** Nobody but the integrity check ever uses this shopper's token or its message's id. */
const CANARY_USER = 'canary-shopper-5c1e';
const PUSH_ENDPOINT = 'http://127.0.0.1:9/push/fuzz';

export async function startFuzzTarget(kind: StoreKind): Promise<FuzzTarget> {
  const faults: ServerFault[] = [];
  const logger = pino(
    { level: 'error' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
        const err = entry.err ? `${entry.err.type ?? 'Error'}: ${entry.err.message ?? ''}` : '';
        faults.push({ source: 'log', message: `${entry.msg ?? ''}${err ? ` — ${err}` : ''}` });
      },
    },
  );
  const onRejection = (reason: unknown) => faults.push({ source: 'unhandledRejection', message: String((reason as Error)?.stack ?? reason) });
  const onException = (err: Error) => faults.push({ source: 'uncaughtException', message: String(err.stack ?? err) });
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);

  let schema: TestSchema | undefined;
  const store = kind === 'postgres' ? await (schema = await createTestSchema()).open() : undefined;
  const server = await startTestServer({
    ...(store ? { store } : {}),
    logger,
    // Short, so a silent client is closed (4408) within the fuzzer's patience.
    helloTimeoutMs: 300,
    // Subscriptions the fuzzer creates are accepted but point at a closed local port: nothing leaves the machine.
    push: { allowlist: EndpointAllowlist.parse('http://127.0.0.1:9'), retry: { maxAttempts: 1, baseMs: 10, maxDelayMs: 10 } },
  });

  const userMessage = await sent(server, messageTo([FUZZ_USER], { type: 'user', sender: { id: 'seller-1', name: 'Acme' }, collapseKey: 'order:1042' }));
  const scheduled = await sent(server, messageTo([FUZZ_USER], { deliverAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString() }));
  const canaryId = await sent(
    server,
    messageTo([CANARY_USER], { title: 'Canary ✓ 金丝雀', body: 'kept byte for byte', data: { orderId: '1042', lines: [{ sku: 'A-1', qty: 2 }] }, url: '/orders/1042' }),
  );
  const shopperToken = await server.tokenFor(FUZZ_USER);
  const canaryToken = await server.tokenFor(CANARY_USER);
  const snapshot = async () => ({
    sync: await api(server.url, 'GET', '/me/sync?after=0', undefined, { credential: canaryToken }),
    status: await api(server.url, 'GET', `/messages/${canaryId}`),
  });
  const before = await snapshot();
  if (before.sync.status !== 200 || before.sync.body.events.length !== 1 || before.status.status !== 200) {
    throw new Error(`canary not stored as expected: ${JSON.stringify(before)}`);
  }

  return {
    kind,
    server,
    routes: listRoutes(server.app.server),
    ids: { userId: FUZZ_USER, messageIds: [userMessage, scheduled], topic: 'promotions', pushEndpoint: PUSH_ENDPOINT },
    secrets: { merchantKey: TEST_MERCHANT_KEY, shopperToken },
    takeFaults: () => faults.splice(0),
    async checkIntegrity() {
      const health = await fetch(`${server.url}/healthz`);
      if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
      const after = await snapshot();
      if (!isDeepStrictEqual(after.sync.body, before.sync.body)) {
        throw new Error(`the canary's /me/sync changed:\nbefore ${JSON.stringify(before.sync.body)}\nafter  ${JSON.stringify(after.sync.body)}`);
      }
      if (after.status.status !== 200 || !isDeepStrictEqual(after.status.body, before.status.body)) {
        throw new Error(`GET /messages/:id of the canary changed:\nbefore ${JSON.stringify(before.status.body)}\nafter  ${after.status.status} ${JSON.stringify(after.status.body)}`);
      }
      await checkLogParses(server, shopperToken);
      // A fresh device of the fuzz shopper still connects and is told it is up to date.
      const device = await StreamClient.connect(server.wsUrl, shopperToken);
      device.close();
    },
    async close() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
      await server.close();
      await schema?.drop();
    },
  };
}

async function sent(server: TestServer, body: Record<string, unknown>): Promise<string> {
  const res = await server.send(body);
  if (res.status !== 202) throw new Error(`seeding a message answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/**
 * Everything the fuzzer got stored for its shopper must still be readable by
 * a client: every page of /me/sync parses with the shared schema. A stored
 * event no client can parse freezes an inbox (issue 9, point 1).
 */
async function checkLogParses(server: TestServer, token: string): Promise<void> {
  let after = '0';
  for (let page = 0; page < 1000; page++) {
    const res = await api(server.url, 'GET', `/me/sync?after=${after}&limit=500`, undefined, { credential: token });
    if (res.status !== 200) throw new Error(`/me/sync?after=${after} answered ${res.status}: ${JSON.stringify(res.body)}`);
    let parsed: ReturnType<typeof syncResponseSchema.safeParse>;
    try {
      parsed = syncResponseSchema.safeParse(res.body);
    } catch (err) {
      throw new Error(`the shared sync schema threw on a stored page after ${after}: ${String(err)}`);
    }
    if (!parsed.success) throw new Error(`a stored page after ${after} does not parse: ${parsed.error.message.slice(0, 1000)}`);
    if (!parsed.data.more) return;
    after = parsed.data.cursor;
  }
}
