import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTidingsClient, TidingsError, type SendInput, type TidingsClient } from '../../shared/sdk/tidings-client.js';
import { api, until } from '../test-support/api.js';
import { startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';

/** The typed client (issue 10, part 4) against the real server in-process. */
let server: TestServer;
let tidings: TidingsClient;
const order = (userIds: string[], extra: Partial<SendInput> = {}): SendInput => ({
  to: { userIds },
  category: 'order',
  title: 'Order #1042 shipped',
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer();
  tidings = createTidingsClient({ baseUrl: server.url, key: TEST_MERCHANT_KEY });
});
afterAll(() => server.close());

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
});
