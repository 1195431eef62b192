import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { redisAvailable, requireService, TEST_REDIS_URL } from '../test-support/services.js';
import { MemoryBus } from './memory-bus.js';
import { openBus } from './open-bus.js';
import { RedisBus } from './redis-bus.js';

const logger = pino({ level: 'silent' });
const runs = requireService('Redis', await redisAvailable());

describe('openBus', () => {
  it('uses the in-process bus without REDIS_URL', async () => {
    const bus = await openBus(undefined, logger);
    expect(bus).toBeInstanceOf(MemoryBus);
    await bus.close();
  });

  it('refuses to start when Redis does not answer', async () => {
    await expect(openBus('redis://127.0.0.1:1', logger)).rejects.toThrow(/could not connect to Redis at redis:\/\/127\.0\.0\.1:1/);
  });

  it.skipIf(!runs)('uses Redis when REDIS_URL is set', async () => {
    const bus = await openBus(TEST_REDIS_URL, logger);
    expect(bus).toBeInstanceOf(RedisBus);
    await bus.close();
  });
});
