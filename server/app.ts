import http from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import express from 'express';
import type { Logger } from 'pino';
import { LIMITS } from '../shared/limits.js';
import { AmqpConsumer, type AmqpConsumerOptions } from './amqp/amqp-consumer.js';
import { amqpEventSink } from './amqp/amqp-event-sink.js';
import { AmqpEventPublisher } from './amqp/amqp-event-publisher.js';
import { ensureMerchant } from './auth/merchant-keys.js';
import { ShopperTokens } from './auth/shopper-tokens.js';
import type { Bus } from './bus/bus.js';
import { setUpDemoShop } from './demo-shop.js';
import { createAuthenticator } from './http/authenticate.js';
import { answerProtocolErrorsAsJson } from './http/protocol-errors.js';
import { errorHandler, notFoundHandler, requireJson } from './http/error-handler.js';
import { refuseMalformedPath } from './http/path-guard.js';
import { rateLimiter, type RateLimits } from './http/rate-limit.js';
import { requireMetricsToken } from './http/metrics-auth.js';
import { RedisRateLimits } from './http/redis-rate-limits.js';
import { apiReferenceRoutes } from './http/api-reference.js';
import { demoRoutes } from './http/routes/demo.routes.js';
import { openApiRoutes } from './http/routes/openapi.routes.js';
import { meStateRoutes } from './http/routes/me-state.routes.js';
import { merchantRoutes } from './http/routes/merchant.routes.js';
import { merchantKeyRoutes } from './http/routes/merchant-key.routes.js';
import { replyRoutes } from './http/routes/reply.routes.js';
import { topicRoutes } from './http/routes/topic.routes.js';
import { Scheduler } from './scheduler/scheduler.js';
import { FanOutWorker } from './topics/fan-out-worker.js';
import { MessageRevisionService } from './services/message-revision.service.js';
import { ReplyService } from './services/reply.service.js';
import { pushRoutes } from './http/routes/push.routes.js';
import { shopperRoutes } from './http/routes/shopper.routes.js';
import { statsRoutes } from './http/routes/stats.routes.js';
import { securityHeaders, staticApp } from './http/static-app.js';
import { createMetrics, createWalMetrics } from './metrics.js';
import { EndpointAllowlist } from './push/endpoint-allowlist.js';
import { PreferencePushPolicy } from './push/preference-push-policy.js';
import { PushSender } from './push/push-sender.js';
import { HeldPushReleaser } from './push/held-push-releaser.js';
import { PushWorker, type PushPolicy } from './push/push-worker.js';
import type { RetryPolicy } from './push/retry-policy.js';
import { loadVapidKeys, type VapidKeys } from './push/vapid-keys.js';
import { VapidSigner } from './push/vapid-signer.js';
import { MessageStateService } from './services/message-state.service.js';
import { MessageService } from './services/message.service.js';
import { PreferencesService } from './services/preferences.service.js';
import { PushSubscriptionService } from './services/push-subscription.service.js';
import type { Store } from './store/store.js';
import { DeliveryCounter } from './stream/delivery-counter.js';
import { StreamServer } from './stream/stream-server.js';
import { UnavailableEventLog } from './store/unavailable-event-log.js';
import type { StreamLimitSettings } from './stream/stream-limits.js';
import proxyaddr from 'proxy-addr';
import { webhookRoutes } from './http/routes/webhook.routes.js';
import type { Resolver } from './webhooks/webhook-address-guard.js';
import type { EventSink } from './webhooks/event-sink.js';
import type { WebhookRetryPolicy } from './webhooks/webhook-retry.js';
import { WebhookService } from './webhooks/webhook.service.js';
import { WebhookTransport } from './webhooks/webhook-transport.js';
import { WebhookWorker } from './webhooks/webhook-worker.js';

export interface AppDeps {
  store: Store;
  bus: Bus;
  logger: Logger;
  /** Directory of the built PWA; omitted in API-only tests. */
  staticDir?: string;
  bootstrapMerchantKey?: string;
  demo?: boolean;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  trustProxy?: string;
  push?: PushDeps;
  /** Scheduler and topic fan-out settings (issue 5); tests shorten the polls. */
  lifecycle?: {
    schedulerPollMs?: number;
    fanOutBatchSize?: number;
    fanOutPollMs?: number;
    /** The clock of accepting and scheduling (epoch ms); tests of local-time delivery move it by hours. */
    now?: () => number;
  };
  /** Per merchant key and per IP; omitted means no limits (tests, embedders). main.ts passes the configured ones. */
  rateLimits?: RateLimits;
  /** Set: the rate limits are shared by every instance through this Redis (fail open if it does not answer). */
  rateLimitRedis?: { url: string; prefix?: string };
  /** When set, /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** Caps on /api/v1/stream per shopper and per IP, and the upgrade rate; omitted means none. main.ts passes the configured ones. */
  streamLimits?: StreamLimitSettings;
  /** RabbitMQ in (and events out): the caller owns and closes the connection; omitted means disabled. */
  amqp?: AmqpDeps;
  /** Issue 10: webhook delivery settings; every field has a production default. */
  webhooks?: WebhookDeps;
  /** Issue 10: further targets of the event outbox (e.g. the AMQP publisher), drained with the webhooks. */
  eventSinks?: EventSink[];
}

export interface WebhookDeps {
  /** WEBHOOK_ENDPOINT_ALLOWLIST: origins admitted although internal or plain http (tests); undefined admits none. */
  allowlist?: EndpointAllowlist;
  retry?: WebhookRetryPolicy;
  pollMs?: number;
  leaseMs?: number;
  timeoutMs?: number;
  /** DNS resolution of webhook hosts (tests simulate a name that resolves to a private address). */
  resolve?: Resolver;
  tls?: ConnectionOptions;
}

export type AmqpDeps = Pick<AmqpConsumerOptions, 'connection' | 'queue' | 'merchantKey' | 'prefetch' | 'requeueDelayMs' | 'lagPollMs'> & {
  /** The topic exchange events are published to; omitted: no publisher. */
  eventsExchange?: string;
};

/** Web Push settings; every field has a production default. */
export interface PushDeps {
  /** Configured keys; otherwise generated once and kept in the store. */
  vapidKeys?: VapidKeys;
  vapidSubject?: string;
  allowlist?: EndpointAllowlist;
  concurrency?: number;
  encryptThreads?: number;
  leaseMs?: number;
  pollMs?: number;
  timeoutMs?: number;
  retry?: RetryPolicy;
  policy?: PushPolicy;
  /** TLS options for push services (tests trust a local CA). */
  tls?: ConnectionOptions;
}

export interface App {
  server: http.Server;
  streams: StreamServer;
  pushWorker: PushWorker;
  /** Sends the summaries of held-back pushes (digests, deferred quiet hours) when due. */
  heldPushes: HeldPushReleaser;
  scheduler: Scheduler;
  fanOut: FanOutWorker;
  /** Set with deps.amqp.eventsExchange: publishes events to the shop's RabbitMQ with confirms. */
  amqpEvents?: AmqpEventPublisher;
  webhookWorker: WebhookWorker;
  /** Stops accepting, closes streams with 1001, waits for HTTP to drain, then stops the push worker. Leaves store and bus to their owner. */
  close(): Promise<void>;
}

/** Composes the whole server from its dependencies; the process (main.ts) owns their lifetimes. */
export async function createApp(deps: AppDeps): Promise<App> {
  const { store, bus, logger } = deps;
  const tokens = await ShopperTokens.fromStore(store);
  const auth = createAuthenticator(store, tokens);
  const metrics = createMetrics();
  const walMetrics = store.walStats && createWalMetrics(metrics.registry);
  const pushDeps = deps.push ?? {};
  const allowlist = pushDeps.allowlist ?? EndpointAllowlist.parse(undefined);
  const vapidKeys = await loadVapidKeys(store, pushDeps.vapidKeys);
  const leaseMs = pushDeps.leaseMs ?? 60_000;
  const sender = new PushSender({
    signer: new VapidSigner(vapidKeys, pushDeps.vapidSubject ?? 'mailto:admin@localhost'),
    allowlist,
    // A send must end well within its lease, or another worker could send it too.
    timeoutMs: pushDeps.timeoutMs ?? Math.min(20_000, Math.floor(leaseMs / 3)),
    ...(pushDeps.tls ? { tls: pushDeps.tls } : {}),
    ...(pushDeps.encryptThreads !== undefined ? { encryptThreads: pushDeps.encryptThreads } : {}),
  });
  const preferences = new PreferencesService({ store, bus, logger });
  // Facts that may record an event for the shop wake the webhook worker (set once it exists), so a
  // webhook goes out now rather than at the worker's next poll.
  const outbox = { wake: () => {} };
  const states = new MessageStateService({ store, bus, logger, outbox });
  const clock = deps.lifecycle?.now;
  // The shopper's preferences decide, unless a test or an embedder brings its own policy; quiet hours on the lifecycle's clock.
  const pushPolicy = pushDeps.policy ?? new PreferencePushPolicy(preferences, clock ? () => new Date(clock()) : undefined);
  const heldPushes = new HeldPushReleaser({
    store,
    transport: sender,
    logger,
    policy: pushPolicy,
    leaseMs,
    ...(pushDeps.retry ? { retry: pushDeps.retry } : {}),
    ...(clock ? { now: clock } : {}),
    ...(deps.lifecycle?.schedulerPollMs ? { pollMs: deps.lifecycle.schedulerPollMs } : {}),
  });
  const pushWorker = new PushWorker({
    outbox,
    store,
    transport: sender,
    logger,
    metrics,
    concurrency: pushDeps.concurrency ?? 64,
    leaseMs,
    ...(pushDeps.pollMs !== undefined ? { pollMs: pushDeps.pollMs } : {}),
    ...(pushDeps.retry ? { retry: pushDeps.retry } : {}),
    policy: pushPolicy,
    ...(clock ? { holdNow: clock } : {}),
    onHeld: () => heldPushes.wake(),
  });
  const subscriptions = new PushSubscriptionService({ store, allowlist });
  const lifecycleDeps = deps.lifecycle ?? {};
  const fanOut = new FanOutWorker({
    store,
    bus,
    logger,
    pushQueue: pushWorker,
    ...(lifecycleDeps.fanOutBatchSize ? { batchSize: lifecycleDeps.fanOutBatchSize } : {}),
    ...(lifecycleDeps.fanOutPollMs ? { pollMs: lifecycleDeps.fanOutPollMs } : {}),
  });
  const scheduler = new Scheduler({
    store,
    bus,
    logger,
    pushQueue: pushWorker,
    fanOut,
    steps: metrics.schedulerSteps,
    ...(lifecycleDeps.schedulerPollMs ? { pollMs: lifecycleDeps.schedulerPollMs } : {}),
    ...(lifecycleDeps.now ? { now: lifecycleDeps.now } : {}),
  });
  const messages = new MessageService({
    ...{ store, bus, logger, metrics, pushQueue: pushWorker, scheduler, fanOut },
    ...(clock ? { now: () => new Date(clock()) } : {}),
  });
  const revisions = new MessageRevisionService({ store, bus, logger, pushQueue: pushWorker });
  const replies = new ReplyService({ store, bus, logger, outbox });
  const webhookDeps = deps.webhooks ?? {};
  const webhooks = new WebhookService({
    store: store.webhooks,
    ...(webhookDeps.allowlist ? { allowlist: webhookDeps.allowlist } : {}),
    ...(webhookDeps.resolve ? { resolve: webhookDeps.resolve } : {}),
  });
  const webhookTransport = new WebhookTransport({
    ...(webhookDeps.allowlist ? { allowlist: webhookDeps.allowlist } : {}),
    ...(webhookDeps.resolve ? { resolve: webhookDeps.resolve } : {}),
    ...(webhookDeps.timeoutMs !== undefined ? { timeoutMs: webhookDeps.timeoutMs } : {}),
    ...(webhookDeps.tls ? { tls: webhookDeps.tls } : {}),
  });
  const amqpEvents = deps.amqp?.eventsExchange ? new AmqpEventPublisher({ connection: deps.amqp.connection, exchange: deps.amqp.eventsExchange }) : undefined;
  await amqpEvents?.start();
  // With AMQP the same events also go to the shop's exchange, drained from the one outbox like webhooks.
  const eventSinks = [...(deps.eventSinks ?? []), ...(amqpEvents ? [amqpEventSink(amqpEvents)] : [])];
  const webhookWorker = new WebhookWorker({
    store: store.webhooks,
    transport: webhookTransport,
    logger,
    sinks: eventSinks,
    ...(webhookDeps.retry ? { retry: webhookDeps.retry } : {}),
    ...(webhookDeps.pollMs !== undefined ? { pollMs: webhookDeps.pollMs } : {}),
    ...(webhookDeps.leaseMs !== undefined ? { leaseMs: webhookDeps.leaseMs } : {}),
  });
  outbox.wake = () => webhookWorker.wake();
  // After the worker checked the names, before anything can record an event: each event recorded from now on has a delivery for every sink.
  await store.webhooks.registerSinks(eventSinks.map((sink) => sink.name));
  if (deps.bootstrapMerchantKey) await ensureMerchant(store, 'bootstrap', deps.bootstrapMerchantKey);
  const demo = deps.demo ? await setUpDemoShop(store, messages) : undefined;
  // After the bootstrap merchant exists, so AMQP_MERCHANT_KEY may name it on a fresh start.
  const amqp = deps.amqp ? new AmqpConsumer({ ...deps.amqp, store, messages, logger, metrics }) : undefined;
  await amqp?.start();
  if (!amqp) metrics.amqpState.set({ state: 'disabled' }, 1);

  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy) app.set('trust proxy', deps.trustProxy);
  app.use(securityHeaders);
  app.use((req, res, next) => {
    const stop = metrics.httpRequests.startTimer({ method: req.method });
    // The matched route pattern, not the raw path, keeps label cardinality bounded.
    res.on('finish', () => stop({ route: (req.route?.path as string | undefined) ?? 'unmatched', status: res.statusCode }));
    next();
  });
  app.use(refuseMalformedPath);

  app.get('/healthz', async (_req, res) => {
    await store.ping();
    // 200 while the broker is away: the HTTP API still works; `amqp.state` says what the consumer is doing.
    res.json({ status: 'ok', store: store.kind, connections: streams.size, amqp: amqp?.health() ?? { state: 'disabled' } });
  });

  app.get('/metrics', requireMetricsToken(deps.metricsToken), async (_req, res) => {
    metrics.streamConnections.set(streams.size);
    if (walMetrics && store.walStats) walMetrics.record(await store.walStats());
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  const sharedLimits =
    deps.rateLimits && deps.rateLimitRedis
      ? await RedisRateLimits.open({ ...deps.rateLimitRedis, logger, onUnavailable: () => metrics.rateLimitUnavailable.inc() })
      : undefined;
  if (deps.rateLimits) api.use(rateLimiter(deps.rateLimits, sharedLimits && ((name, limit) => sharedLimits.buckets(name, limit))));
  api.use(requireJson);
  api.use(express.json({ limit: LIMITS.requestBodyBytes, strict: false }));
  api.use(merchantRoutes({ auth, messages, revisions, tokens, store }));
  api.use(merchantKeyRoutes({ auth, store }));
  api.use(topicRoutes({ auth, store }));
  api.use(replyRoutes({ auth, replies, store }));
  // Damaged rows of the log, told once whichever of /me/sync and the stream read them first.
  const unavailableEvents = new UnavailableEventLog(logger);
  api.use(shopperRoutes({ auth, store, unavailableEvents }));
  api.use(meStateRoutes({ auth, states, preferences }));
  api.use(pushRoutes({ auth, subscriptions, vapidPublicKey: vapidKeys.publicKey }));
  api.use(webhookRoutes({ auth, webhooks }));
  api.use(statsRoutes({ auth, store }));
  api.use(demoRoutes({ demo, tokens }));
  api.use(openApiRoutes());
  api.use(notFoundHandler);
  app.use('/api/v1', api);
  app.use(apiReferenceRoutes());

  if (deps.staticDir) app.use(staticApp(deps.staticDir));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const server = http.createServer(app);
  answerProtocolErrorsAsJson(server);
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  // Idle keep-alive connections stay open longer than a load balancer's or a client pool's
  // (60 s is the common default): the side that closes first must be the client, or a request
  // sent on a connection the server is just closing fails with ECONNRESET.
  server.keepAliveTimeout = 65_000;
  const deliveries = new DeliveryCounter(store, logger, undefined, outbox);
  const streams = new StreamServer({
    store,
    bus,
    tokens,
    logger,
    heartbeatMs: deps.heartbeatMs ?? 25_000,
    helloTimeoutMs: deps.helloTimeoutMs ?? 5_000,
    maxBufferedBytes: 4 * 1024 * 1024,
    replayPageSize: 500,
    deliveries,
    unavailableEvents,
    ...(deps.streamLimits ? { limits: deps.streamLimits } : {}),
    // The same client IP the HTTP rate limit sees, TRUST_PROXY applied.
    clientIp: (req) => proxyaddr(req, app.get('trust proxy fn') as (addr: string, i: number) => boolean),
  });
  server.on('upgrade', (req, socket, head) => streams.handleUpgrade(req, socket, head));
  pushWorker.start();
  heldPushes.start();
  scheduler.start();
  fanOut.start();
  webhookWorker.start();

  return {
    server,
    streams,
    pushWorker,
    heldPushes,
    scheduler,
    fanOut,
    ...(amqpEvents ? { amqpEvents } : {}),
    webhookWorker,
    async close() {
      streams.close();
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
        // Like HTTP draining: no new messages, those being stored finish and are acked.
        amqp?.stop(),
      ]);
      // Before the push worker, so nothing they deliver queues a push it would no longer see.
      await scheduler.stop();
      await fanOut.stop();
      await deliveries.close();
      // After HTTP has drained, so no request queues a push the worker would no longer see.
      await pushWorker.stop();
      await heldPushes.stop();
      await sender.close();
      await sharedLimits?.close();
      // Last: what the closing steps above recorded stays in the outbox for the next start.
      // Aborting sends in flight lets the worker's last step settle them (as retries) instead of waiting out their timeouts.
      await Promise.all([webhookWorker.stop(), webhookTransport.close()]);
      // After the worker that publishes through it.
      await amqpEvents?.close();
    },
  };
}
