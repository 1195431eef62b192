import { expect } from 'vitest';
import { pushPayloadSchema, type PushPayload } from '../../shared/push.schema.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { LoopbackPushService, type ReceivedPush, type SyntheticSubscription } from './push-service.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from './test-server.js';

export interface PushTestBed {
  server: TestServer;
  push: LoopbackPushService;
  /** Subscribes a new synthetic device for the shopper through the real route. */
  device(userId: string): Promise<SyntheticSubscription>;
  /** GET /api/v1/messages/:id as the merchant. */
  report(messageId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The app in-process, allowed to push to a loopback push service, with quick retries. */
export async function startPushTestBed(): Promise<PushTestBed> {
  const push = await LoopbackPushService.start();
  const server = await startTestServer({
    push: {
      allowlist: EndpointAllowlist.parse(`default,${push.origin}`),
      retry: { baseMs: 20, maxDelayMs: 200, maxAttempts: 6 },
      pollMs: 50,
      concurrency: 16,
    },
  });
  return {
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
    async report(messageId) {
      const res = await fetch(`${server.url}/api/v1/messages/${messageId}`, {
        headers: { authorization: `Bearer ${TEST_MERCHANT_KEY}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    },
    async close() {
      await server.close();
      await push.close();
    },
  };
}

/** Parses a received push with the shared schema, as the service worker will. */
export function payloadOf(push: ReceivedPush): PushPayload {
  return pushPayloadSchema.parse(JSON.parse(push.plaintext));
}
