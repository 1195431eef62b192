import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchantKeyResponseSchema } from '../../../shared/merchant-key.schema.js';
import { messageListResponseSchema, scheduledListResponseSchema } from '../../../shared/message-list.schema.js';
import type { Store } from '../../store/store.js';
import { api, until } from '../../test-support/api.js';
import { createTestSchema } from '../../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../../test-support/services.js';
import { messageTo, startTestServer, type TestServer } from '../../test-support/test-server.js';

/** `GET /api/v1/messages` (issue 10, part 5): a merchant's sent messages, paged and filtered by status. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

async function sendAs(body: Record<string, unknown>, credential?: string): Promise<string> {
  const res = await api(server.url, 'POST', '/messages', body, credential ? { credential } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.id as string;
}

async function listAll(query: string, credential?: string): Promise<string[]> {
  const ids: string[] = [];
  let after = '';
  for (;;) {
    const res = await api(server.url, 'GET', `/messages?${query}&limit=2&after=${encodeURIComponent(after)}`, undefined, credential ? { credential } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = messageListResponseSchema.parse(res.body);
    ids.push(...page.messages.map((m) => m.id));
    if (!page.next) return ids;
    after = page.next;
  }
}

describe('GET /api/v1/messages', () => {
  it('lists sent, scheduled and cancelled messages with their audience and counts, in id order across pages', async () => {
    const shopper = 'list-reader';
    const token = await server.tokenFor(shopper);
    const sent = await sendAs(messageTo([shopper, 'list-other'], { title: 'Order #7 shipped', category: 'shipping' }));
    const scheduled = await sendAs(messageTo([shopper], { deliverAt: inAnHour() }));
    const cancelled = await sendAs(messageTo([shopper], { deliverAt: inAnHour() }));
    expect((await api(server.url, 'DELETE', `/messages/${cancelled}`)).status).toBe(200);
    const read = await api(server.url, 'POST', '/me/state', { changes: [{ messageId: sent, state: { read: { value: true, at: new Date().toISOString() } } }] }, { credential: token });
    expect(read.status).toBe(200);

    const ids = await listAll('');
    expect(ids).toEqual([sent, scheduled, cancelled].sort());
    const res = await api(server.url, 'GET', '/messages');
    const { messages } = messageListResponseSchema.parse(res.body);
    expect(messages.find((m) => m.id === sent)).toEqual({
      id: sent,
      createdAt: expect.any(String),
      status: 'sent',
      type: 'system',
      category: 'shipping',
      title: 'Order #7 shipped',
      to: { userIds: [shopper, 'list-other'] },
      recipients: 2,
      deliveredLive: 0,
      pushTargets: 0,
      pushed: 0,
      pushFailed: 0,
      pushSkipped: 0,
      pushPending: 0,
      read: 1,
    });
    expect(messages.find((m) => m.id === cancelled)).toMatchObject({ status: 'cancelled', recipients: 0 });
    expect(await listAll('status=cancelled')).toEqual([cancelled]);
    expect(await listAll('status=sent')).toEqual([sent]);
  });

  it('answers ?status=scheduled exactly as before: the schedule of each waiting message', async () => {
    const id = await sendAs(messageTo(['list-sched'], { title: 'Reminder', repeat: { cron: '0 9 * * *', tz: 'Europe/Berlin' } }));
    const res = await api(server.url, 'GET', '/messages?status=scheduled&limit=200');
    expect(res.status).toBe(200);
    const { messages } = scheduledListResponseSchema.parse(res.body);
    expect(messages.find((m) => m.id === id)).toEqual({
      id,
      title: 'Reminder',
      dueAt: expect.any(String),
      cron: '0 9 * * *',
      tz: 'Europe/Berlin',
      occurrences: 0,
      target: { userIds: ['list-sched'] },
      status: 'scheduled',
    });
    // Strict: the scheduled view has no counts, so old consoles parse it as they did.
    expect(Object.keys(messages[0]!).sort()).toEqual(['cron', 'dueAt', 'id', 'occurrences', 'status', 'target', 'title', 'tz']);
  });

  it('shows a seller only its own messages, under any filter', async () => {
    const created = await api(server.url, 'POST', '/merchant-keys', { name: 'List seller', role: 'seller' });
    const seller = createMerchantKeyResponseSchema.parse(created.body);
    const own = await sendAs(messageTo(['list-seller-shopper']), seller.key);
    const platform = await sendAs(messageTo(['list-seller-shopper']));
    expect(await listAll('', seller.key)).toEqual([own]);
    expect(await listAll('status=sent', seller.key)).toEqual([own]);
    expect(await listAll('')).toContain(platform);
    expect(await listAll('')).not.toContain(own);
  });

  it('lists a topic message with its topic audience', async () => {
    const id = await sendAs({ ...messageTo([]), to: { topic: 'list-promotions' } });
    const page = await until(
      () => api(server.url, 'GET', '/messages?status=sent&limit=200'),
      (res) => messageListResponseSchema.parse(res.body).messages.some((m) => m.id === id),
    );
    expect(messageListResponseSchema.parse(page.body).messages.find((m) => m.id === id)).toMatchObject({ to: { topic: 'list-promotions' } });
  });

  it.each([
    ['an unknown status', 'status=delivered'],
    ['a limit of 0', 'limit=0'],
    ['a limit over 200', 'limit=201'],
    ['an unknown parameter', 'sort=newest'],
    ['two statuses', 'status=sent&status=queued'],
  ])('refuses %s with 400 validation-failed', async (_what, query) => {
    const res = await api(server.url, 'GET', `/messages?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
  });
});

/** `?q=`: a title search on both stores, with the bad inputs refused before any store sees them. */
const postgres = requireService('PostgreSQL', await postgresAvailable());
type OpenStore = () => Promise<{ store?: Store; drop?: () => Promise<void> }>;
const openPostgres: OpenStore = async () => {
  const schema = await createTestSchema();
  return { store: await schema.open(), drop: () => schema.drop() };
};
const stores: [string, OpenStore][] = [['sqlite', async () => ({})], ...(postgres ? [['postgres', openPostgres] as [string, OpenStore]] : [])];

describe.each(stores)('GET /api/v1/messages?q= on %s', (_name, open) => {
  let searched: TestServer;
  let drop: (() => Promise<void>) | undefined;
  const titles = ['Order #1042 shipped', 'ORDER #1043 shipped', 'Flash sale: 30% off', 'Flash sale: 30 off', 'snake_case', 'snakeXcase', '夏季促销：雨衣七折'];
  const idOf = new Map<string, string>();
  beforeAll(async () => {
    const opened = await open();
    drop = opened.drop;
    searched = await startTestServer(opened.store ? { store: opened.store } : {});
    for (const title of titles) {
      const res = await api(searched.url, 'POST', '/messages', messageTo(['q-shopper'], { title }));
      expect(res.status).toBe(202);
      idOf.set(title, res.body.id as string);
    }
    const scheduled = await api(searched.url, 'POST', '/messages', messageTo(['q-shopper'], { title: 'Order reminder', deliverAt: inAnHour() }));
    idOf.set('Order reminder', scheduled.body.id as string);
  });
  afterAll(async () => {
    await searched.close();
    await drop?.();
  });

  const search = async (query: string) => {
    const res = await api(searched.url, 'GET', `/messages?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as { messages: { title: string }[] }).messages.map((m) => m.title).sort();
  };

  it.each([
    ['a piece of the title, ignoring case', 'q=order%20%2310', ['ORDER #1043 shipped', 'Order #1042 shipped']],
    ['trimmed', 'q=%20%20shipped%20', ['ORDER #1043 shipped', 'Order #1042 shipped']],
    ['% literally', 'q=%25', ['Flash sale: 30% off']],
    ['_ literally', 'q=_', ['snake_case']],
    ['Chinese text', `q=${encodeURIComponent('雨衣')}`, ['夏季促销：雨衣七折']],
    ['nothing when nothing matches', 'q=refund', []],
    ['with a status', 'q=order&status=sent', ['ORDER #1043 shipped', 'Order #1042 shipped']],
    ['in the schedule view', 'q=ORDER&status=scheduled', ['Order reminder']],
  ])('finds %s', async (_what, query, expected) => {
    expect(await search(query)).toEqual(expected);
  });

  it('pages a search by id with no gap and no duplicate', async () => {
    const seen: string[] = [];
    let after = '';
    for (let pages = 0; pages < 10; pages++) {
      const res = await api(searched.url, 'GET', `/messages?q=a&limit=2&after=${encodeURIComponent(after)}`);
      const page = messageListResponseSchema.parse(res.body);
      expect(page.messages.length).toBeLessThanOrEqual(2);
      seen.push(...page.messages.map((m) => m.id));
      if (!page.next) break;
      after = page.next;
    }
    const expected = [...idOf].filter(([title]) => title.toLowerCase().includes('a')).map(([, id]) => id);
    expect(seen).toEqual(expected.sort());
  });

  it.each([
    ['an empty q', 'q='],
    ['a q of spaces only', 'q=%20%20%20'],
    ['a q of 101 characters', `q=${'a'.repeat(101)}`],
    ['a q holding NUL', 'q=ord%00er'],
    ['two q', 'q=order&q=flash'],
  ])('refuses %s with 400 validation-failed, and changes nothing stored', async (_what, query) => {
    const before = await search('limit=200');
    const res = await api(searched.url, 'GET', `/messages?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(await search('limit=200')).toEqual(before);
  });

  it('accepts a q of exactly 100 characters', async () => {
    expect(await search(`q=${'a'.repeat(100)}`)).toEqual([]);
  });
});

/** `order=newest`: the console's order, newest on top, paged by an opaque cursor on both stores. */
describe.each(stores)('GET /api/v1/messages?order=newest on %s', (_name, open) => {
  let listed: TestServer;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await open();
    drop = opened.drop;
    listed = await startTestServer(opened.store ? { store: opened.store } : {});
  });
  afterAll(async () => {
    await listed.close();
    await drop?.();
  });

  const send = async (title: string, extra: Record<string, unknown> = {}) => {
    const res = await api(listed.url, 'POST', '/messages', messageTo(['newest-shopper'], { title, ...extra }));
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const page = async (query: string) => {
    const res = await api(listed.url, 'GET', `/messages?order=newest&${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return messageListResponseSchema.parse(res.body);
  };

  it('lists newest first and goes on with no gap and no duplicate while new messages arrive', async () => {
    const older: string[] = [];
    for (let i = 0; i < 5; i++) {
      older.push(await send(`Old ${i}`));
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct createdAt, so the expected order is plain
    }
    const first = await page('limit=2');
    expect(first.messages.map((m) => m.id)).toEqual([older[4], older[3]]);
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
    const arrived = await send('Arrived meanwhile');
    const seen = first.messages.map((m) => m.id);
    let after = first.next;
    while (after) {
      const next = await page(`limit=2&after=${after}`);
      seen.push(...next.messages.map((m) => m.id));
      after = next.next;
    }
    expect(seen).toEqual([...older].reverse());
    expect((await page('limit=1')).messages[0]!.id).toBe(arrived);
  });

  it('combines with a status (scheduled ones as summaries) and with a title search', async () => {
    const later = await send('Newest reminder', { deliverAt: new Date(Date.now() + 3_600_000).toISOString() });
    const scheduled = await page('status=scheduled');
    expect(scheduled.messages.map((m) => [m.id, m.status])).toEqual([[later, 'scheduled']]);
    expect((await page('status=sent&limit=200')).messages.every((m) => m.status === 'sent')).toBe(true);
    expect((await page('q=reminder')).messages.map((m) => m.id)).toEqual([later]);
  });

  it.each([
    ['not base64url', 'order=newest&after=not%20a%20cursor', /after/],
    ['an id, as order=id takes', 'order=newest&after=msg-1', /after/],
    ['base64url of something else', `order=newest&after=${Buffer.from('{"a":1}').toString('base64url')}`, /after/],
    ['a cursor with an unreadable time', `order=newest&after=${Buffer.from('["yesterday","x"]').toString('base64url')}`, /after/],
    ['a cursor with no id', `order=newest&after=${Buffer.from('["2026-01-01T00:00:00.000Z",""]').toString('base64url')}`, /after/],
    ['an unknown order', 'order=oldest', /order/],
  ])('refuses %s with 400 validation-failed naming the field', async (_what, query, field) => {
    const res = await api(listed.url, 'GET', `/messages?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation-failed');
    expect(res.body.error.message).toMatch(field);
  });
});
