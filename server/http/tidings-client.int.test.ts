import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTidingsClient,
  TidingsError,
  verifyWebhook,
  WebhookVerificationError,
  type SendInput,
  type TidingsClient,
  type WebhookEvent,
} from '../../shared/sdk/tidings-client.js';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { api, until } from '../test-support/api.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';
import { WebhookReceiver } from '../test-support/webhook-receiver.js';

/** The typed client (issue 10, part 4) against the real server in-process. */
let server: TestServer;
let tidings: TidingsClient;
let receiver: WebhookReceiver;
const order = (userIds: string[], extra: Partial<SendInput> = {}): SendInput => ({
  to: { userIds },
  category: 'order',
  title: 'Order #1042 shipped',
  ...extra,
});

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  server = await startTestServer({ webhooks: { allowlist: EndpointAllowlist.parse(receiver.origin), pollMs: 50 } });
  tidings = createTidingsClient({ baseUrl: server.url, key: TEST_MERCHANT_KEY });
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe('the typed client against the server', () => {
  it('mints a token with a name, sends, reads the status, lists, and the shopper sees it', async () => {
    const { token, userId, expiresAt } = await tidings.mintShopperToken({ userId: 'sdk-alice', name: 'Alice', ttlSeconds: 600 });
    expect(userId).toBe('sdk-alice');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect((await api(server.url, 'GET', '/me', undefined, { credential: token })).body).toEqual({ userId: 'sdk-alice', name: 'Alice' });

    const sent = await tidings.send(order(['sdk-alice'], { title: 'Order #1042 shipped' }));
    expect(sent).toMatchObject({ status: 'queued', recipients: 1 });
    const status = await tidings.status(sent.id);
    expect(status).toMatchObject({ id: sent.id, status: 'sent', title: 'Order #1042 shipped', recipients: 1 });
    const page = await tidings.list({ status: 'sent' });
    expect(page.messages.map((m) => m.id)).toContain(sent.id);
    const inbox = await until(
      () => api(server.url, 'GET', '/me/sync', undefined, { credential: token }),
      (res) => res.body.events.length === 1,
    );
    expect(inbox.body.events[0].message.id).toBe(sent.id);
  });

  it('sends once for one idempotency key, however often it is retried', async () => {
    const first = await tidings.send(order(['sdk-bob']), { idempotencyKey: 'sdk-order-7' });
    const again = await tidings.send(order(['sdk-bob']), { idempotencyKey: 'sdk-order-7' });
    expect(again.id).toBe(first.id);
    expect((await server.store.readEvents('sdk-bob', 0, 10)).length).toBe(1);
  });

  it('schedules, lists the schedule, and cancels; cancelling a sent message is a typed 409', async () => {
    const scheduled = await tidings.schedule({ ...order(['sdk-carol']), deliverAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(scheduled.status).toBe('scheduled');
    const waiting = await tidings.list({ status: 'scheduled' });
    expect(waiting.messages.find((m) => m.id === scheduled.id)).toMatchObject({ status: 'scheduled', dueAt: expect.any(String) });
    expect(await tidings.cancel(scheduled.id)).toEqual({ id: scheduled.id, status: 'cancelled' });
    expect((await tidings.status(scheduled.id)).status).toBe('cancelled');

    const sent = await tidings.send(order(['sdk-carol']));
    const error = await tidings.cancel(sent.id).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TidingsError);
    expect(error).toMatchObject({ status: 409, code: 'already-sent' });
  });

  it('retracts a sent message from the shopper’s log', async () => {
    const sent = await tidings.send(order(['sdk-dave']));
    expect(await tidings.retract(sent.id)).toEqual({ id: sent.id, status: 'retracted', recipients: 1 });
    const events = await server.store.readEvents('sdk-dave', 0, 10);
    expect(events.map((e) => e.kind)).toEqual(['message', 'retracted']);
  });

  it('answers a validation failure as a typed error with its issues, and a wrong key as 401', async () => {
    const error = await tidings.send({ to: { userIds: ['sdk-eve'] }, category: 'order', title: '' }).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400, code: 'validation-failed', issues: [{ path: 'title' }] });
    const stranger = createTidingsClient({ baseUrl: server.url, key: 'tdk_nobody' });
    await expect(stranger.status('x')).rejects.toMatchObject({ status: 401, code: 'invalid-credentials' });
  });

  it('registers a webhook whose deliveries its own verifyWebhook accepts, typed by the shared schema, and lists them', async () => {
    const created = await tidings.webhooks.create({ url: `${receiver.origin}/sdk-hook`, events: ['message.read'] });
    expect(created).toMatchObject({ url: `${receiver.origin}/sdk-hook`, events: ['message.read'], secret: expect.stringMatching(/^whsec_/) });
    expect((await tidings.webhooks.list()).webhooks).toEqual([
      { id: created.id, url: created.url, events: ['message.read'], createdAt: created.createdAt },
    ]);

    const sent = await tidings.send(order(['sdk-reader']));
    const readAt = new Date(Date.now() - 1000).toISOString();
    const token = await server.tokenFor('sdk-reader');
    const read = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: sent.id, state: { read: { value: true, at: readAt } } }] }, {
      credential: token,
    });
    expect(read.status).toBe(200);
    await receiver.waitFor(() => receiver.at('/sdk-hook').length === 1);

    // The server's signer and the SDK's verifier agree, on the secret the client was given once.
    const [delivery] = receiver.at('/sdk-hook');
    const event: WebhookEvent = await verifyWebhook(delivery!.body, delivery!.headers, created.secret);
    expect(event.type).toBe('message.read');
    if (event.type !== 'message.read') throw new Error('unreachable');
    // Narrowed by the shared union: `readAt` exists only on a read's data.
    expect(event.data).toEqual({ messageId: sent.id, userId: 'sdk-reader', readAt });
    // And it really checks: another endpoint's secret, or a changed body, is refused.
    const other = await tidings.webhooks.create({ url: `${receiver.origin}/sdk-other`, events: ['message.read'] });
    await expect(verifyWebhook(delivery!.body, delivery!.headers, other.secret)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifyWebhook(delivery!.body.replace('sdk-reader', 'sdk-mallory'), delivery!.headers, created.secret)).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );

    const { deliveries } = await until(
      () => tidings.webhooks.deliveries(created.id, { limit: 10 }),
      (page) => page.deliveries[0]?.status === 'delivered',
    );
    expect(deliveries).toEqual([
      expect.objectContaining({ eventId: delivery!.headers['webhook-id'], type: 'message.read', status: 'delivered', attempts: 1, responseStatus: 204 }),
    ]);
    await tidings.webhooks.delete(other.id);
    await tidings.webhooks.delete(created.id);
    expect((await tidings.webhooks.list()).webhooks).toEqual([]);
  });
});
