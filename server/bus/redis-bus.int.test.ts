import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../shared/event.schema.js';
import { redisAvailable, requireService, TEST_REDIS_URL } from '../test-support/services.js';
import { eventuallyHolds } from '../test-support/eventually.js';
import { busContract, retractedEvent } from './bus.contract.js';
import { RedisBus, redactUrl } from './redis-bus.js';

const runs = requireService('Redis', await redisAvailable());
const logger = pino({ level: 'silent' });
// Per run, so parallel runs on one Redis never see each other's events.
const prefix = `tidings-test:${randomUUID()}:`;

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://user:s3cret@cache:6379/0')).toBe('redis://user:***@cache:6379/0');
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
  });
});

describe.skipIf(!runs)('RedisBus', () => {
  const open: RedisBus[] = [];
  const connect = async (channelPrefix = prefix) => {
    const bus = await RedisBus.connect({ url: TEST_REDIS_URL, logger, channelPrefix });
    open.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((bus) => bus.close()));
  });

  busContract('RedisBus', async () => {
    const bus = await connect();
    const peer = async () => {
      const other = await connect();
      return { bus: other, settled: () => other.settled() };
    };
    return { bus, settled: () => bus.settled(), peer };
  });

  it('carries an event published on one instance to a subscriber on another', async () => {
    const a = await connect();
    const b = await connect();
    const onB: SyncEvent[] = [];
    b.subscribe('alice', (e) => onB.push(e));
    await b.settled();
    await a.publish([
      { userId: 'alice', event: retractedEvent(1) },
      { userId: 'bob', event: retractedEvent(1) },
      { userId: 'alice', event: retractedEvent(2) },
    ]);
    await eventuallyHolds(() => onB.length === 2, "alice's two events on B");
    expect(onB).toEqual([retractedEvent(1), retractedEvent(2)]);
  });

  it('delivers its own events once, not again when they come back from Redis', async () => {
    const a = await connect();
    const b = await connect();
    const onA: SyncEvent[] = [];
    const onB: SyncEvent[] = [];
    a.subscribe('alice', (e) => onA.push(e));
    b.subscribe('alice', (e) => onB.push(e));
    await Promise.all([a.settled(), b.settled()]);
    await a.publish([{ userId: 'alice', event: retractedEvent(1) }]);
    await b.publish([{ userId: 'alice', event: retractedEvent(2) }]);
    await eventuallyHolds(() => onA.length >= 2 && onB.length >= 2, 'both events on both');
    await a.publish([{ userId: 'alice', event: retractedEvent(3) }]);
    await eventuallyHolds(() => onB.length >= 3, 'the marker on B');
    await eventuallyHolds(() => onA.length >= 3, 'the marker on A');
    // Local delivery may overtake a remote one, so the order may differ; the count may not.
    expect(onA.map((e) => e.seq).sort()).toEqual([1, 2, 3]);
    expect(onB.map((e) => e.seq).sort()).toEqual([1, 2, 3]);
  });

  it('reports a gap once a new subscription is active, so a stream re-reads what it may have missed', async () => {
    const bus = await connect();
    let gaps = 0;
    bus.subscribe('alice', () => {}, () => gaps++);
    await bus.settled();
    expect(gaps).toBe(1);
    bus.subscribe('alice', () => {}, () => gaps++); // The channel was already active: nothing to re-read.
    await bus.settled();
    expect(gaps).toBe(1);
  });

  it('resyncs its subscribers when another instance says its publishes failed, but not for its own request', async () => {
    const bus = await connect();
    let gaps = 0;
    bus.subscribe('alice', () => {}, () => gaps++);
    await bus.settled();
    const before = gaps;
    const raw = new Redis(TEST_REDIS_URL);
    try {
      await raw.publish(`${prefix}resync`, 'another-instance');
    } finally {
      raw.disconnect();
    }
    await eventuallyHolds(() => gaps === before + 1, 'the resync');
  });

  it('ignores what is not a valid event on its channels', async () => {
    const bus = await connect();
    const got: SyncEvent[] = [];
    bus.subscribe('alice', (e) => got.push(e));
    await bus.settled();
    const raw = new Redis(TEST_REDIS_URL);
    try {
      await raw.publish(`${prefix}u:alice`, 'not json');
      await raw.publish(`${prefix}u:alice`, JSON.stringify({ from: 'x', event: { seq: -1, kind: 'retracted' } }));
      await raw.publish(`${prefix}u:alice`, JSON.stringify({ from: 'x', event: retractedEvent(5) }));
    } finally {
      raw.disconnect();
    }
    await eventuallyHolds(() => got.length === 1, 'the valid event');
    expect(got).toEqual([retractedEvent(5)]);
  });

  it('says where it failed to connect, without the password', async () => {
    await expect(
      RedisBus.connect({ url: 'redis://user:hunter2@127.0.0.1:1', logger, connectTimeoutMs: 300 }),
    ).rejects.toThrow(/could not connect to Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1/);
  });
});
