import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventSchema } from '../../shared/webhook.schema.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { api } from '../test-support/api.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';
import { WebhookReceiver } from '../test-support/webhook-receiver.js';

let server: TestServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  server = await startTestServer({
    // A poll far beyond the test's time: only a wake can make these deliveries happen.
    webhooks: { allowlist: EndpointAllowlist.parse(receiver.origin), pollMs: 600_000 },
  });
  // The worker's first step at start runs before any webhook exists; after it, only wakes.
  await new Promise((resolve) => setTimeout(resolve, 100));
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

const typesAt = (path: string) => receiver.at(path).map((r) => webhookEventSchema.parse(JSON.parse(r.body)).type);

describe('the webhook worker is woken by what records an event', () => {
  it('sends a live delivery, a read and a reply without waiting for its poll', async () => {
    const path = '/hooks/woken';
    const created = await api(server.url, 'POST', '/webhooks', {
      url: `${receiver.origin}${path}`,
      events: ['message.delivered', 'message.read', 'message.replied'],
    });
    expect(created.status).toBe(201);
    const token = await server.tokenFor('wake-shopper');
    const device = await StreamClient.connect(server.wsUrl, token);
    const sent = await server.send(
      messageTo(['wake-shopper'], { type: 'user', category: 'chat', sender: { id: 'seller-1', name: 'Acme' }, title: 'Which size?' }),
    );
    const { id } = (await sent.json()) as { id: string };
    await device.waitForEvents(1);
    // Live delivery is recorded at the delivery counter's flush (about a second), then wakes the worker.
    await receiver.waitFor(() => typesAt(path).includes('message.delivered'));

    const read = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }] }, { credential: token });
    expect(read.status).toBe(200);
    await receiver.waitFor(() => typesAt(path).includes('message.read'));

    const reply = await api(server.url, 'POST', `/me/messages/${id}/replies`, { body: 'M please' }, { credential: token });
    expect(reply.status).toBe(201);
    await receiver.waitFor(() => typesAt(path).includes('message.replied'));
    expect(typesAt(path).sort()).toEqual(['message.delivered', 'message.read', 'message.replied']);
    device.close();
  });
});
