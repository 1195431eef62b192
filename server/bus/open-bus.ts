import type { Logger } from 'pino';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory-bus.js';
import { RedisBus, redactUrl } from './redis-bus.js';

/**
 * The bus the configuration asks for: Redis pub/sub when REDIS_URL is set
 * (several instances), otherwise in-process (one instance). Fails at start if
 * Redis does not answer, so a misconfigured fleet is noticed at once rather
 * than running as islands.
 */
export async function openBus(redisUrl: string | undefined, logger: Logger, channelPrefix?: string): Promise<Bus> {
  if (!redisUrl) {
    logger.debug('in-process bus: live events reach streams on this instance only');
    return new MemoryBus();
  }
  const bus = await RedisBus.connect({ url: redisUrl, logger, ...(channelPrefix ? { channelPrefix } : {}) });
  logger.info({ redis: redactUrl(redisUrl) }, 'Redis bus connected: live events reach streams on every instance');
  return bus;
}
