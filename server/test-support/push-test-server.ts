import { expect } from 'vitest';
import { pushPayloadSchema, summaryPushPayloadSchema, type PushPayload, type SummaryPushPayload } from '../../shared/push.schema.js';
import type { Preferences } from '../../shared/preferences.schema.js';
import type { AppDeps } from '../app.js';
import type { Store } from '../store/store.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { until } from './eventually.js';
import { LoopbackPushService, type PushServiceProtocol, type ReceivedPush, type SyntheticSubscription } from './push-service.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from './test-server.js';

export interface PushTestBed {
  server: TestServer;
  push: LoopbackPushService;
  /** Subscribes a new synthetic device for the shopper through the real route. */
  device(userId: string): Promise<SyntheticSubscription>;
  /** Sends a message to the shoppers as the merchant, expects 202 and returns its id. */
  send(userIds: string[], overrides?: Record<string, unknown>): Promise<string>;
  /** Saves the shopper's preferences through the real route (each save later than the one before), expecting 200. */
  savePreferences(userId: string, preferences: Partial<Preferences>): Promise<void>;
  /** GET /api/v1/messages/:id as the merchant. */
  report(messageId: string): Promise<Record<string, unknown>>;
  /** Waits until every push of the message is settled, then returns the merchant's report. */
  settled(messageId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface PushTestBedOptions {
  /** E.g. a simulated clock. */
  lifecycle?: AppDeps['lifecycle'];
  store?: Store;
  /** How the loopback push service is reached; over TLS the app trusts its certificate. */
  protocol?: PushServiceProtocol;
}

/** The app in-process, allowed to push to a loopback push service, with quick retries. */
export async function startPushTestBed({ lifecycle, store, protocol }: PushTestBedOptions = {}): Promise<PushTestBed> {
  const push = await LoopbackPushService.start(protocol);
  const server = await startTestServer({
    push: {
      allowlist: EndpointAllowlist.parse(`default,${push.origin}`),
      retry: { baseMs: 20, maxDelayMs: 200, maxAttempts: 6 },
      pollMs: 50,
      concurrency: 16,
      ...(push.ca ? { tls: { ca: push.ca } } : {}),
    },
    ...(lifecycle ? { lifecycle } : {}),
    ...(store ? { store } : {}),
  });
  let changes = 0;
  const bed: PushTestBed = {
    server,
    push,
    async device(userId) {
      const subscription = push.subscription();
      const res = await fetch(`${server.url}/api/v1/me/push-subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.tokenFor(userId)}` },
        body: JSON.stringify(subscription.json),
      });
      if (res.status !== 201) throw new Error(`subscribe answered ${res.status}: ${await res.text()}`);
      return subscription;
    },
    async send(userIds, overrides = {}) {
      const res = await server.send(messageTo(userIds, overrides));
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    },
    async savePreferences(userId, preferences) {
      const res = await fetch(`${server.url}/api/v1/me/preferences`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await server.tokenFor(userId)}` },
        body: JSON.stringify({ preferences, changedAt: new Date(Date.UTC(2026, 0, 1) + ++changes).toISOString() }),
      });
      expect(res.status).toBe(200);
    },
    async report(messageId) {
      const res = await fetch(`${server.url}/api/v1/messages/${messageId}`, {
        headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    },
    settled(messageId) {
      return until(() => bed.report(messageId), (report) => report.pushPending === 0, 10_000, 20);
    },
    async close() {
      await server.close();
      await push.close();
    },
  };
  return bed;
}

/** Parses a received summary push with the shared schema, as the service worker will. */
export function summaryOf(push: ReceivedPush): SummaryPushPayload {
  return summaryPushPayloadSchema.parse(JSON.parse(push.plaintext));
}

/** Parses a received push with the shared schema, as the service worker will. */
export function payloadOf(push: ReceivedPush): PushPayload {
  return pushPayloadSchema.parse(JSON.parse(push.plaintext));
}
