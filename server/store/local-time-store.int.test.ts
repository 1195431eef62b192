import { describe, expect, it } from 'vitest';
import { messagesOf } from '../../shared/event.schema.js';
import { preferencesSchema } from '../../shared/preferences.schema.js';
import { postgresAvailable, requireService } from '../test-support/services.js';
import { storeInstances } from '../test-support/store-instances.js';
import type { Store } from './store.js';

const pgAvailable = requireService('PostgreSQL', await postgresAvailable());
/** One store, or two "instances" on one PostgreSQL schema. */
const openInstances = storeInstances();

const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/Los_Angeles'];
const T = Date.parse('2026-06-14T00:00:00Z');

describe.each([
  { kind: 'sqlite' as const, skip: false },
  { kind: 'postgres' as const, skip: !pgAvailable },
])('local-time zones on $kind', ({ kind, skip }) => {
  it.skipIf(skip)('delivers zones larger than a step in batches, each recipient once, with instances competing for them', async () => {
    const instances = await openInstances(kind);
    const [store] = instances as [Store];
    try {
      await store.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'hash-1', createdAt: new Date(T).toISOString() });
      const users = Array.from({ length: 900 }, (_, i) => `u${String(i).padStart(4, '0')}`);
      for (const [i, userId] of users.entries()) {
        await store.lifecycle.subscribeTopic(userId, 'birthdays', T);
        // Every third shopper never saved a zone and gets the fallback.
        const timeZone = ZONES[i % 3]!;
        if (i % 3 !== 2) await store.savePreferences(userId, { preferences: preferencesSchema.parse({ timeZone }), changedAt: new Date(T).toISOString() });
      }
      const accepted = await store.lifecycle.accept({
        message: { id: 'lt-1', type: 'scheduled', category: 'promotion', priority: 3, title: 'Happy birthday', createdAt: new Date(T).toISOString() },
        merchantId: 'm1',
        target: { topic: 'birthdays' },
        localTime: { local: '2026-06-15T09:00', fallbackTz: 'America/Los_Angeles' },
        now: T,
      });
      expect(accepted.kind).toBe('accepted');
      expect(await store.lifecycle.localTime.nextDueAt()).toBe(Date.parse('2026-06-15T01:00:00Z'));
      const planned = (await store.lifecycle.localTime.status('lt-1'))!;
      expect(planned.zones.map((z) => [z.zone, z.recipients])).toEqual([
        ['Asia/Shanghai', 300],
        ['Europe/Berlin', 300],
        ['America/Los_Angeles', 300],
      ]);

      // Everything due; steps of 70 recipients from every instance at once until none has anything left.
      const now = Date.parse('2026-06-15T20:00:00Z');
      let steps = 0;
      for (;;) {
        const results = await Promise.all(instances.map((instance) => instance.lifecycle.localTime.deliverDue(now, 70)));
        steps++;
        if (results.every((r) => r.delivered === 0) && (await store.lifecycle.localTime.nextDueAt()) === undefined) break;
      }
      expect(steps).toBeGreaterThanOrEqual(Math.ceil(900 / 70 / instances.length));
      for (const userId of users) expect(messagesOf(await store.readEvents(userId, 0, 10)).map((m) => m.id), userId).toEqual(['lt-1']);
      const done = (await store.lifecycle.localTime.status('lt-1'))!;
      expect(done).toMatchObject({ scheduled: 0, sent: 900, late: 0 });
      expect((await store.lifecycle.getStatus('lt-1'))!.status).toBe('sent');
    } finally {
      for (const instance of instances) await instance.close();
    }
  });
});
