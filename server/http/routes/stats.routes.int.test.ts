import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchantKeyResponseSchema } from '../../../shared/merchant-key.schema.js';
import { deliveryStatsResponseSchema } from '../../../shared/delivery-stats.schema.js';
import { api } from '../../test-support/api.js';
import { messageTo, startTestServer, type TestServer } from '../../test-support/test-server.js';

/** `GET /api/v1/stats/deliveries` over HTTP: the caller's own figures, and every bad query refused. */
let server: TestServer;
let sellerKey: string;
beforeAll(async () => {
  server = await startTestServer();
  const res = await api(server.url, 'POST', '/merchant-keys', { name: 'Stats seller', role: 'seller' });
  sellerKey = createMerchantKeyResponseSchema.parse(res.body).key;
});
afterAll(() => server.close());

const today = () => new Date().toISOString().slice(0, 10);

async function statsOf(credential?: string) {
  const res = await api(server.url, 'GET', `/stats/deliveries?from=${today()}&to=${today()}&tz=UTC`, undefined, credential ? { credential } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return deliveryStatsResponseSchema.parse(res.body);
}

describe('GET /api/v1/stats/deliveries', () => {
  it("answers the caller's own messages and reads only, a seller's apart from the platform's", async () => {
    const before = await statsOf();
    const token = await server.tokenFor('stats-reader');
    const sent = await api(server.url, 'POST', '/messages', messageTo(['stats-reader', 'stats-other'], { category: 'shipping' }));
    expect(sent.status).toBe(202);
    const read = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: sent.body.id, state: { read: { value: true, at: new Date().toISOString() } } }] }, { credential: token });
    expect(read.status).toBe(200);
    expect((await api(server.url, 'POST', '/messages', messageTo(['stats-reader'], { category: 'chat' }), { credential: sellerKey })).status).toBe(202);

    const after = await statsOf();
    expect(after.total.sent - before.total.sent).toBe(1);
    expect(after.total.recipients - before.total.recipients).toBe(2);
    expect(after.total.read - before.total.read).toBe(1);
    expect(after.categories.map((c) => c.category)).not.toContain('chat');
    const seller = await statsOf(sellerKey);
    expect(seller.total).toMatchObject({ sent: 1, recipients: 1, read: 0 });
    expect(seller.categories.map((c) => c.category)).toEqual(['chat']);
  });

  it('takes UTC when no tz is given, and answers every day of a 92-day range', async () => {
    const res = await api(server.url, 'GET', '/stats/deliveries?from=2026-01-01&to=2026-04-02');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stats = deliveryStatsResponseSchema.parse(res.body);
    expect(stats.tz).toBe('UTC');
    expect(stats.days).toHaveLength(92);
    expect(stats.days.at(-1)!.day).toBe('2026-04-02');
  });

  it.each([
    ['no range', ''],
    ['no to', 'from=2026-03-01'],
    ['a date that is not one', 'from=2026-02-30&to=2026-03-01'],
    ['a date in another shape', 'from=01/03/2026&to=2026-03-02'],
    ['from after to', 'from=2026-03-02&to=2026-03-01'],
    ['93 days', 'from=2026-01-01&to=2026-04-03'],
    ['an unknown time zone', 'from=2026-03-01&to=2026-03-02&tz=Mars/Olympus'],
    ['a time zone holding NUL', 'from=2026-03-01&to=2026-03-02&tz=UTC%00'],
    ['an unknown parameter', 'from=2026-03-01&to=2026-03-02&days=7'],
    ['two from', 'from=2026-03-01&from=2026-03-02&to=2026-03-03'],
  ])('refuses %s with 400 validation-failed naming the field, and changes nothing', async (_what, query) => {
    const before = await statsOf();
    const res = await api(server.url, 'GET', `/stats/deliveries?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(res.body.error.message).toMatch(/^Invalid stats query: /);
    expect(await statsOf()).toEqual(before);
  });

  it('needs a merchant key', async () => {
    const res = await fetch(`${server.url}/api/v1/stats/deliveries?from=2026-03-01&to=2026-03-02`);
    expect(res.status).toBe(401);
  });
});
