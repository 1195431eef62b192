import { describe, expect, it } from 'vitest';
import { postgresAvailable, requireService } from '../test-support/services.js';
import { storeInstances } from '../test-support/store-instances.js';
import { digestHoldKey, QUIET_HOURS_HOLD } from './held-push-store.js';
import type { Store } from './store.js';

const pgAvailable = requireService('PostgreSQL', await postgresAvailable());
/** One store, or two "instances" on one PostgreSQL schema. */
const openInstances = storeInstances();

const T = Date.parse('2026-06-14T00:00:00Z');
const DIGEST = { key: 'm1:price-drop', windowMs: 600_000, title: '{count} drops' };

/** Accepts a message to `userIds` with the digest, as the service does. */
async function sendDigested(store: Store, id: string, userIds: string[], at: number): Promise<void> {
  const message = { id, type: 'system' as const, category: 'promotion', priority: 3, title: id, createdAt: new Date(at).toISOString() };
  await store.lifecycle.accept({ message, merchantId: 'm1', target: { userIds }, digest: DIGEST, now: at });
}

describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !pgAvailable },
])('held pushes on $kind', ({ kind, skip }) => {
  it.skipIf(skip)('opens a window at the first message, counts each message once per shopper, and releases only what was claimed', async () => {
    const instances = await openInstances(kind);
    const [store] = instances as [Store];
    const holds = store.lifecycle.heldPushes;
    try {
      await store.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'hash-1', createdAt: new Date(T).toISOString() });
      await sendDigested(store, 'd1', ['alice', 'bob'], T);
      await sendDigested(store, 'd2', ['alice'], T + 1000);
      expect(await holds.digestOf('d1')).toEqual(DIGEST);
      expect(await holds.digestOf('nope')).toBeUndefined();
      const holdKey = digestHoldKey(DIGEST.key);
      const hold = (userId: string, messageId: string, now: number, messageAt = now) =>
        holds.hold({ userId, holdKey, messageId, messageAt, now, dueAt: messageAt + DIGEST.windowMs, title: DIGEST.title });
      await hold('alice', 'd1', T);
      await hold('alice', 'd1', T + 10); // her second device
      await hold('bob', 'd1', T + 20);
      // An older message whose push got its turn later: counted, but not the newest.
      await hold('bob', 'd0', T + 30, T - 5000);
      await hold('alice', 'd2', T + 1000);
      expect(await holds.digested('d1')).toBe(2);
      expect(await holds.digested('d2')).toBe(1);
      // The window is the first message's: 600 s after T, not after the second.
      expect(await holds.nextDueAt()).toBe(T + DIGEST.windowMs);
      expect(await holds.claimDue(T + DIGEST.windowMs - 1, 60_000, 10)).toEqual([]);

      const due = T + DIGEST.windowMs + 20;
      const claimed = await holds.claimDue(due, 60_000, 10);
      expect(claimed.map((c) => [c.userId, c.messageIds.length, c.messageIds[0], c.title]).sort()).toEqual([
        ['alice', 2, 'd2', '{count} drops'],
        ['bob', 2, 'd1', '{count} drops'],
      ]);
      // Leased: no other claim gets them until the lease ends.
      expect(await holds.claimDue(due, 60_000, 10)).toEqual([]);
      // A message held after the claim is not covered by its summary: it stays, due at once.
      await hold('alice', 'd3', due + 5);
      for (const c of claimed) await holds.release(c);
      const next = await holds.claimDue(due + 5, 60_000, 10);
      expect(next.map((c) => [c.userId, c.messageIds.length, c.messageIds[0]])).toEqual([['alice', 1, 'd3']]);
      await holds.release(next[0]!);
      expect(await holds.nextDueAt()).toBeUndefined();
    } finally {
      for (const instance of instances) await instance.close();
    }
  });

  it.skipIf(skip)('moves a digest into the quiet-hours hold, postpones it, and gives a claim to one instance only', async () => {
    const instances = await openInstances(kind);
    const [store] = instances as [Store];
    const holds = store.lifecycle.heldPushes;
    try {
      const digestKey = digestHoldKey('m1:k');
      await holds.hold({ userId: 'carol', holdKey: digestKey, messageId: 'a', messageAt: T, now: T, dueAt: T + 60_000, title: null });
      await holds.hold({ userId: 'carol', holdKey: QUIET_HOURS_HOLD, messageId: 'b', messageAt: T + 1, now: T + 1, dueAt: T + 3_600_000, title: null });
      const [digest] = await holds.claimDue(T + 60_000, 60_000, 10);
      await holds.moveTo(digest!, QUIET_HOURS_HOLD, T + 7_200_000);
      // The quiet-hours hold keeps its own due time; it now has both messages.
      expect(await holds.nextDueAt()).toBe(T + 3_600_000);
      const [quiet] = await holds.claimDue(T + 3_600_000, 60_000, 10);
      expect(quiet).toMatchObject({ userId: 'carol', holdKey: QUIET_HOURS_HOLD, messageIds: ['b', 'a'] });
      await holds.postpone(quiet!, T + 5_000_000);
      expect(await holds.nextDueAt()).toBe(T + 5_000_000);

      // Two instances claiming at once (one on SQLite): each hold goes to exactly one of them.
      for (let i = 0; i < 20; i++) await holds.hold({ userId: `u${i}`, holdKey: QUIET_HOURS_HOLD, messageId: 'm', messageAt: T, now: T, dueAt: T, title: null });
      const claims = await Promise.all(instances.flatMap((instance) => [instance, instance]).map((instance) => instance.lifecycle.heldPushes.claimDue(T + 5_000_000, 60_000, 8)));
      const users = claims.flat().map((c) => c.userId);
      expect(new Set(users).size).toBe(users.length);
      expect(users.length).toBe(Math.min(21, instances.length * 2 * 8));
    } finally {
      for (const instance of instances) await instance.close();
    }
  });
});
