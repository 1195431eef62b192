import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { api } from '../test-support/api.js';
import { createTestSchema, type TestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../test-support/services.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import { verifyStandardWebhook, WebhookReceiver } from '../test-support/webhook-receiver.js';

const runs = requireService('Webhooks (PostgreSQL)', await postgresAvailable());

/**
 * Two app instances on one PostgreSQL schema, both running the webhook
 * worker: every event reaches the shop exactly once (claims are leased with
 * FOR UPDATE SKIP LOCKED), although both poll the same outbox at once.
 */
describe.skipIf(!runs)('webhooks across two instances on PostgreSQL', () => {
  let schema: TestSchema;
  let a: TestServer;
  let b: TestServer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    schema = await createTestSchema();
    receiver = await WebhookReceiver.start();
    // A slow shop: sends of the two instances overlap in time.
    receiver.delayMs = 20;
    const webhooks = { allowlist: EndpointAllowlist.parse(receiver.origin), pollMs: 20 };
    a = await startTestServer({ store: await schema.open(), webhooks });
    b = await startTestServer({ store: await schema.open(), webhooks });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await receiver?.close();
    await schema?.drop();
  });

  it('delivers each event once, although both instances drain the outbox', async () => {
    const created = await api(a.url, 'POST', '/webhooks', { url: `${receiver.origin}/pg`, events: ['message.read', 'message.replied'] });
    expect(created.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 80; i++) {
      const res = await (i % 2 ? a : b).send(messageTo(['pg-shopper'], { title: `m${i}`, type: 'user', sender: { id: 'agent', name: 'Dana' } }));
      ids.push(((await res.json()) as { id: string }).id);
    }
    const token = await a.tokenFor('pg-shopper');
    const at = new Date().toISOString();
    // Read on one instance, replies on the other: facts recorded by both.
    const read = await api(a.url, 'POST', '/me/state', { changes: ids.map((messageId) => ({ messageId, state: { read: { value: true, at } } })) }, {
      credential: token,
    });
    expect(read.body).toEqual({ applied: 80, ignored: 0 });
    for (const id of ids.slice(0, 20)) {
      expect((await api(b.url, 'POST', `/me/messages/${id}/replies`, { body: 'ok' }, { credential: token })).status).toBe(201);
    }
    await receiver.waitFor(() => receiver.at('/pg').length >= 100, 20_000);
    // Time for a double send to show up, were there one.
    await new Promise((r) => setTimeout(r, 500));
    const received = receiver.at('/pg');
    for (const r of received) verifyStandardWebhook(created.body.secret, r.headers, r.body);
    const webhookIds = received.map((r) => r.headers['webhook-id']);
    expect(new Set(webhookIds).size).toBe(100);
    expect(received).toHaveLength(100);
    const types = received.map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types.filter((t) => t === 'message.read')).toHaveLength(80);
    expect(types.filter((t) => t === 'message.replied')).toHaveLength(20);
    const deliveries = await api(b.url, 'GET', `/webhooks/${created.body.id}/deliveries?limit=200`);
    expect(deliveries.body.deliveries).toHaveLength(100);
    expect(deliveries.body.deliveries.every((d: { status: string; attempts: number }) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  }, 40_000);
});
