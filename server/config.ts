import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './http/rate-limit.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimitSettings } from './stream/stream-limits.js';
import { AllowlistError, EndpointAllowlist } from './push/endpoint-allowlist.js';
import { checkVapidKeyPair, type VapidKeys } from './push/vapid-keys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, whether running from source or from dist/server. */
export const PACKAGE_ROOT = here.includes(`${path.sep}dist${path.sep}`)
  ? path.resolve(here, '..', '..', '..')
  : path.resolve(here, '..');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: optionalText,
  // Connections the kernel holds for the server before it accepts them (capped by net.core.somaxconn).
  LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65535).default(4096),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL (unset it to use the embedded SQLite store)')
      .optional(),
  ),
  // Connections each instance keeps to PostgreSQL; instances × pool size must stay under max_connections.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  REDIS_URL: optionalText.pipe(
    z
      .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL, e.g. redis://redis:6379' })
      .optional(),
  ),
  // Namespaces the Redis channels, so several deployments can share one Redis; default `tidings:`.
  REDIS_PREFIX: optionalText.pipe(z.string().regex(/^\S+$/, 'must not contain spaces').optional()),
  PUBLIC_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  VAPID_SUBJECT: optionalText.pipe(
    z
      .string()
      .regex(/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/, 'must be a mailto: address or an https: URL')
      .optional(),
  ),
  VAPID_PUBLIC_KEY: optionalText,
  VAPID_PRIVATE_KEY: optionalText,
  PUSH_ENDPOINT_ALLOWLIST: optionalText,
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  PUSH_ENCRYPT_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  PUSH_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
  // The documented key format: a key outside it could never be presented (Bearer takes one printable token; merchant routes want tdk_).
  BOOTSTRAP_MERCHANT_KEY: optionalText.pipe(
    z
      .string()
      .min(24, 'must be at least 24 characters (use `npm run merchant-key` to make one)')
      .regex(/^tdk_/, 'must start with `tdk_` (use `npm run merchant-key` to make one)')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (use `npm run merchant-key` to make one)')
      .optional(),
  ),
  STATIC_DIR: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEARTBEAT_MS: z.coerce.number().int().min(1000).max(300_000).default(25_000),
  TRUST_PROXY: optionalText,
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces').optional()),
  DEMO: optionalText,
  // Token buckets per merchant key and per client IP (0 turns one off); see server/http/rate-limit.ts.
  RATE_LIMIT_MERCHANT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(DEFAULT_RATE_LIMITS.merchant.perSecond),
  RATE_LIMIT_MERCHANT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMITS.merchant.burst),
  RATE_LIMIT_IP_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(DEFAULT_RATE_LIMITS.ip.perSecond),
  RATE_LIMIT_IP_BURST: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMITS.ip.burst),
  // Open streams per shopper and per client IP (0: no cap), and upgrades per IP; see server/stream/stream-limits.ts.
  STREAM_MAX_PER_SHOPPER: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_STREAM_LIMITS.maxPerShopper),
  STREAM_MAX_PER_IP: z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_STREAM_LIMITS.maxPerIp),
  STREAM_UPGRADES_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(DEFAULT_STREAM_LIMITS.upgrades.perSecond),
  STREAM_UPGRADE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_STREAM_LIMITS.upgrades.burst),
  // RabbitMQ in (server/amqp/): set AMQP_URL to consume `POST /api/v1/messages` bodies from AMQP_QUEUE.
  AMQP_URL: optionalText.pipe(z.url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL, e.g. amqp://guest:guest@localhost:5672' }).optional()),
  AMQP_QUEUE: optionalText.pipe(z.string().max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional()),
  AMQP_MERCHANT_KEY: optionalText,
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(10_000).default(64),
  AMQP_EVENTS_EXCHANGE: optionalText.pipe(z.string().max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional()),
  // Issue 10: origins webhooks may reach although private/loopback or plain http (same syntax as PUSH_ENDPOINT_ALLOWLIST).
  WEBHOOK_ENDPOINT_ALLOWLIST: optionalText,
});

export interface Config {
  production: boolean;
  port: number;
  host: string;
  /**
   * Room for connections not yet accepted. Node's default (511) fills when thousands of shoppers
   * reconnect in the same second, and each dropped SYN waits out TCP's 1 s, 3 s, 7 s retransmits
   * (bench/README.md, reconnect storm).
   */
  listenBacklog: number;
  dataDir: string;
  /** Set: the PostgreSQL store; unset: SQLite in dataDir. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string | undefined;
  /** Channel prefix on Redis; undefined: the bus default. */
  redisPrefix: string | undefined;
  publicUrl: string | undefined;
  bootstrapMerchantKey: string | undefined;
  staticDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  heartbeatMs: number;
  trustProxy: string | undefined;
  /** Set: /metrics needs it as a Bearer token. */
  metricsToken: string | undefined;
  demo: boolean;
  push: PushConfig;
  rateLimits: RateLimits;
  streamLimits: StreamLimitSettings;
  /** WEBHOOK_ENDPOINT_ALLOWLIST parsed; undefined: webhooks reach public https hosts only. */
  webhookAllowlist: EndpointAllowlist | undefined;
  /** Set when AMQP_URL is: the RabbitMQ consumer and event publisher. */
  amqp: AmqpConfig | undefined;
}

export interface AmqpConfig {
  url: string;
  queue: string;
  /** The merchant the queued messages are sent as; must exist at start (checked once the store is open). */
  merchantKey: string;
  prefetch: number;
  eventsExchange: string;
}

function amqpConfig(e: z.infer<typeof envSchema>): AmqpConfig | undefined {
  if (!e.AMQP_URL) {
    const stray = (['AMQP_QUEUE', 'AMQP_MERCHANT_KEY', 'AMQP_EVENTS_EXCHANGE'] as const).filter((name) => e[name] !== undefined);
    if (stray.length > 0) throw new ConfigError(`Invalid configuration:\n  ${stray.join(', ')}: set without AMQP_URL, so it would do nothing`);
    return undefined;
  }
  if (!e.AMQP_MERCHANT_KEY) {
    throw new ConfigError('Invalid configuration:\n  AMQP_MERCHANT_KEY: required when AMQP_URL is set (the merchant key queued messages are sent as)');
  }
  return {
    url: e.AMQP_URL,
    queue: e.AMQP_QUEUE ?? 'tidings.send',
    merchantKey: e.AMQP_MERCHANT_KEY,
    prefetch: e.AMQP_PREFETCH,
    eventsExchange: e.AMQP_EVENTS_EXCHANGE ?? 'tidings.events',
  };
}

export class ConfigError extends Error {}

export interface PushConfig {
  /** Configured VAPID keys; undefined means generate once and keep them in the store. */
  vapidKeys: VapidKeys | undefined;
  vapidSubject: string;
  allowlist: EndpointAllowlist;
  concurrency: number;
  /** Worker threads for RFC 8291 encryption; 0 encrypts on the event loop; undefined: cores − 1, at least 1. */
  encryptThreads: number | undefined;
  leaseSeconds: number;
}

function pushConfig(e: z.infer<typeof envSchema>): PushConfig {
  const problems: string[] = [];
  let vapidKeys: VapidKeys | undefined;
  if (e.VAPID_PUBLIC_KEY || e.VAPID_PRIVATE_KEY) {
    if (!e.VAPID_PUBLIC_KEY || !e.VAPID_PRIVATE_KEY) {
      problems.push('VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set both or neither');
    } else {
      vapidKeys = { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY };
      const problem = checkVapidKeyPair(vapidKeys);
      if (problem) problems.push(problem.replace(/^(VAPID_\w+)/, '$1:'));
    }
  }
  let allowlist = EndpointAllowlist.parse(undefined);
  try {
    allowlist = EndpointAllowlist.parse(e.PUSH_ENDPOINT_ALLOWLIST);
  } catch (err) {
    if (!(err instanceof AllowlistError)) throw err;
    problems.push(`PUSH_ENDPOINT_ALLOWLIST: ${err.message}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  // Apple refuses JWTs whose subject is a localhost URL, so the public https origin is the better default.
  const subject = e.VAPID_SUBJECT ?? (e.PUBLIC_URL?.startsWith('https://') ? e.PUBLIC_URL : 'mailto:admin@localhost');
  return {
    vapidKeys,
    vapidSubject: subject,
    allowlist,
    concurrency: e.PUSH_CONCURRENCY,
    encryptThreads: e.PUSH_ENCRYPT_THREADS,
    leaseSeconds: e.PUSH_LEASE_SECONDS,
  };
}

/** Reads and validates the environment once, at start, with messages that name the variable. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[] = []): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const demo = argv.includes('--demo') || e.DEMO === '1' || e.DEMO === 'true';
  if (demo && production) {
    throw new ConfigError('Invalid configuration:\n  demo mode (--demo or DEMO) is refused when NODE_ENV=production');
  }
  return {
    production,
    port: e.PORT,
    // Demo mode hands out a merchant key to any visitor, so it listens on loopback unless told otherwise.
    host: e.HOST ?? (demo ? '127.0.0.1' : '0.0.0.0'),
    listenBacklog: e.LISTEN_BACKLOG,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    publicUrl: e.PUBLIC_URL,
    bootstrapMerchantKey: e.BOOTSTRAP_MERCHANT_KEY,
    staticDir: path.resolve(e.STATIC_DIR ?? path.join(PACKAGE_ROOT, 'dist', 'client')),
    logLevel: e.LOG_LEVEL,
    heartbeatMs: e.HEARTBEAT_MS,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    demo,
    push: pushConfig(e),
    rateLimits: {
      merchant: { perSecond: e.RATE_LIMIT_MERCHANT_PER_SECOND, burst: e.RATE_LIMIT_MERCHANT_BURST },
      ip: { perSecond: e.RATE_LIMIT_IP_PER_SECOND, burst: e.RATE_LIMIT_IP_BURST },
    },
    streamLimits: {
      maxPerShopper: e.STREAM_MAX_PER_SHOPPER,
      maxPerIp: e.STREAM_MAX_PER_IP,
      upgrades: { perSecond: e.STREAM_UPGRADES_PER_SECOND, burst: e.STREAM_UPGRADE_BURST },
    },
    amqp: amqpConfig(e),
    webhookAllowlist: webhookAllowlist(e.WEBHOOK_ENDPOINT_ALLOWLIST),
  };
}

/** Unlike the push list there is no default: unset admits nothing beyond public https hosts. */
function webhookAllowlist(text: string | undefined): EndpointAllowlist | undefined {
  if (!text) return undefined;
  try {
    return EndpointAllowlist.parse(text);
  } catch (err) {
    if (!(err instanceof AllowlistError)) throw err;
    throw new ConfigError(`Invalid configuration:\n  WEBHOOK_ENDPOINT_ALLOWLIST: ${err.message}`);
  }
}
