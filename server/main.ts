import type { AddressInfo } from 'node:net';
import { AmqpConnection } from './amqp/amqp-connection.js';
import { createApp } from './app.js';
import { openBus } from './bus/open-bus.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { openStore } from './store/open-store.js';

/** The process: configuration, logging, signals. Composition lives in app.ts. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore(config, logger);
  const bus = await openBus(config.redisUrl, logger, config.redisPrefix);
  const amqp = config.amqp ? new AmqpConnection({ url: config.amqp.url, logger, name: `tidings ${process.pid}` }) : undefined;
  const app = await createApp({
    store,
    bus,
    logger,
    staticDir: config.staticDir,
    bootstrapMerchantKey: config.bootstrapMerchantKey,
    demo: config.demo,
    heartbeatMs: config.heartbeatMs,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    streamLimits: config.streamLimits,
    // With Redis, instances share their rate limits instead of each allowing the full rate.
    ...(config.redisUrl ? { rateLimitRedis: { url: config.redisUrl, ...(config.redisPrefix ? { prefix: config.redisPrefix } : {}) } } : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    ...(config.amqp && amqp
      ? {
          amqp: {
            connection: amqp,
            queue: config.amqp.queue,
            merchantKey: config.amqp.merchantKey,
            prefetch: config.amqp.prefetch,
            eventsExchange: config.amqp.eventsExchange,
          },
        }
      : {}),
    ...(config.webhookAllowlist ? { webhooks: { allowlist: config.webhookAllowlist } } : {}),
    push: {
      vapidKeys: config.push.vapidKeys,
      vapidSubject: config.push.vapidSubject,
      allowlist: config.push.allowlist,
      concurrency: config.push.concurrency,
      ...(config.push.encryptThreads !== undefined ? { encryptThreads: config.push.encryptThreads } : {}),
      leaseMs: config.push.leaseSeconds * 1000,
    },
  });

  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
    app.server.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, resolve);
  });
  const { port } = app.server.address() as AddressInfo;
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info({ port, host: config.host, store: store.kind, dataDir: config.dataDir, demo: config.demo }, 'Tidings listening');
  if (config.demo) {
    process.stdout.write(
      `\n  Tidings demo shop is running.\n  Inbox:            http://${shown}:${port}/\n  Merchant console: http://${shown}:${port}/console.html\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await amqp?.close();
    await bus.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Tidings failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
