import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import type { Message } from '../../shared/message.schema.js';
import type { Store } from './store.js';
import type { WebhookEventType } from '../../shared/webhook.schema.js';
import { storeMessage } from '../test-support/store-messages.js';
import { eventFrame, storedEventFrame } from '../stream/event-frame.js';

function message(id: string, title = id): Message {
  return { id, type: 'system', category: 'order', priority: 3, title, createdAt: new Date().toISOString() };
}

/**
 * The behaviour every Store must have. Each implementation's test calls this
 * with a factory for a fresh, empty store.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'hash-1', createdAt: new Date().toISOString() });
    });
    afterEach(() => store.close());

    it('keeps the first value of a setting', async () => {
      expect(await store.getOrInitSetting('k', 'first')).toBe('first');
      expect(await store.getOrInitSetting('k', 'second')).toBe('first');
    });

    it('finds merchants by key hash only', async () => {
      expect(await store.findMerchantByKeyHash('hash-1')).toMatchObject({ id: 'm1', name: 'Acme' });
      expect(await store.findMerchantByKeyHash('hash-2')).toBeUndefined();
    });

    it('gives a merchant the platform role unless told otherwise, and keeps a seller’s', async () => {
      expect(await store.findMerchantByKeyHash('hash-1')).toMatchObject({ id: 'm1', role: 'platform' });
      await store.createMerchant({ id: 's1', name: 'Seller', role: 'seller', keyHash: 'hash-s1', createdAt: new Date().toISOString() });
      expect(await store.findMerchantByKeyHash('hash-s1')).toEqual({
        id: 's1',
        name: 'Seller',
        role: 'seller',
        createdAt: expect.any(String),
      });
    });

    it('lists merchants oldest first, never with their key hash', async () => {
      await store.createMerchant({ id: 's1', name: 'Seller', role: 'seller', keyHash: 'hash-s1', createdAt: '2999-01-01T00:00:00.000Z' });
      const listed = await store.listMerchants();
      expect(listed.map((m) => [m.id, m.role])).toEqual([
        ['m1', 'platform'],
        ['s1', 'seller'],
      ]);
      expect(JSON.stringify(listed)).not.toContain('hash-');
    });

    it('revokes a merchant once, keeping the first revocation time, and still finds it as revoked', async () => {
      const first = await store.revokeMerchant('m1', '2030-01-01T00:00:00.000Z');
      expect(first).toMatchObject({ id: 'm1', revokedAt: '2030-01-01T00:00:00.000Z' });
      expect(await store.revokeMerchant('m1', '2031-01-01T00:00:00.000Z')).toMatchObject({ revokedAt: '2030-01-01T00:00:00.000Z' });
      expect(await store.findMerchantByKeyHash('hash-1')).toMatchObject({ id: 'm1', revokedAt: '2030-01-01T00:00:00.000Z' });
      expect((await store.listMerchants())[0]).toMatchObject({ id: 'm1', revokedAt: '2030-01-01T00:00:00.000Z' });
      expect(await store.revokeMerchant('nobody', '2030-01-01T00:00:00.000Z')).toBeUndefined();
    });

    it('refuses a role other than platform or seller', async () => {
      await expect(
        store.createMerchant({ id: 'x', name: 'X', role: 'admin' as 'seller', keyHash: 'hash-x', createdAt: new Date().toISOString() }),
      ).rejects.toThrow();
    });

    it('refuses a second merchant with the same key hash', async () => {
      await expect(
        store.createMerchant({ id: 'm2', name: 'Copy', keyHash: 'hash-1', createdAt: new Date().toISOString() }),
      ).rejects.toThrow();
    });

    it('numbers each shopper’s log from 1 without gaps, and deduplicates recipients', async () => {
      await storeMessage(store, message('a'), 'm1', ['u1', 'u2']);
      const appended = await storeMessage(store, message('b'), 'm1', ['u2', 'u2', 'u3']);
      expect(appended.map((e) => [e.userId, e.event.seq])).toEqual([
        ['u2', 2],
        ['u3', 1],
      ]);
      expect((await store.readEvents('u2', 0, 10)).map((e) => [e.seq, e.kind === 'message' && e.message.id])).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      expect((await store.getMessage('b'))?.recipients).toBe(2);
    });

    it('reads after a cursor with a limit', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await storeMessage(store, message(id), 'm1', ['u1']);
      expect((await store.readEvents('u1', 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.readEvents('u1', 4, 10)).toEqual([]);
      expect(await store.readEvents('nobody', 0, 10)).toEqual([]);
    });

    it('reads the same events for a replay, a message as its stored text, framed byte for byte alike', async () => {
      for (const id of ['a', 'b']) await storeMessage(store, message(id, `Sale "${id}" — 限时`), 'm1', ['u1', 'u2']);
      await store.applyMessageStates('u1', [{ messageId: 'a', state: { read: { value: true, at: new Date().toISOString() } } }]);
      const events = await store.readEvents('u1', 0, 10);
      const stored = await store.readStoredEvents('u1', 0, 10);
      expect(stored.map((e) => [e.seq, e.kind, e.kind === 'message' ? e.messageId : undefined])).toEqual([
        [1, 'message', 'a'],
        [2, 'message', 'b'],
        [3, 'state', undefined],
      ]);
      expect(stored.map(storedEventFrame)).toEqual(events.map(eventFrame));
      expect((await store.readStoredEvents('u1', 1, 1)).map((e) => e.seq)).toEqual([2]);
      expect(await store.readStoredEvents('u1', 3, 10)).toEqual([]);
      expect(await store.readStoredEvents('nobody', 0, 10)).toEqual([]);
    });

    it('stores nothing when a message insert fails', async () => {
      await storeMessage(store, message('dup'), 'm1', ['u1']);
      await expect(storeMessage(store, message('dup'), 'm1', ['u1', 'u9'])).rejects.toThrow();
      expect(await store.readEvents('u1', 0, 10)).toHaveLength(1);
      expect(await store.readEvents('u9', 0, 10)).toEqual([]);
      // The failed transaction did not consume a seq.
      const [next] = await storeMessage(store, message('after'), 'm1', ['u1']);
      expect(next?.event.seq).toBe(2);
    });

    it('round-trips every message field', async () => {
      const full: Message = {
        ...message('full'),
        type: 'user',
        priority: 5,
        body: 'Body 正文',
        url: '/orders/1',
        icon: 'https://cdn.example/i.png',
        image: 'https://cdn.example/p.jpg',
        actions: [{ title: 'Track', url: '/track/1' }],
        data: { orderId: 1042, nested: { ok: true } },
        collapseKey: 'order:1042',
        sender: { id: 'seller-1', name: 'Seller' },
        expiresAt: '2999-01-01T00:00:00.000Z',
      };
      await storeMessage(store, full, 'm1', ['u1']);
      expect((await store.getMessage('full'))?.message).toEqual(full);
      expect(messagesOf(await store.readEvents('u1', 0, 1))[0]).toEqual(full);
    });

    describe('push subscriptions and the push queue', () => {
      const sub = (endpoint: string, userId: string) => ({
        endpoint,
        userId,
        p256dh: `key-${endpoint}`,
        auth: 'auth',
        expirationTime: null,
      });
      const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

      it('dedupes by endpoint, moves a device between shoppers, and evicts the least recently updated past the cap', async () => {
        await store.savePushSubscription(sub('e1', 'u1'), at(1), 2);
        await store.savePushSubscription(sub('e2', 'u1'), at(2), 2);
        expect(await store.savePushSubscription(sub('e1', 'u1'), at(3), 2)).toEqual({ devices: 2, evicted: 0 });
        expect(await store.savePushSubscription(sub('e3', 'u1'), at(4), 2)).toEqual({ devices: 2, evicted: 1 });
        expect((await store.listPushSubscriptions('u1')).map((s) => s.endpoint)).toEqual(['e3', 'e1']);
        await store.savePushSubscription(sub('e1', 'u2'), at(5), 2);
        expect((await store.listPushSubscriptions('u1')).map((s) => s.endpoint)).toEqual(['e3']);
        expect(await store.deletePushSubscription('u1', 'e1')).toBe(false);
        expect(await store.deletePushSubscription('u2', 'e1')).toBe(true);
        expect(await store.listPushSubscriptions('u2')).toEqual([]);
      });

      it('queues one job per subscription of each recipient with the message, and leases each job once', async () => {
        await store.savePushSubscription(sub('a1', 'u1'), at(1), 10);
        await store.savePushSubscription(sub('a2', 'u1'), at(2), 10);
        await store.savePushSubscription(sub('b1', 'u2'), at(3), 10);
        await storeMessage(store, message('q'), 'm1', ['u1', 'u2', 'u3']);
        expect((await store.getMessage('q'))?.push).toEqual({ targets: 3, pushed: 0, failed: 0, skipped: 0 });

        const now = Date.now() + 1000;
        const first = await store.claimPushJobs(now, 60_000, 2);
        const second = await store.claimPushJobs(now, 60_000, 10);
        expect(first).toHaveLength(2);
        expect(second).toHaveLength(1);
        expect(await store.claimPushJobs(now, 60_000, 10)).toEqual([]);
        const claimed = [...first, ...second];
        expect(claimed.map((j) => j.subscription.endpoint).sort()).toEqual(['a1', 'a2', 'b1']);
        expect(claimed.every((j) => j.messageId === 'q' && j.attempts === 0)).toBe(true);
        // The lease runs out: the jobs come due again, counting the attempt.
        const again = await store.claimPushJobs(now + 60_000, 60_000, 10);
        expect(again.map((j) => j.attempts)).toEqual([1, 1, 1]);
      });

      it('settles outcomes with counts once, retries later, and deletes a gone subscription', async () => {
        for (const [endpoint, userId] of [['c1', 'u1'], ['c2', 'u2'], ['c3', 'u3'], ['c4', 'u4']] as const) {
          await store.savePushSubscription(sub(endpoint, userId), at(1), 10);
        }
        await storeMessage(store, message('s'), 'm1', ['u1', 'u2', 'u3', 'u4']);
        const now = Date.now() + 1000;
        const jobs = new Map((await store.claimPushJobs(now, 1000, 10)).map((j) => [j.subscription.endpoint, j.id]));
        const outcomes = [
          { id: jobs.get('c1')!, kind: 'pushed' as const },
          { id: jobs.get('c2')!, kind: 'gone' as const, endpoint: 'c2' },
          { id: jobs.get('c3')!, kind: 'failed' as const },
          { id: jobs.get('c4')!, kind: 'retry' as const, dueAt: now + 5000 },
        ];
        await store.settlePushJobs(outcomes);
        await store.settlePushJobs(outcomes.slice(0, 3)); // a stale worker settling again changes nothing
        expect((await store.getMessage('s'))?.push).toEqual({ targets: 4, pushed: 1, failed: 2, skipped: 0 });
        expect(await store.listPushSubscriptions('u2')).toEqual([]);
        expect(await store.claimPushJobs(now + 4999, 1000, 10)).toEqual([]);
        const [retried] = await store.claimPushJobs(now + 5000, 1000, 10);
        expect(retried?.subscription.endpoint).toBe('c4');
      });

      it('postpones a job without counting an attempt, unlike a retry', async () => {
        await store.savePushSubscription(sub('p1', 'u1'), at(1), 10);
        await storeMessage(store, message('pp'), 'm1', ['u1']);
        const now = Date.now() + 1000;
        const [job] = await store.claimPushJobs(now, 1000, 10);
        await store.settlePushJobs([{ id: job!.id, kind: 'postponed', dueAt: now + 5000 }]);
        expect(await store.claimPushJobs(now + 4999, 1000, 10)).toEqual([]);
        const [postponed] = await store.claimPushJobs(now + 5000, 1000, 10);
        expect(postponed).toMatchObject({ id: job!.id, attempts: 0 });
        await store.settlePushJobs([{ id: job!.id, kind: 'retry', dueAt: now + 6000 }]);
        expect((await store.claimPushJobs(now + 6000, 1000, 10))[0]).toMatchObject({ id: job!.id, attempts: 1 });
        expect((await store.getMessage('pp'))?.push).toEqual({ targets: 1, pushed: 0, failed: 0, skipped: 0 });
      });

      it('skips jobs whose subscription was removed or moved to another shopper before sending', async () => {
        await store.savePushSubscription(sub('d1', 'u1'), at(1), 10);
        await store.savePushSubscription(sub('d2', 'u1'), at(2), 10);
        await storeMessage(store, message('o'), 'm1', ['u1']);
        await store.deletePushSubscription('u1', 'd1');
        await store.savePushSubscription(sub('d2', 'u9'), at(3), 10);
        expect(await store.claimPushJobs(Date.now() + 1000, 1000, 10)).toEqual([]);
        expect((await store.getMessage('o'))?.push).toEqual({ targets: 2, pushed: 0, failed: 0, skipped: 2 });
      });

      it('moves an endpoint to another shopper only with the stored keys, and changes nothing otherwise', async () => {
        await store.savePushSubscription(sub('t1', 'u1'), at(1), 10);
        const thief = { ...sub('t1', 'u2'), p256dh: 'other-key', auth: 'other-auth' };
        expect(await store.savePushSubscription(thief, at(2), 10)).toEqual({ conflict: 'held-by-another-shopper' });
        expect(await store.savePushSubscription({ ...sub('t1', 'u2'), auth: 'other-auth' }, at(3), 10)).toEqual({
          conflict: 'held-by-another-shopper',
        });
        expect(await store.listPushSubscriptions('u2')).toEqual([]);
        expect(await store.listPushSubscriptions('u1')).toMatchObject([{ endpoint: 't1', p256dh: 'key-t1', auth: 'auth', updatedAt: at(1) }]);
        // The owner re-subscribing with new keys still updates; then only the new keys can move it.
        expect(await store.savePushSubscription({ ...sub('t1', 'u1'), p256dh: 'new', auth: 'new' }, at(4), 10)).toEqual({ devices: 1, evicted: 0 });
        expect(await store.savePushSubscription(sub('t1', 'u2'), at(5), 10)).toEqual({ conflict: 'held-by-another-shopper' });
        expect(await store.savePushSubscription({ ...sub('t1', 'u2'), p256dh: 'new', auth: 'new' }, at(6), 10)).toEqual({ devices: 1, evicted: 0 });
        expect(await store.listPushSubscriptions('u1')).toEqual([]);
      });

      it('serves a message to its recipients only', async () => {
        await storeMessage(store, message('r'), 'm1', ['u1']);
        expect((await store.getMessageForRecipient('r', 'u1'))?.id).toBe('r');
        expect(await store.getMessageForRecipient('r', 'u2')).toBeUndefined();
        expect(await store.getMessageForRecipient('nope', 'u1')).toBeUndefined();
      });
    });

    describe('message state and preferences', () => {
      const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

      it('applies state per field, last writer wins, with one state event per winning change', async () => {
        await storeMessage(store, message('s1'), 'm1', ['u1']);
        const first = await store.applyMessageStates('u1', [
          { messageId: 's1', state: { read: { value: true, at: t(10) } } },
          { messageId: 's1', state: { archived: { value: true, at: t(5) } } },
        ]);
        expect(first.applied).toBe(2);
        expect(first.ignored).toBe(0);
        expect(first.appended.map((a) => [a.userId, a.event])).toEqual([
          ['u1', { seq: 2, kind: 'state', messageId: 's1', state: { read: { value: true, at: t(10) } } }],
          ['u1', { seq: 3, kind: 'state', messageId: 's1', state: { archived: { value: true, at: t(5) } } }],
        ]);
        // Older read loses; newer archive wins; only the winning field is in the event.
        const second = await store.applyMessageStates('u1', [
          { messageId: 's1', state: { read: { value: false, at: t(9) }, archived: { value: false, at: t(6) } } },
          { messageId: 's1', state: { read: { value: false, at: t(9) } } },
        ]);
        expect(second.applied).toBe(1);
        expect(second.ignored).toBe(1);
        expect(second.appended.map((a) => a.event)).toEqual([
          { seq: 4, kind: 'state', messageId: 's1', state: { archived: { value: false, at: t(6) } } },
        ]);
        expect(await store.getMessageState('u1', 's1')).toEqual({
          read: { value: true, at: t(10) },
          archived: { value: false, at: t(6) },
        });
        expect((await store.readEvents('u1', 1, 10)).map((e) => e.kind)).toEqual(['state', 'state', 'state']);
        expect(await store.readEvents('u1', 3, 10)).toEqual([second.appended[0]!.event]);
      });

      it('ignores state for a message the shopper did not receive, existing or not, and appends nothing', async () => {
        await storeMessage(store, message('theirs'), 'm1', ['u2']);
        await storeMessage(store, message('mine'), 'm1', ['u1']);
        const result = await store.applyMessageStates('u1', [
          { messageId: 'theirs', state: { deleted: { value: true, at: t(1) } } },
          { messageId: 'ghost', state: { read: { value: true, at: t(1) } } },
        ]);
        expect(result).toEqual({ applied: 0, ignored: 2, appended: [] });
        expect(await store.getMessageState('u1', 'theirs')).toBeUndefined();
        expect(await store.getMessageState('u2', 'theirs')).toBeUndefined();
        expect((await store.readEvents('u1', 0, 10)).map((e) => e.kind)).toEqual(['message']);
        expect((await store.readEvents('u2', 0, 10)).map((e) => e.kind)).toEqual(['message']);
      });

      it('keeps preferences last writer wins and logs each saved change', async () => {
        const prefs = {
          mutedCategories: ['promotion'],
          minPushPriority: 2,
          quietHours: null,
          timeZone: 'Asia/Shanghai',
          mutedSenders: ['seller-acme'],
          locale: 'zh-CN' as const,
          theme: 'dark' as const,
        };
        expect(await store.getPreferences('u1')).toBeUndefined();
        const saved = await store.savePreferences('u1', { preferences: prefs, changedAt: t(10) });
        expect(saved.current).toEqual({ preferences: prefs, changedAt: t(10) });
        expect(saved.appended).toEqual({ userId: 'u1', event: { seq: 1, kind: 'preferences', preferences: prefs, changedAt: t(10) } });

        const older = await store.savePreferences('u1', { preferences: { ...prefs, minPushPriority: 5 }, changedAt: t(9) });
        expect(older).toEqual({ current: { preferences: prefs, changedAt: t(10) } });
        const newer = { ...prefs, quietHours: { start: '22:00', end: '07:00', allowUrgent: false, deferred: false } };
        expect((await store.savePreferences('u1', { preferences: newer, changedAt: t(11) })).appended?.event.seq).toBe(2);
        expect(await store.getPreferences('u1')).toEqual({ preferences: newer, changedAt: t(11) });
        expect(await store.readEvents('u1', 0, 10)).toEqual([
          { seq: 1, kind: 'preferences', preferences: prefs, changedAt: t(10) },
          { seq: 2, kind: 'preferences', preferences: newer, changedAt: t(11) },
        ]);
        expect(await store.getPreferences('u2')).toBeUndefined();
      });
    });
    describe('event outbox and webhooks (issue 10)', () => {
      const sub = (endpoint: string, userId: string) => ({ endpoint, userId, p256dh: `key-${endpoint}`, auth: 'auth', expirationTime: null });
      const created = new Date().toISOString();
      const hook = (id: string, merchantId: string, events: WebhookEventType[]) =>
        store.webhooks.createWebhook({ id, merchantId, url: `https://hooks.example/${id}`, secret: 'whsec_AAAA', events, createdAt: created });
      const payloads = async (now = Date.now() + 1000) =>
        (await store.webhooks.claimDeliveries(now, 60_000, 100, ['amqp'])).map((d) => ({ target: d.target, ...JSON.parse(d.event.payloadJson) }));

      beforeEach(async () => {
        await store.createMerchant({ id: 'm2', name: 'Seller', role: 'seller', keyHash: 'hash-2', createdAt: created });
      });

      it('lists, counts and deletes a merchant’s own webhooks only, never with the secret', async () => {
        await hook('w1', 'm1', ['message.read']);
        await hook('w2', 'm2', ['message.read', 'message.failed']);
        expect(await store.webhooks.listWebhooks('m2')).toEqual([
          { id: 'w2', url: 'https://hooks.example/w2', events: ['message.read', 'message.failed'], createdAt: created },
        ]);
        expect(await store.webhooks.countWebhooks('m1')).toBe(1);
        expect(await store.webhooks.deleteWebhook('m2', 'w1')).toBe(false);
        expect(await store.webhooks.listDeliveries('m2', 'w1', 10)).toBeUndefined();
        expect(await store.webhooks.deleteWebhook('m1', 'w1')).toBe(true);
        expect(await store.webhooks.listWebhooks('m1')).toEqual([]);
      });

      it('records nothing while the merchant has no enabled webhook and no sink is registered', async () => {
        await hook('w9', 'm2', ['message.read']);
        await storeMessage(store, message('quiet'), 'm1', ['u1']);
        await store.applyMessageStates('u1', [{ messageId: 'quiet', state: { read: { value: true, at: new Date().toISOString() } } }]);
        expect(await store.webhooks.recordLiveDeliveries([{ messageId: 'quiet', userId: 'u1' }])).toBe(0);
        // Registered afterwards: only later facts are told.
        await hook('w1', 'm1', ['message.read', 'message.delivered']);
        expect(await payloads()).toEqual([]);
        expect(await store.webhooks.recordLiveDeliveries([{ messageId: 'quiet', userId: 'u1' }])).toBe(1);
      });

      it('records live deliveries of a mixed batch only for messages whose merchant is listened to, each pair once', async () => {
        await hook('w1', 'm1', ['message.delivered']);
        await storeMessage(store, message('heard'), 'm1', ['u1', 'u2']);
        await storeMessage(store, message('unheard'), 'm2', ['u1']);
        const pairs = ['heard:u1', 'unheard:u1', 'heard:u2', 'gone:u1'].map((pair) => {
          const [messageId, userId] = pair.split(':') as [string, string];
          return { messageId, userId };
        });
        expect(await store.webhooks.recordLiveDeliveries(pairs)).toBe(2);
        expect(await store.webhooks.recordLiveDeliveries(pairs)).toBe(0);
      });

      it('records read once per recipient, for the sending merchant’s webhooks that want it and every sink', async () => {
        await store.webhooks.registerSinks(['amqp']);
        await hook('w1', 'm1', ['message.read']);
        await hook('w2', 'm1', ['message.failed']);
        await hook('w3', 'm2', ['message.read']);
        await storeMessage(store, message('r1'), 'm1', ['u1']);
        const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
        await store.applyMessageStates('u1', [{ messageId: 'r1', state: { read: { value: true, at: t(1) } } }]);
        await store.applyMessageStates('u1', [{ messageId: 'r1', state: { read: { value: false, at: t(2) } } }]);
        await store.applyMessageStates('u1', [{ messageId: 'r1', state: { read: { value: true, at: t(3) } } }]);
        const claimed = await payloads();
        expect(claimed.map((c) => c.target).sort()).toEqual(['sink:amqp', 'w1']);
        expect(claimed[0]).toMatchObject({ type: 'message.read', data: { messageId: 'r1', userId: 'u1', readAt: t(1) } });
        // A sink no instance here runs is left for the one that does.
        await store.webhooks.registerSinks(['other']);
        await store.applyMessageStates('u1', []);
      });

      it('records push delivered, and failed only when the recipient’s last job failed and none was delivered', async () => {
        await hook('w1', 'm1', ['message.delivered', 'message.failed']);
        for (const [endpoint, userId] of [['p1', 'u1'], ['p2', 'u1'], ['p3', 'u2'], ['p4', 'u3']] as const) {
          await store.savePushSubscription(sub(endpoint, userId), created, 10);
        }
        await storeMessage(store, message('pm'), 'm1', ['u1', 'u2', 'u3']);
        const now = Date.now() + 1000;
        const jobs = new Map((await store.claimPushJobs(now, 60_000, 10)).map((j) => [j.subscription.endpoint, j.id]));
        // u1: one device fails, the other is still pending: nothing yet.
        await store.settlePushJobs([{ id: jobs.get('p1')!, kind: 'failed' }, { id: jobs.get('p3')!, kind: 'pushed' }]);
        await store.webhooks.recordLiveDeliveries([{ messageId: 'pm', userId: 'u2' }]);
        await store.settlePushJobs([{ id: jobs.get('p2')!, kind: 'failed' }, { id: jobs.get('p4')!, kind: 'skipped' }]);
        const events = (await payloads()).map((p) => [p.type, p.data.userId, p.data.channel]);
        expect(events.sort()).toEqual([
          ['message.delivered', 'u2', 'push'],
          ['message.failed', 'u1', undefined],
        ]);
      });

      it('records a live delivery once per message and recipient, and nothing for unknown messages', async () => {
        await hook('w1', 'm1', ['message.delivered']);
        await storeMessage(store, message('lv'), 'm1', ['u1', 'u2']);
        const pairs = [{ messageId: 'lv', userId: 'u1' }, { messageId: 'lv', userId: 'u2' }, { messageId: 'nope', userId: 'u1' }];
        expect(await store.webhooks.recordLiveDeliveries(pairs)).toBe(2);
        expect(await store.webhooks.recordLiveDeliveries(pairs)).toBe(0);
        expect((await payloads()).map((p) => p.data)).toEqual(
          expect.arrayContaining([{ messageId: 'lv', userId: 'u1', channel: 'live' }, { messageId: 'lv', userId: 'u2', channel: 'live' }]),
        );
      });

      it('records the reply with the shopper’s words in the reply’s transaction', async () => {
        await hook('w1', 'm1', ['message.replied']);
        await storeMessage(store, { ...message('um'), type: 'user', sender: { id: 'agent', name: 'Dana' } }, 'm1', ['u1']);
        const replied = await store.lifecycle.reply('u1', 'um', (original) => ({ ...original, id: 'reply-1', body: 'Thanks', inReplyTo: 'um' }));
        expect(replied.ok).toBe(true);
        expect((await payloads()).map((p) => p.data)).toEqual([
          { messageId: 'um', userId: 'u1', reply: { id: 'reply-1', body: 'Thanks', createdAt: expect.any(String) } },
        ]);
      });

      it('records expiry once, when expiresAt has passed, with recipients and reads', async () => {
        await hook('w1', 'm1', ['message.expired']);
        const expiresAt = new Date(Date.now() + 60_000).toISOString();
        await storeMessage(store, { ...message('ex'), expiresAt }, 'm1', ['u1', 'u2']);
        await store.applyMessageStates('u1', [{ messageId: 'ex', state: { read: { value: true, at: new Date().toISOString() } } }]);
        expect(await store.webhooks.recordExpiries(Date.parse(expiresAt) - 1, 10)).toBe(0);
        expect(await store.webhooks.recordExpiries(Date.parse(expiresAt), 10)).toBe(1);
        expect(await store.webhooks.recordExpiries(Date.parse(expiresAt) + 1000, 10)).toBe(0);
        expect((await payloads(Date.parse(expiresAt) + 1000)).map((p) => p.data)).toEqual([{ messageId: 'ex', expiresAt, recipients: 2, read: 1 }]);
      });

      it('prunes settled deliveries of old events and then the events, never a pending one', async () => {
        await hook('w1', 'm1', ['message.read']);
        for (const id of ['o1', 'o2']) {
          await storeMessage(store, message(id), 'm1', ['u1']);
          await store.applyMessageStates('u1', [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }]);
        }
        const now = Date.now() + 1000;
        const [done] = await store.webhooks.claimDeliveries(now, 60_000, 1, []);
        await store.webhooks.settleDeliveries(
          [{ eventId: done!.event.id, target: 'w1', claimedAttempts: 0, attempt: { at: new Date(now).toISOString(), responseStatus: 204 }, kind: 'delivered' }],
          now,
        );
        expect(await store.webhooks.pruneSettled(now - 60_000, 100)).toBe(0);
        expect(await store.webhooks.pruneSettled(now, 100)).toBe(2);
        const left = await store.webhooks.listDeliveries('m1', 'w1', 10);
        expect(left!.map((d) => d.status)).toEqual(['pending']);
        expect(left![0]!.eventId).not.toBe(done!.event.id);
      });

      it('leases a delivery once, settles it only for the lease holder, and disabling fails what is pending', async () => {
        await hook('w1', 'm1', ['message.read']);
        for (const id of ['d1', 'd2']) {
          await storeMessage(store, message(id), 'm1', ['u1']);
          await store.applyMessageStates('u1', [{ messageId: id, state: { read: { value: true, at: new Date().toISOString() } } }]);
        }
        const now = Date.now() + 1000;
        const [first, second] = await store.webhooks.claimDeliveries(now, 60_000, 10, []);
        expect(await store.webhooks.claimDeliveries(now, 60_000, 10, [])).toEqual([]);
        expect(first!.webhook).toMatchObject({ id: 'w1', url: 'https://hooks.example/w1', secret: 'whsec_AAAA' });
        const attempt = { at: new Date(now).toISOString(), responseStatus: 503, error: 'HTTP 503' };
        const retry = { eventId: first!.event.id, target: 'w1', claimedAttempts: 0, attempt, kind: 'retry' as const, dueAt: now + 5000 };
        await store.webhooks.settleDeliveries([retry], now);
        // Only the retried one is due; the other is still leased.
        const [again, ...none] = await store.webhooks.claimDeliveries(now + 5000, 1000, 10, []);
        expect(none).toEqual([]);
        expect(again).toMatchObject({ attempts: 1, event: { id: first!.event.id }, webhook: { failingSince: now } });
        // A stale settle from the first claim (someone has claimed it since) changes nothing.
        await store.webhooks.settleDeliveries([{ ...retry, kind: 'delivered' }], now);
        expect((await store.webhooks.listDeliveries('m1', 'w1', 10))!.find((d) => d.eventId === first!.event.id)!.status).toBe('pending');
        await store.webhooks.settleDeliveries(
          [{ eventId: again!.event.id, target: 'w1', claimedAttempts: 1, attempt, kind: 'failed', disableWebhook: 'the endpoint answered 410 Gone' }],
          now + 5000,
        );
        expect((await store.webhooks.listWebhooks('m1'))[0]!.disabled).toEqual({ at: new Date(now + 5000).toISOString(), reason: 'the endpoint answered 410 Gone' });
        const listed = await store.webhooks.listDeliveries('m1', 'w1', 10);
        expect(listed!.map((d) => [d.eventId, d.status, d.attempts])).toEqual(
          expect.arrayContaining([
            [first!.event.id, 'failed', 2],
            [second!.event.id, 'failed', 1],
          ]),
        );
        expect(listed!.find((d) => d.eventId === second!.event.id)!.lastError).toBe('endpoint disabled: the endpoint answered 410 Gone');
        expect(await store.webhooks.claimDeliveries(now + 10 ** 9, 1000, 10, [])).toEqual([]);
      });
    });
  });
}
