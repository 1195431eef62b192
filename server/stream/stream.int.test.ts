import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STREAM_CLOSE } from '../../shared/stream.schema.js';
import { ShopperTokens } from '../auth/shopper-tokens.js';
import { StreamClient } from '../test-support/stream-client.js';
import { messageTo, startTestServer, TEST_MERCHANT_KEY, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ helloTimeoutMs: 300, heartbeatMs: 1000 });
});
afterAll(() => server.close());

async function sendTitles(userIds: string[], titles: string[]) {
  for (const title of titles) expect((await server.send(messageTo(userIds, { title }))).status).toBe(202);
}

describe('/api/v1/stream', () => {
  it('replays the log, says synced, then streams live events', async () => {
    await sendTitles(['w-live'], ['before-1', 'before-2']);
    const client = await StreamClient.connect(server.wsUrl, await server.tokenFor('w-live'));
    expect(client.frames[0]).toMatchObject({ type: 'welcome', userId: 'w-live', protocol: 1 });
    expect(client.frames.at(-1)).toEqual({ type: 'synced', cursor: '2' });
    await sendTitles(['w-live'], ['live-1']);
    await client.waitForEvents(3);
    expect(client.titles).toEqual(['before-1', 'before-2', 'live-1']);
    expect(client.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    client.close();
  });

  it('resumes after a disconnect from the cursor: nothing missed, nothing twice', async () => {
    const token = await server.tokenFor('w-resume');
    const first = await StreamClient.connect(server.wsUrl, token);
    await sendTitles(['w-resume'], ['a', 'b']);
    await first.waitForEvents(2);
    const cursor = String(first.events.at(-1)!.seq);
    first.close();
    await first.closed;
    await sendTitles(['w-resume'], ['c', 'd']);
    const second = await StreamClient.connect(server.wsUrl, token, cursor);
    await sendTitles(['w-resume'], ['e']);
    await second.waitForEvents(3);
    expect(second.titles).toEqual(['c', 'd', 'e']);
    second.close();
  });

  it('keeps order and completeness when messages arrive during the replay', async () => {
    await sendTitles(['w-race'], Array.from({ length: 50 }, (_, i) => `old-${i}`));
    const client = await StreamClient.open(server.wsUrl);
    client.hello(await server.tokenFor('w-race'));
    await sendTitles(['w-race'], Array.from({ length: 50 }, (_, i) => `new-${i}`));
    await client.waitForEvents(100);
    expect(client.events.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    client.close();
  });

  it('serves two devices of one shopper the same events', async () => {
    const token = await server.tokenFor('w-two');
    const phone = await StreamClient.connect(server.wsUrl, token);
    const laptop = await StreamClient.connect(server.wsUrl, token);
    await sendTitles(['w-two'], ['x', 'y']);
    await phone.waitForEvents(2);
    await laptop.waitForEvents(2);
    expect(phone.titles).toEqual(laptop.titles);
    phone.close();
    laptop.close();
  });

  it('streams a burst of broadcasts to every subscriber complete and in order, however the fan-out batches them', async () => {
    const shoppers = ['w-burst-1', 'w-burst-2'];
    for (const userId of shoppers) await server.store.lifecycle.subscribeTopic(userId, 'burst', Date.now() - 60_000);
    const phone = await StreamClient.connect(server.wsUrl, await server.tokenFor(shoppers[0]!));
    const laptop = await StreamClient.connect(server.wsUrl, await server.tokenFor(shoppers[0]!));
    const other = await StreamClient.connect(server.wsUrl, await server.tokenFor(shoppers[1]!));
    const titles = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
    // Sent at once, so one fan-out step carries several of them and each stream gets several frames per write.
    const answers = await Promise.all(titles.map((title) => server.send({ to: { topic: 'burst' }, category: 'promotion', title })));
    expect(answers.map((res) => res.status)).toEqual(titles.map(() => 202));
    for (const client of [phone, laptop, other]) {
      await client.waitForEvents(titles.length);
      expect(client.events.map((e) => e.seq)).toEqual(titles.map((_, i) => i + 1));
      expect([...client.titles].sort()).toEqual(titles);
      client.close();
    }
  });

  it('never sends one shopper another shopper’s messages', async () => {
    const eve = await StreamClient.connect(server.wsUrl, await server.tokenFor('w-eve'));
    await sendTitles(['w-victim'], ['private']);
    await sendTitles(['w-eve'], ['public']);
    await sendTitles(['w-victim'], ['private again']);
    // Sent after both of the victim's: a leaked one would be on this socket before it.
    await sendTitles(['w-eve'], ['last']);
    await eve.waitForEvents(2);
    expect(eve.titles).toEqual(['public', 'last']);
    eve.close();
  });

  it('closes a socket that never says hello with 4408', async () => {
    const client = await StreamClient.open(server.wsUrl);
    expect((await client.closed).code).toBe(STREAM_CLOSE.helloTimeout);
  });

  it.each([
    ['garbage text', 'not json at all'],
    ['JSON that is not a hello', JSON.stringify({ type: 'subscribe', topic: 'x' })],
    ['a hello without token', JSON.stringify({ type: 'hello' })],
    ['a hello with a bad cursor', JSON.stringify({ type: 'hello', token: 'x', after: '-5' })],
  ])('closes on %s with 4400', async (_name, frame) => {
    const client = await StreamClient.open(server.wsUrl);
    client.ws.send(frame);
    expect((await client.closed).code).toBe(STREAM_CLOSE.badFrame);
  });

  it('closes on a binary frame with 4400', async () => {
    const client = await StreamClient.open(server.wsUrl);
    client.ws.send(Buffer.from([1, 2, 3]));
    expect((await client.closed).code).toBe(STREAM_CLOSE.badFrame);
  });

  it('closes on an oversized frame', async () => {
    const client = await StreamClient.open(server.wsUrl);
    client.ws.send(JSON.stringify({ type: 'hello', token: 'x'.repeat(100_000) }));
    expect((await client.closed).code).toBe(1009);
  });

  it.each([
    ['an invalid token', async () => 'v1.abc.def', 'invalid-credentials'],
    ['a merchant key', async () => TEST_MERCHANT_KEY, 'invalid-credentials'],
    [
      'an expired token',
      async () => (await ShopperTokens.fromStore(server.store)).mint('w-x', 60, Date.now() - 120_000).token,
      'token-expired',
    ],
  ])('closes on %s with 4401', async (_name, makeToken, reason) => {
    const client = await StreamClient.open(server.wsUrl);
    client.hello(await makeToken());
    expect(await client.closed).toEqual({ code: STREAM_CLOSE.unauthorized, reason });
  });

  it('refuses another protocol version', async () => {
    const client = await StreamClient.open(server.wsUrl);
    client.ws.send(JSON.stringify({ type: 'hello', token: await server.tokenFor('w-p'), protocol: 99 }));
    expect((await client.closed).code).toBe(STREAM_CLOSE.unsupportedProtocol);
  });

  it('terminates a peer that stops answering pings, and stays healthy', async () => {
    const ws = new WebSocket(server.wsUrl, { autoPong: false });
    const client = new StreamClient(ws);
    await new Promise((resolve) => ws.once('open', resolve));
    client.hello(await server.tokenFor('w-dead'));
    await client.waitFor((c) => c.frames.some((f) => f.type === 'synced'));
    const { code } = await client.closed;
    expect(code).toBe(1006); // terminated without a close frame
    expect(client.frames.some((f) => f.type === 'heartbeat')).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses upgrades on other paths', async () => {
    const ws = new WebSocket(server.wsUrl.replace('/api/v1/stream', '/api/v1/other'));
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(error.message).toMatch(/404/);
  });
});
