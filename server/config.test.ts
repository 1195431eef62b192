import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has sensible defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', listenBacklog: 4096, demo: false, production: false, heartbeatMs: 25_000 });
    expect(loadConfig({ LISTEN_BACKLOG: '1024' }).listenBacklog).toBe(1024);
    expect(config.dataDir).toMatch(/data$/);
  });

  it('binds demo mode to loopback unless HOST says otherwise', () => {
    expect(loadConfig({}, ['--demo'])).toMatchObject({ demo: true, host: '127.0.0.1' });
    expect(loadConfig({ DEMO: '1', HOST: '0.0.0.0' })).toMatchObject({ demo: true, host: '0.0.0.0' });
  });

  it('accepts a PostgreSQL DATABASE_URL and a pool size', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, databasePoolSize: 10 });
    expect(loadConfig({ DATABASE_URL: 'postgresql://tidings:pw@db:5432/tidings', DATABASE_POOL_SIZE: '20' })).toMatchObject({
      databaseUrl: 'postgresql://tidings:pw@db:5432/tidings',
      databasePoolSize: 20,
    });
    expect(loadConfig({ DATABASE_URL: ' postgres://db/tidings ' }).databaseUrl).toBe('postgres://db/tidings');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ LISTEN_BACKLOG: '0' }, /LISTEN_BACKLOG/],
    [{ LISTEN_BACKLOG: 'deep' }, /LISTEN_BACKLOG/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ BOOTSTRAP_MERCHANT_KEY: 'short' }, /BOOTSTRAP_MERCHANT_KEY: must be at least 24/],
    [{ BOOTSTRAP_MERCHANT_KEY: 'sk_live_0123456789abcdefghijkl' }, /BOOTSTRAP_MERCHANT_KEY: must start with `tdk_`/],
    [{ BOOTSTRAP_MERCHANT_KEY: 'tdk_0123456789 abcdefghijkl' }, /BOOTSTRAP_MERCHANT_KEY: must be printable ASCII without spaces/],
    [{ BOOTSTRAP_MERCHANT_KEY: 'tdk_0123456789abcdéfghijkl' }, /BOOTSTRAP_MERCHANT_KEY: must be printable ASCII/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_URL: 'cache:6379' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ NODE_ENV: 'production', DEMO: '1' }, /demo mode/],
    [{ DATABASE_URL: 'mysql://db/tidings' }, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_URL: 'postgres://x', DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE/],
    [{ VAPID_SUBJECT: 'admin@shop.example' }, /VAPID_SUBJECT: must be a mailto: address or an https: URL/],
    [{ VAPID_PUBLIC_KEY: 'BAAA' }, /set both or neither/],
    [{ VAPID_PUBLIC_KEY: 'BAAA', VAPID_PRIVATE_KEY: 'AAAA' }, /VAPID_PUBLIC_KEY: must be unpadded base64url/],
    [{ PUSH_ENDPOINT_ALLOWLIST: 'http://10.0.0.5:8080' }, /PUSH_ENDPOINT_ALLOWLIST: .*only allowed for loopback/],
    [{ PUSH_ENDPOINT_ALLOWLIST: '*.com' }, /PUSH_ENDPOINT_ALLOWLIST/],
    [{ PUSH_CONCURRENCY: '0' }, /PUSH_CONCURRENCY/],
    [{ PUSH_ENCRYPT_THREADS: '-1' }, /PUSH_ENCRYPT_THREADS/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 16/],
    [{ STREAM_MAX_PER_SHOPPER: '-1' }, /STREAM_MAX_PER_SHOPPER/],
    [{ STREAM_MAX_PER_IP: 'many' }, /STREAM_MAX_PER_IP/],
    [{ STREAM_UPGRADE_BURST: '0' }, /STREAM_UPGRADE_BURST/],
  ])('refuses %j with a message naming it', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  it('reads the stream caps and upgrade rate, with defaults', () => {
    expect(loadConfig({}).streamLimits).toEqual({ maxPerShopper: 20, maxPerIp: 200, upgrades: { perSecond: 20, burst: 100 } });
    expect(
      loadConfig({ STREAM_MAX_PER_SHOPPER: '5', STREAM_MAX_PER_IP: '0', STREAM_UPGRADES_PER_SECOND: '2', STREAM_UPGRADE_BURST: '10' })
        .streamLimits,
    ).toEqual({ maxPerShopper: 5, maxPerIp: 0, upgrades: { perSecond: 2, burst: 10 } });
  });

  it('accepts a Redis URL for the bus between instances, and leaves it unset by default', () => {
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).redisUrl).toBe('redis://cache:6379');
    expect(loadConfig({ REDIS_URL: ' rediss://user:pw@cache.example:6380/0 ' }).redisUrl).toBe('rediss://user:pw@cache.example:6380/0');
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).toBeUndefined();
  });

  it('reads an optional Redis channel prefix, refusing one with spaces', () => {
    expect(loadConfig({ REDIS_PREFIX: ' shop-a: ' }).redisPrefix).toBe('shop-a:');
    expect(loadConfig({}).redisPrefix).toBeUndefined();
    expect(() => loadConfig({ REDIS_PREFIX: 'shop a' })).toThrow(/REDIS_PREFIX: must not contain spaces/);
  });

  it('does not echo a Redis password in its refusal', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@cache' })).toThrow(/^(?![\s\S]*hunter2)/);
  });

  it('reads Web Push settings, checking that the VAPID keys belong together', () => {
    const a = webpush.generateVAPIDKeys();
    const b = webpush.generateVAPIDKeys();
    const config = loadConfig({
      VAPID_PUBLIC_KEY: a.publicKey,
      VAPID_PRIVATE_KEY: a.privateKey,
      PUBLIC_URL: 'https://shop.example',
      PUSH_ENDPOINT_ALLOWLIST: 'default,http://127.0.0.1:9000',
    });
    expect(config.push).toMatchObject({ vapidKeys: a, vapidSubject: 'https://shop.example', concurrency: 64, leaseSeconds: 60 });
    expect(config.push.allowlist.allows('http://127.0.0.1:9000/p')).toBe(true);
    expect(config.push.allowlist.allows('https://fcm.googleapis.com/p')).toBe(true);
    expect(loadConfig({}).push).toMatchObject({ vapidKeys: undefined, vapidSubject: 'mailto:admin@localhost' });
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: a.publicKey, VAPID_PRIVATE_KEY: b.privateKey })).toThrow(
      /VAPID_PRIVATE_KEY: does not belong to VAPID_PUBLIC_KEY/,
    );
  });
});

describe('loadConfig: RabbitMQ in', () => {
  const key = 'tdk_amqp-config-test-key-0123456789';

  it('is off without AMQP_URL, and has defaults with it', () => {
    expect(loadConfig({}).amqp).toBeUndefined();
    expect(loadConfig({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AMQP_MERCHANT_KEY: key }).amqp).toEqual({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      queue: 'tidings.send',
      merchantKey: key,
      prefetch: 64,
      eventsExchange: 'tidings.events',
    });
    expect(
      loadConfig({ AMQP_URL: 'amqps://mq.shop.example/vhost', AMQP_MERCHANT_KEY: key, AMQP_QUEUE: 'shop.send', AMQP_PREFETCH: '8', AMQP_EVENTS_EXCHANGE: 'shop.events' }).amqp,
    ).toMatchObject({ queue: 'shop.send', prefetch: 8, eventsExchange: 'shop.events' });
  });

  it.each([
    [{ AMQP_URL: 'http://mq:5672', AMQP_MERCHANT_KEY: key }, /AMQP_URL: must be an amqp:\/\/ or amqps:\/\/ URL/],
    [{ AMQP_URL: 'mq:5672', AMQP_MERCHANT_KEY: key }, /AMQP_URL: must be an amqp:\/\/ or amqps:\/\/ URL/],
    [{ AMQP_URL: 'amqp://mq' }, /AMQP_MERCHANT_KEY: required when AMQP_URL is set/],
    [{ AMQP_URL: 'amqp://mq', AMQP_MERCHANT_KEY: key, AMQP_PREFETCH: '0' }, /AMQP_PREFETCH/],
    [{ AMQP_URL: 'amqp://mq', AMQP_MERCHANT_KEY: key, AMQP_QUEUE: 'my queue' }, /AMQP_QUEUE: must be printable ASCII without spaces/],
    [{ AMQP_MERCHANT_KEY: key }, /AMQP_MERCHANT_KEY: set without AMQP_URL/],
  ])('refuses %j with a message naming it', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  it('does not echo the broker password in its refusal', () => {
    const env = { AMQP_URL: 'http://user:s3cret-pass@mq', AMQP_MERCHANT_KEY: key };
    expect(() => loadConfig(env)).toThrow(/AMQP_URL/);
    expect(() => loadConfig(env)).not.toThrow(/s3cret-pass/);
  });
});
