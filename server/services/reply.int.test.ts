import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { api } from '../test-support/api.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const seller = { type: 'user', category: 'chat', sender: { id: 'seller-9', name: 'Acme support' }, collapseKey: 'question:55' };

describe('shopper replies to user messages', () => {
  it('threads the reply in the shopper log on every device and lets the merchant read it', async () => {
    const token = await server.tokenFor('rep-1');
    const other = await StreamClient.connect(server.wsUrl, token);
    const question = await api(server.url, 'POST', '/messages', messageTo(['rep-1'], { ...seller, title: 'Which size?' }));
    const res = await api(server.url, 'POST', `/me/messages/${question.body.id}/replies`, { body: 'Size M please' }, { credential: token });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'user',
      body: 'Size M please',
      collapseKey: 'question:55',
      inReplyTo: question.body.id,
      sender: { id: 'rep-1', name: 'You' },
    });
    await other.waitForEvents(2);
    expect(messagesOf(other.events).map((m) => m.id)).toEqual([question.body.id, res.body.id]);

    const listed = await api(server.url, 'GET', `/messages/${question.body.id}/replies`);
    expect(listed.status).toBe(200);
    expect(listed.body.replies).toEqual([{ userId: 'rep-1', message: res.body }]);
    other.close();
  });

  it('cuts a long title to the limit without splitting an emoji in two', async () => {
    const token = await server.tokenFor('rep-emoji');
    // "Re: " + 195 characters puts the emoji's two UTF-16 units at the 200th and 201st place.
    const title = `${'a'.repeat(195)}🙂`;
    const question = await api(server.url, 'POST', '/messages', messageTo(['rep-emoji'], { ...seller, title }));
    const res = await api(server.url, 'POST', `/me/messages/${question.body.id}/replies`, { body: 'Thanks' }, { credential: token });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe(`Re: ${'a'.repeat(195)}`);
  });

  it('answers 404 for a message the shopper did not receive, or one that is not a user message', async () => {
    const question = await api(server.url, 'POST', '/messages', messageTo(['rep-2'], { ...seller, title: 'Hi' }));
    const system = await api(server.url, 'POST', '/messages', messageTo(['rep-3']));
    const stranger = await server.tokenFor('rep-3');
    expect((await api(server.url, 'POST', `/me/messages/${question.body.id}/replies`, { body: 'x' }, { credential: stranger })).status).toBe(404);
    expect((await api(server.url, 'POST', `/me/messages/${system.body.id}/replies`, { body: 'x' }, { credential: stranger })).status).toBe(404);
    expect(await server.store.readEvents('rep-3', 0, 10)).toHaveLength(1);
  });

  it.each([['an empty body', { body: '   ' }], ['a body too long', { body: 'x'.repeat(2001) }], ['extra fields', { body: 'ok', to: 'x' }]])(
    'refuses %s with 400 and stores nothing',
    async (_what, body) => {
      const token = await server.tokenFor('rep-4');
      const question = await api(server.url, 'POST', '/messages', messageTo(['rep-4'], { ...seller, title: 'Hi' }));
      const res = await api(server.url, 'POST', `/me/messages/${question.body.id}/replies`, body, { credential: token });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation-failed');
      expect((await api(server.url, 'GET', `/messages/${question.body.id}/replies`)).body.replies).toEqual([]);
    },
  );

  it('keeps a merchant key off the shopper route and a shopper token off the merchant route', async () => {
    const question = await api(server.url, 'POST', '/messages', messageTo(['rep-5'], { ...seller, title: 'Hi' }));
    expect((await api(server.url, 'POST', `/me/messages/${question.body.id}/replies`, { body: 'x' })).status).toBe(403);
    const token = await server.tokenFor('rep-5');
    expect((await api(server.url, 'GET', `/messages/${question.body.id}/replies`, undefined, { credential: token })).status).toBe(403);
  });
});
