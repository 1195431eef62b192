import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagesOf, type SyncEvent } from '../../shared/event.schema.js';
import { LIMITS } from '../../shared/limits.js';
import type { Message, Recipients } from '../../shared/message.schema.js';
import type { AcceptInput, NextOccurrence, ScheduleSpec } from './message-lifecycle.js';
import type { Store } from './store.js';

/** A fixed clock, far from the real one, so nothing here depends on when the suite runs. */
const T = Date.UTC(2030, 0, 1);
const MINUTE = 60_000;

function message(id: string, extra: Partial<Message> = {}): Message {
  return { id, type: 'system', category: 'order', priority: 3, title: id, createdAt: new Date(T).toISOString(), ...extra };
}

const never: NextOccurrence = () => {
  throw new Error('a one-off schedule asked for its next occurrence');
};

/**
 * The behaviour of `store.lifecycle` every Store must have. `openDatabase`
 * makes a fresh, empty database and returns a function that opens a store on
 * it; calling that twice gives two instances sharing one database, as two
 * Tidings processes would.
 */
export function lifecycleContract(name: string, openDatabase: () => Promise<() => Promise<Store>>): void {
  describe(`${name} lifecycle contract`, () => {
    let openStore: () => Promise<Store>;
    let opened: Store[];
    let store: Store;
    beforeEach(async () => {
      const open = await openDatabase();
      opened = [];
      openStore = async () => {
        const instance = await open();
        opened.push(instance);
        return instance;
      };
      store = await openStore();
      await store.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'hash-1', createdAt: new Date(T).toISOString() });
    });
    afterEach(async () => {
      await Promise.all(opened.map((instance) => instance.close()));
    });

    const send = (msg: Message, target: Recipients, schedule?: ScheduleSpec, extra: Partial<AcceptInput> = {}) =>
      store.lifecycle.accept({ message: msg, merchantId: 'm1', target, schedule, now: T, ...extra });
    const log = async (userId: string, from: Store = store): Promise<SyncEvent[]> => from.readEvents(userId, 0, 100);
    const idsIn = async (userId: string) => messagesOf(await log(userId)).map((m) => m.id);

    describe('scheduling', () => {
      it('holds a message until it is due, then delivers it once to each recipient', async () => {
        const accepted = await send(message('s1'), { userIds: ['u1', 'u2'] }, { dueAt: T + MINUTE });
        expect(accepted).toMatchObject({ kind: 'accepted', response: { id: 's1', status: 'scheduled', recipients: 0 }, events: [] });
        expect(await store.lifecycle.nextDueAt()).toBe(T + MINUTE);
        expect((await store.lifecycle.listScheduled('m1', '', 10)).map((s) => [s.id, s.dueAt])).toEqual([['s1', T + MINUTE]]);

        expect(await store.lifecycle.deliverDue(T + MINUTE - 1, 10, never)).toEqual({ events: [], delivered: 0, fanOutQueued: false });
        expect(await log('u1')).toEqual([]);
        expect((await store.lifecycle.getStatus('s1'))?.status).toBe('scheduled');
        expect(await store.lifecycle.statusOf('s1')).toBe('scheduled');
        expect(await store.lifecycle.statusOf('no-such-message')).toBeUndefined();

        const due = await store.lifecycle.deliverDue(T + MINUTE, 10, never);
        expect(due.delivered).toBe(1);
        expect(due.events.map((e) => [e.userId, e.event.seq])).toEqual([['u1', 1], ['u2', 1]]);
        expect(await idsIn('u1')).toEqual(['s1']);
        expect(await idsIn('u2')).toEqual(['s1']);
        expect((await store.lifecycle.getStatus('s1'))?.status).toBe('sent');
        expect(await store.lifecycle.nextDueAt()).toBeUndefined();
        expect(await store.lifecycle.listScheduled('m1', '', 10)).toEqual([]);

        expect((await store.lifecycle.deliverDue(T + 10 * MINUTE, 10, never)).delivered).toBe(0);
        expect(await idsIn('u1')).toEqual(['s1']);
      });

      it('delivers each due schedule once when two instances on one database claim at the same time', async () => {
        const other = await openStore();
        const users = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);
        for (const [i, user] of users.entries()) await send(message(`due-${i}`), { userIds: [user] }, { dueAt: T + i });
        // 6 claims of 3 = 18 slots for 12 schedules, alternating between the two instances.
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? other : store).lifecycle.deliverDue(T + MINUTE, 3, never)),
        );
        expect(claims.reduce((sum, claim) => sum + claim.delivered, 0)).toBe(12);
        expect(claims.flatMap((claim) => claim.events.map((e) => e.userId)).sort()).toEqual(users);
        for (const [i, user] of users.entries()) expect(await idsIn(user)).toEqual([`due-${i}`]);
        expect(await other.lifecycle.nextDueAt()).toBeUndefined();
      });

      it('sets aside a due message it cannot read (cancelled) and still delivers the rest of the batch', async () => {
        // Past what the stored-message schema reads: as a row an older, looser version wrote would be.
        await send({ ...message('poison'), title: 'x'.repeat(LIMITS.titleLength + 1) }, { userIds: ['u1'] }, { dueAt: T + 1 });
        // Year 10000 in UTC, which a looser version accepted for "9999-12-31T23:59:59-14:00": no database
        // function can read it as a time, and storing it must not fail for that.
        await send({ ...message('far-poison'), expiresAt: '+010000-01-01T13:59:59.000Z' } as Message, { userIds: ['u1'] }, { dueAt: T + 2 });
        await send(message('fine'), { userIds: ['u1'] }, { dueAt: T + 3 });
        const due = await store.lifecycle.deliverDue(T + MINUTE, 10, never);
        expect(due).toMatchObject({ delivered: 1, unreadable: ['poison', 'far-poison'] });
        expect(await idsIn('u1')).toEqual(['fine']);
        expect((await store.lifecycle.getStatus('poison'))?.status).toBe('cancelled');
        expect((await store.lifecycle.getStatus('far-poison'))?.status).toBe('cancelled');
        expect(await store.lifecycle.nextDueAt()).toBeUndefined();
      });

      it('cancels before it is due so it is never delivered, and answers already-sent after', async () => {
        await send(message('early'), { userIds: ['u1'] }, { dueAt: T + MINUTE });
        await send(message('late'), { userIds: ['u1'] }, { dueAt: T + MINUTE });
        expect(await store.lifecycle.cancel('m1', 'early')).toEqual({ ok: true, value: { status: 'cancelled' } });
        expect(await store.lifecycle.cancel('m1', 'early')).toEqual({ ok: true, value: { status: 'cancelled' } });

        expect((await store.lifecycle.deliverDue(T + MINUTE, 10, never)).delivered).toBe(1);
        expect(await idsIn('u1')).toEqual(['late']);
        expect((await store.lifecycle.getStatus('early'))?.status).toBe('cancelled');
        expect(await store.lifecycle.cancel('m1', 'late')).toEqual({ ok: false, reason: 'already-sent' });
        expect((await store.lifecycle.getStatus('late'))?.status).toBe('sent');
        expect(await store.lifecycle.cancel('m2', 'late')).toEqual({ ok: false, reason: 'not-found' });
        expect(await store.lifecycle.cancel('m1', 'ghost')).toEqual({ ok: false, reason: 'not-found' });
      });

      it('moves a recurring schedule to its next occurrence, each occurrence its own message, until there is none', async () => {
        const calls: [string, string | undefined, number][] = [];
        const next: NextOccurrence = (cron, tz, after) => {
          calls.push([cron, tz, after]);
          return calls.length < 2 ? after + MINUTE : undefined;
        };
        await send(message('weekly', { type: 'scheduled' }), { userIds: ['u1'] }, { dueAt: T, cron: '0 9 * * 1', tz: 'Europe/Berlin' });

        expect((await store.lifecycle.deliverDue(T + 5, 10, next)).delivered).toBe(1);
        expect(calls).toEqual([['0 9 * * 1', 'Europe/Berlin', T + 5]]);
        expect(await store.lifecycle.getStatus('weekly')).toMatchObject({
          status: 'scheduled',
          schedule: { dueAt: T + 5 + MINUTE, cron: '0 9 * * 1', tz: 'Europe/Berlin', occurrences: 1 },
        });
        expect(await store.lifecycle.nextDueAt()).toBe(T + 5 + MINUTE);
        expect((await store.lifecycle.deliverDue(T + MINUTE, 10, next)).delivered).toBe(0);

        expect((await store.lifecycle.deliverDue(T + 5 + MINUTE, 10, next)).delivered).toBe(1);
        const occurrences = messagesOf(await log('u1'));
        expect(occurrences.map((m) => m.title)).toEqual(['weekly', 'weekly']);
        expect(new Set([...occurrences.map((m) => m.id), 'weekly']).size).toBe(3);
        expect(await store.lifecycle.getStatus('weekly')).toMatchObject({ status: 'sent', schedule: undefined });
        expect(await store.lifecycle.nextDueAt()).toBeUndefined();
      });
    });

    describe('idempotency', () => {
      it('replays the first answer for the same key and body, and refuses the key with another body', async () => {
        const key = (bodyHash: string) => ({ idempotency: { key: 'k1', bodyHash } });
        const first = await send(message('i1'), { userIds: ['u1'] }, undefined, key('h1'));
        expect(first).toMatchObject({ kind: 'accepted', response: { id: 'i1', status: 'queued', recipients: 1 } });
        const again = await send(message('i2'), { userIds: ['u1'] }, undefined, key('h1'));
        expect(again).toEqual({ kind: 'replayed', response: { id: 'i1', status: 'queued', recipients: 1 } });
        expect(await send(message('i3'), { userIds: ['u1'] }, undefined, key('h2'))).toEqual({ kind: 'key-reused' });
        expect(await idsIn('u1')).toEqual(['i1']);
        expect(await store.lifecycle.getStatus('i2')).toBeUndefined();

        // Keys belong to a merchant, and are forgotten after the purge.
        await store.createMerchant({ id: 'm2', name: 'Other', keyHash: 'hash-2', createdAt: new Date(T).toISOString() });
        expect((await send(message('i4'), { userIds: ['u1'] }, undefined, { merchantId: 'm2', ...key('h2') })).kind).toBe('accepted');
        expect(await store.lifecycle.purgeIdempotencyKeys(T + 1)).toBe(2);
        expect((await send(message('i5'), { userIds: ['u1'] }, undefined, key('h2'))).kind).toBe('accepted');
      });

      it('accepts a key once when two instances get the same request at the same time', async () => {
        const other = await openStore();
        const request = (from: Store, id: string) =>
          from.lifecycle.accept({
            message: message(id),
            merchantId: 'm1',
            target: { userIds: ['u1'] },
            idempotency: { key: 'k', bodyHash: 'h' },
            now: T,
          });
        const answers = await Promise.all([request(store, 'x1'), request(other, 'x2')]);
        expect(answers.map((a) => a.kind).sort()).toEqual(['accepted', 'replayed']);
        // Both answer with the one message that was stored.
        const ids = answers.map((a) => (a.kind === 'key-reused' ? undefined : a.response.id));
        expect(ids[1]).toBe(ids[0]);
        expect(await idsIn('u1')).toEqual([ids[0]]);
      });
    });

    describe('topics', () => {
      it('fans out to subscribers only, in resumable batches, one gap-free event per subscriber', async () => {
        const subscribers = ['u1', 'u2', 'u3', 'u4', 'u5'];
        for (const user of subscribers) await store.lifecycle.subscribeTopic(user, 'sale', T - MINUTE);
        await store.lifecycle.subscribeTopic('u9', 'news', T - MINUTE);
        await store.lifecycle.subscribeTopic('u3', 'news', T - MINUTE);
        expect(await store.lifecycle.listTopics('u3')).toEqual(['news', 'sale']);
        await send(message('before'), { userIds: ['u1', 'u4'] });

        const accepted = await send(message('promo'), { topic: 'sale' });
        expect(accepted).toMatchObject({ kind: 'accepted', response: { id: 'promo', recipients: 0 }, events: [] });
        expect((await store.lifecycle.getStatus('promo'))?.status).toBe('sending');
        // Joined after the broadcast was sent: not part of it.
        await store.lifecycle.subscribeTopic('u6', 'sale', T + MINUTE);

        const first = await store.lifecycle.fanOutBatch(T, 2);
        expect(first.events.map((e) => e.userId)).toEqual(['u1', 'u2']);
        expect(first.more).toBe(true);
        // The rest from another instance: the position is in the database, not in the process.
        const other = await openStore();
        const rest = [];
        for (let more = true; more; ) {
          const batch = await other.lifecycle.fanOutBatch(T, 2);
          rest.push(...batch.events);
          more = batch.more;
        }
        expect(rest.map((e) => e.userId)).toEqual(['u3', 'u4', 'u5']);
        expect(await store.lifecycle.fanOutBatch(T, 2)).toEqual({ events: [], more: false });

        for (const user of subscribers) {
          const events = await log(user);
          expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
          expect(messagesOf(events).filter((m) => m.id === 'promo')).toHaveLength(1);
        }
        expect(await idsIn('u1')).toEqual(['before', 'promo']);
        expect(await log('u6')).toEqual([]);
        expect(await log('u9')).toEqual([]);
        expect((await store.lifecycle.getStatus('promo'))?.status).toBe('sent');

        expect(await store.lifecycle.unsubscribeTopic('u3', 'news')).toBe(true);
        expect(await store.lifecycle.unsubscribeTopic('u3', 'news')).toBe(false);
        expect(await store.lifecycle.listTopics('u3')).toEqual(['sale']);
      });

      it('fans out a burst of broadcasts in one batch, finishing a job that ends at the batch edge', async () => {
        for (const user of ['u1', 'u2']) await store.lifecycle.subscribeTopic(user, 'sale', T - MINUTE);
        for (const id of ['flash1', 'flash2', 'flash3']) await send(message(id), { topic: 'sale' });

        const first = await store.lifecycle.fanOutBatch(T, 4);
        expect(first.events.map((e) => `${e.userId}:${e.event.seq}`)).toEqual(['u1:1', 'u2:1', 'u1:2', 'u2:2']);
        // flash2 ended exactly at the edge: done in this batch, not by an empty one after it.
        expect((await store.lifecycle.getStatus('flash2'))?.status).toBe('sent');
        expect(first.more).toBe(true);

        const second = await store.lifecycle.fanOutBatch(T, 4);
        expect(second.events.map((e) => `${e.userId}:${e.event.seq}`)).toEqual(['u1:3', 'u2:3']);
        expect(second.more).toBe(false);
        for (const id of ['flash1', 'flash2', 'flash3']) {
          expect((await store.lifecycle.getStatus(id))?.status).toBe('sent');
        }
        for (const user of ['u1', 'u2']) expect(await idsIn(user)).toEqual(['flash1', 'flash2', 'flash3']);
      });

      it('leaves out one who joined late though they sort inside a batch, and pushes only to the batch’s subscribers with a device', async () => {
        // a1, a3, a5 joined in time; a2 (sorting between them) after the send. a1 and a5 have a device, a2 too.
        for (const user of ['a1', 'a3', 'a5']) await store.lifecycle.subscribeTopic(user, 'sale', T - MINUTE);
        const device = (endpoint: string, userId: string) =>
          store.savePushSubscription({ endpoint, userId, p256dh: `key-${endpoint}`, auth: 'auth', expirationTime: null }, new Date(T).toISOString(), 5);
        await device('https://push.example/a1', 'a1');
        await device('https://push.example/a2', 'a2');
        await device('https://push.example/a5', 'a5');
        // a3 already has a log (seq 1); a1 and a5 are not shoppers with a log yet.
        await send(message('direct'), { userIds: ['a3'] });
        await send(message('promo'), { topic: 'sale' });
        await store.lifecycle.subscribeTopic('a2', 'sale', T + MINUTE);

        const first = await store.lifecycle.fanOutBatch(T, 2);
        expect(first.events.map((e) => `${e.userId}:${e.event.seq}`)).toEqual(['a1:1', 'a3:2']);
        const second = await store.lifecycle.fanOutBatch(T, 2);
        expect(second.events.map((e) => `${e.userId}:${e.event.seq}`)).toEqual(['a5:1']);
        // The seq each event was published under is the one stored in that shopper's log.
        for (const { userId, event } of [...first.events, ...second.events]) {
          expect((await log(userId)).find((e) => e.seq === event.seq)).toMatchObject({ kind: 'message', message: { id: 'promo' } });
        }
        expect(await log('a2')).toEqual([]);
        expect(await store.getMessage('promo')).toMatchObject({ recipients: 3, push: { targets: 2 } });
        const jobs = await store.claimPushJobs(T, MINUTE, 10);
        expect(jobs.filter((j) => j.messageId === 'promo').map((j) => j.subscription.userId).sort()).toEqual(['a1', 'a5']);
      });
    });

    describe('retraction, correction and replies', () => {
      it('appends retracted to every recipient’s log, once', async () => {
        await send(message('r1'), { userIds: ['u1', 'u2'] });
        await send(message('later'), { userIds: ['u2'] }, { dueAt: T + MINUTE });
        const retracted = await store.lifecycle.retract('m1', 'r1');
        expect(retracted.ok && retracted.value.map((e) => [e.userId, e.event])).toEqual([
          ['u1', { seq: 2, kind: 'retracted', messageId: 'r1' }],
          ['u2', { seq: 2, kind: 'retracted', messageId: 'r1' }],
        ]);
        expect((await log('u1')).at(-1)).toEqual({ seq: 2, kind: 'retracted', messageId: 'r1' });
        expect((await log('u2')).at(-1)).toEqual({ seq: 2, kind: 'retracted', messageId: 'r1' });
        expect((await store.lifecycle.getStatus('r1'))?.status).toBe('retracted');
        expect(await store.lifecycle.statusOf('r1')).toBe('retracted');
        expect(await store.lifecycle.retract('m1', 'r1')).toEqual({ ok: true, value: [] });
        expect(await log('u1')).toHaveLength(2);
        expect(await store.lifecycle.retract('m1', 'later')).toEqual({ ok: false, reason: 'not-sent' });
        expect(await store.lifecycle.retract('m2', 'r1')).toEqual({ ok: false, reason: 'not-found' });
      });

      it('appends the corrected message under the same id to every recipient’s log', async () => {
        await send(message('c1', { title: 'Shipped tomorow' }), { userIds: ['u1', 'u2'] });
        const editedAt = new Date(T + MINUTE).toISOString();
        const corrected = await store.lifecycle.correct('m1', 'c1', (m) => ({ ...m, title: 'Shipped tomorrow', editedAt }));
        expect(corrected.ok && corrected.value.map((e) => [e.userId, e.event.seq, e.event.kind])).toEqual([
          ['u1', 2, 'message'],
          ['u2', 2, 'message'],
        ]);
        for (const user of ['u1', 'u2']) {
          const last = messagesOf(await log(user)).at(-1);
          expect(last).toMatchObject({ id: 'c1', title: 'Shipped tomorrow', editedAt });
        }
        // Not sent yet: the correction is what will go out, and nobody gets an event now; cancelled, it never will.
        await send(message('later'), { userIds: ['u1'] }, { dueAt: T + MINUTE });
        expect(await store.lifecycle.correct('m1', 'later', (m) => ({ ...m, title: 'Later, corrected' }))).toEqual({ ok: true, value: [] });
        expect((await store.getMessage('later'))?.message.title).toBe('Later, corrected');
        await store.lifecycle.cancel('m1', 'later');
        expect(await store.lifecycle.correct('m1', 'later', (m) => m)).toEqual({ ok: false, reason: 'not-sent' });
      });

      it('puts a shopper’s reply in their own log only, and lists it for the merchant', async () => {
        const question = message('q1', { type: 'user', sender: { id: 'seller-1', name: 'Seller' }, collapseKey: 'thread:1' });
        await send(question, { userIds: ['u1', 'u2'] });
        await send(message('sys'), { userIds: ['u1'] });
        const build = (original: Message): Message => ({
          ...message('reply-1', { type: 'user', body: 'Size M' }),
          sender: { id: 'u1', name: 'You' },
          collapseKey: original.collapseKey,
          inReplyTo: original.id,
        });
        const replied = await store.lifecycle.reply('u1', 'q1', build);
        expect(replied.ok && replied.value.map((e) => [e.userId, e.event.seq])).toEqual([['u1', 3]]);
        expect(await idsIn('u1')).toEqual(['q1', 'sys', 'reply-1']);
        expect(await idsIn('u2')).toEqual(['q1']);
        expect(await store.lifecycle.listReplies('m1', 'q1', '', 10)).toEqual({
          ok: true,
          value: [{ userId: 'u1', message: build(question) }],
        });
        expect((await store.lifecycle.getStatus('reply-1'))?.status).toBe('reply');

        expect(await store.lifecycle.reply('u3', 'q1', build)).toEqual({ ok: false, reason: 'not-found' });
        expect(await store.lifecycle.reply('u1', 'sys', build)).toEqual({ ok: false, reason: 'not-found' });
      });

      it('adds up live delivery counts per message', async () => {
        await send(message('d1'), { userIds: ['u1', 'u2'] });
        await store.lifecycle.addDeliveredLive(new Map([['d1', 2]]));
        await store.lifecycle.addDeliveredLive(new Map([['d1', 1], ['ghost', 5]]));
        expect(await store.lifecycle.getStatus('d1')).toMatchObject({ status: 'sent', deliveredLive: 3, target: { userIds: ['u1', 'u2'] } });
      });
    });

    describe('listing a merchant’s messages', () => {
      it('pages its own messages by id, with status, audience and counts, filtered by status; replies only when asked for', async () => {
        await store.createMerchant({ id: 'm2', name: 'Other', keyHash: 'hash-2', createdAt: new Date(T).toISOString() });
        await send(message('a-sent', { type: 'user', sender: { id: 'seller-1', name: 'Seller' } }), { userIds: ['u1', 'u2'] });
        await send(message('b-later'), { userIds: ['u1'] }, { dueAt: T + MINUTE });
        await send(message('c-cancelled'), { userIds: ['u1'] }, { dueAt: T + MINUTE });
        await store.lifecycle.cancel('m1', 'c-cancelled');
        await send(message('d-topic'), { topic: 'promotions' });
        await store.lifecycle.accept({ message: message('e-other'), merchantId: 'm2', target: { userIds: ['u1'] }, now: T });
        await store.lifecycle.reply('u1', 'a-sent', (original) => ({
          ...message('f-reply', { type: 'user', body: 'Thanks' }),
          sender: { id: 'u1', name: 'You' },
          inReplyTo: original.id,
        }));
        await store.applyMessageStates('u2', [{ messageId: 'a-sent', state: { read: { value: true, at: new Date(T).toISOString() } } }]);

        const all = await store.lifecycle.listSent('m1', undefined, '', 10);
        expect(all.map((item) => [item.id, item.status])).toEqual([
          ['a-sent', 'sent'],
          ['b-later', 'scheduled'],
          ['c-cancelled', 'cancelled'],
          ['d-topic', 'sending'],
        ]);
        expect(all[0]).toMatchObject({
          message: { id: 'a-sent', title: 'a-sent', category: 'order' },
          target: { userIds: ['u1', 'u2'] },
          recipients: 2,
          deliveredLive: 0,
          read: 1,
        });
        expect(all[0]!.push).toEqual({ targets: 0, pushed: 0, failed: 0, skipped: 0 });
        expect(all[3]).toMatchObject({ target: { topic: 'promotions' }, read: 0 });

        // Keyset pages: no gap, no duplicate.
        const first = await store.lifecycle.listSent('m1', undefined, '', 2);
        const second = await store.lifecycle.listSent('m1', undefined, first[1]!.id, 2);
        expect([...first, ...second].map((item) => item.id)).toEqual(all.map((item) => item.id));
        expect(await store.lifecycle.listSent('m1', undefined, 'd-topic', 2)).toEqual([]);

        expect((await store.lifecycle.listSent('m1', 'cancelled', '', 10)).map((item) => item.id)).toEqual(['c-cancelled']);
        expect((await store.lifecycle.listSent('m1', 'scheduled', '', 10)).map((item) => item.id)).toEqual(['b-later']);
        expect((await store.lifecycle.listSent('m1', 'reply', '', 10)).map((item) => item.id)).toEqual(['f-reply']);
        expect((await store.lifecycle.listSent('m2', undefined, '', 10)).map((item) => item.id)).toEqual(['e-other']);
        expect(await store.lifecycle.listSent('m2', 'scheduled', '', 10)).toEqual([]);
      });

      it('finds messages by a piece of their title, ignoring case, with % and _ taken literally, keyset paged', async () => {
        await store.createMerchant({ id: 'm2', name: 'Other', keyHash: 'hash-2', createdAt: new Date(T).toISOString() });
        const titled = (id: string, title: string, schedule?: ScheduleSpec) => send(message(id, { title }), { userIds: ['u1'] }, schedule);
        await titled('a', 'Order #1042 shipped');
        await titled('b', 'ORDER #1043 SHIPPED');
        await titled('c', 'Flash sale: 30% off');
        await titled('d', 'Flash sale: 30 off');
        await titled('e', 'snake_case title');
        await titled('f', 'snakeXcase title');
        await titled('g', 'Été: 20 % sur les vestes', { dueAt: T + MINUTE });
        await titled('h', 'Shipped later', { dueAt: T + MINUTE });
        await store.lifecycle.accept({ message: message('z', { title: 'Order shipped elsewhere' }), merchantId: 'm2', target: { userIds: ['u1'] }, now: T });
        const ids = async (q: string, status?: 'scheduled' | 'sent', limit = 10) =>
          (await store.lifecycle.listSent('m1', status, '', limit, q)).map((item) => item.id);

        expect(await ids('shipped')).toEqual(['a', 'b', 'h']);
        expect(await ids('order #104')).toEqual(['a', 'b']);
        expect(await ids('30%')).toEqual(['c']);
        expect(await ids('%')).toEqual(['c', 'g']);
        expect(await ids('e_c')).toEqual(['e']);
        expect(await ids('_')).toEqual(['e']);
        expect(await ids('été')).toEqual(['g']);
        expect(await ids('ÉTÉ')).toEqual(['g']);
        expect(await ids('nothing like it')).toEqual([]);
        expect(await ids('shipped', 'scheduled')).toEqual(['h']);
        expect(await ids('shipped', 'sent')).toEqual(['a', 'b']);

        // Keyset pages of a search: no gap, no duplicate.
        const first = await store.lifecycle.listSent('m1', undefined, '', 2, 'shipped');
        const second = await store.lifecycle.listSent('m1', undefined, first[1]!.id, 2, 'shipped');
        expect([...first, ...second].map((item) => item.id)).toEqual(['a', 'b', 'h']);

        // The schedule view searches the same way.
        expect((await store.lifecycle.listScheduled('m1', '', 10, 'SHIPPED')).map((item) => item.id)).toEqual(['h']);
        expect((await store.lifecycle.listScheduled('m1', '', 10, '%')).map((item) => item.id)).toEqual(['g']);
        expect((await store.lifecycle.listScheduled('m1', '', 10)).map((item) => item.id)).toEqual(['g', 'h']);
      });
    });
  });
}
