import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../shared/event.schema.js';
import { preferencesSchema } from '../../shared/preferences.schema.js';
import { eventuallyHolds } from '../test-support/eventually.js';
import type { Bus } from './bus.js';

/** What a bus implementation hands the contract: the bus, and a way to wait for subscriptions to take effect. */
export interface BusUnderTest {
  bus: Bus;
  /** Resolves once subscribe/unsubscribe calls made so far are in force (a no-op in process). */
  settled(): Promise<void>;
  /**
   * Another instance on the same channels, for a bus that carries events between processes; left out by a bus
   * that delivers within `publish` itself, where the awaited publish is the point after which nothing can come.
   */
  peer?(): Promise<BusUnderTest>;
}

function preferencesEvent(seq: number): SyncEvent {
  return { seq, kind: 'preferences', preferences: preferencesSchema.parse({}), changedAt: '2026-01-01T00:00:00.000Z' };
}

export function retractedEvent(seq: number, messageId = `m${seq}`): SyncEvent {
  return { seq, kind: 'retracted', messageId };
}


/**
 * The behaviour every bus must have. Negative checks ("did not arrive")
 * publish a later marker event first and wait for it, so they prove absence
 * on a bus that delivers in order, not merely impatience.
 */
export function busContract(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`${name} (bus contract)`, () => {
    let subject: BusUnderTest;
    let bus: Bus;
    beforeEach(async () => {
      subject = await make();
      bus = subject.bus;
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers a published event to the subscribers of that user only', async () => {
      const alice: SyncEvent[] = [];
      const bob: SyncEvent[] = [];
      bus.subscribe('alice', (e) => alice.push(e));
      bus.subscribe('bob', (e) => bob.push(e));
      await subject.settled();
      await bus.publish([{ userId: 'alice', event: retractedEvent(1) }]);
      await bus.publish([{ userId: 'bob', event: retractedEvent(7) }]);
      await eventuallyHolds(() => alice.length === 1 && bob.length === 1, 'both deliveries');
      expect(alice).toEqual([retractedEvent(1)]);
      expect(bob).toEqual([retractedEvent(7)]);
    });

    it('delivers a batch in order, whatever the event kind', async () => {
      const got: SyncEvent[] = [];
      bus.subscribe('alice', (e) => got.push(e));
      await subject.settled();
      const batch = [retractedEvent(1), preferencesEvent(2), retractedEvent(3)];
      await bus.publish(batch.map((event) => ({ userId: 'alice', event })));
      await eventuallyHolds(() => got.length === 3, 'three events');
      expect(got).toEqual(batch);
    });

    it('delivers to every subscriber of a user, and stops for the one that unsubscribed', async () => {
      const first: SyncEvent[] = [];
      const second: SyncEvent[] = [];
      const stopFirst = bus.subscribe('alice', (e) => first.push(e));
      bus.subscribe('alice', (e) => second.push(e));
      await subject.settled();
      await bus.publish([{ userId: 'alice', event: retractedEvent(1) }]);
      await eventuallyHolds(() => first.length === 1 && second.length === 1, 'both subscribers');
      stopFirst();
      await subject.settled();
      await bus.publish([{ userId: 'alice', event: retractedEvent(2) }]);
      await eventuallyHolds(() => second.length === 2, 'the remaining subscriber');
      expect(first.map((e) => e.seq)).toEqual([1]);
      expect(second.map((e) => e.seq)).toEqual([1, 2]);
    });

    it('stops delivering once the last subscriber of a user is gone', async () => {
      const alice: SyncEvent[] = [];
      const marker: SyncEvent[] = [];
      const stop = bus.subscribe('alice', (e) => alice.push(e));
      bus.subscribe('marker', (e) => marker.push(e));
      await subject.settled();
      stop();
      stop(); // A second call is harmless.
      await subject.settled();
      await bus.publish([{ userId: 'alice', event: retractedEvent(1) }]);
      await bus.publish([{ userId: 'marker', event: retractedEvent(2) }]);
      await eventuallyHolds(() => marker.length === 1, 'the marker');
      expect(alice).toEqual([]);
    });

    it('keeps delivering to others when one subscriber throws', async () => {
      const got: SyncEvent[] = [];
      bus.subscribe('alice', () => {
        throw new Error('broken subscriber');
      });
      bus.subscribe('alice', (e) => got.push(e));
      await subject.settled();
      // Whether publish reports the broken subscriber is the bus's choice; the healthy one must still get the event.
      await bus.publish([{ userId: 'alice', event: retractedEvent(1) }]).catch(() => undefined);
      await eventuallyHolds(() => got.length === 1, 'the healthy subscriber');
    });

    it('publishes nothing and fails nothing for an empty batch or a user nobody follows', async () => {
      await expect(bus.publish([])).resolves.toBeUndefined();
      await expect(bus.publish([{ userId: 'nobody', event: retractedEvent(1) }])).resolves.toBeUndefined();
    });

    it('closes idempotently, and delivers nothing after close', async () => {
      const got: SyncEvent[] = [];
      bus.subscribe('alice', (e) => got.push(e));
      // Across processes: one peer sends a marker after the closed bus's publish, another watches alice's channel.
      const [sender, watcher] = subject.peer ? await Promise.all([subject.peer(), subject.peer()]) : [];
      const watched: SyncEvent[] = [];
      watcher?.bus.subscribe('alice', (e) => watched.push(e));
      await Promise.all([subject.settled(), watcher?.settled()]);
      await bus.close();
      await bus.close();
      await bus.publish([{ userId: 'alice', event: retractedEvent(1) }]).catch(() => undefined);
      if (sender && watcher) {
        await sender.bus.publish([{ userId: 'alice', event: retractedEvent(2) }]);
        // The marker went out after the closed bus's publish returned: anything that publish leaked is ahead of it.
        await eventuallyHolds(() => watched.length >= 1, 'the marker on the watching peer');
        expect(watched).toEqual([retractedEvent(2)]);
      }
      expect(got).toEqual([]);
    });
  });
}
