import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageStatusResponseSchema } from '../../shared/message.schema.js';
import { api, until } from '../test-support/api.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('GET /api/v1/messages/:id status counts', () => {
  it('counts recipients, live deliveries and reads', async () => {
    const live = await StreamClient.connect(server.wsUrl, await server.tokenFor('st-1'));
    const sent = await api(server.url, 'POST', '/messages', messageTo(['st-1', 'st-2', 'st-3']));
    await live.waitForEvents(1);
    const reader = await server.tokenFor('st-2');
    const read = await api(
      server.url,
      'POST',
      '/me/state',
      { changes: [{ messageId: sent.body.id, state: { read: { value: true, at: new Date().toISOString() } } }] },
      { credential: reader },
    );
    expect(read.status).toBe(200);
    const status = await until(
      () => api(server.url, 'GET', `/messages/${sent.body.id}`),
      (res) => res.body.deliveredLive === 1,
    );
    expect(messageStatusResponseSchema.parse(status.body)).toMatchObject({
      id: sent.body.id,
      status: 'sent',
      to: { userIds: ['st-1', 'st-2', 'st-3'] },
      recipients: 3,
      deliveredLive: 1,
      read: 1,
      pushTargets: 0,
      pushed: 0,
      pushFailed: 0,
    });
    live.close();
  });
});
