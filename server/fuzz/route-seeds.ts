import { routeKey, type RouteInfo } from './route-table.js';

/** Real ids in the fuzzed server, so generated requests reach the stores and not only the 404s. */
export interface FuzzIds {
  /** The fuzz shopper's user id (its token is the shopper credential). */
  userId: string;
  /** Messages the fuzzer may touch: a user message to the fuzz shopper, a scheduled one. */
  messageIds: string[];
  topic: string;
  /** A push endpoint the server's allowlist accepts (a closed local port: nothing is really pushed). */
  pushEndpoint: string;
}

/** A valid P-256 public key and auth secret, so subscriptions pass validation and reach the store. */
const P256DH = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
const AUTH = 'BTBZMqHH6r4Tts7J_aSIgg';

/**
 * Valid requests per route: what the mutations start from. A route missing
 * here is still fuzzed (with random bodies and queries), just less deeply.
 */
export function seedsFor(route: RouteInfo, ids: FuzzIds): { bodies: unknown[]; queries: Record<string, string>[] } {
  const future = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  const now = new Date().toISOString();
  const message = { to: { userIds: [ids.userId] }, category: 'order', title: 'Order #1042 shipped' };
  // Most seeds carry `data`, the one free-form field, so mutations often land inside it.
  const data = { orderId: '1042', lines: [{ sku: 'A-1', qty: 2 }] };
  const seeds: Record<string, { bodies?: unknown[]; queries?: Record<string, string>[] }> = {
    'POST /api/v1/messages': {
      bodies: [
        message,
        { ...message, priority: 4, body: 'It is on its way', url: '/orders/1042', data: { orderId: '1042', items: [1, 2] }, collapseKey: 'order:1042' },
        { ...message, type: 'user', sender: { id: 'seller-1', name: 'Acme' }, data },
        { ...message, to: { topic: ids.topic }, actions: [{ title: 'Track', url: 'https://shop.example/track' }], expiresAt: future },
        { ...message, deliverAt: future, data },
        { ...message, repeat: { cron: '0 9 * * 1', tz: 'Europe/Paris' } },
        { ...message, to: { topic: ids.topic }, deliverAtLocal: future.slice(0, 16), fallbackTz: 'Asia/Tokyo', data },
        { ...message, repeat: { cron: '0 9 * * 1', tz: 'recipient' } },
      ],
    },
    'GET /api/v1/messages': {
      queries: [{ status: 'scheduled' }, { status: 'scheduled', limit: '1', after: ids.messageIds[0]! }, { order: 'newest', limit: '1' }],
    },
    'GET /api/v1/stats/deliveries': { queries: [{ from: now.slice(0, 10), to: now.slice(0, 10), tz: 'Europe/Paris' }] },
    'PATCH /api/v1/messages/:id': { bodies: [{ title: 'Order #1042 delivered' }, { data, priority: 5 }] },
    'POST /api/v1/shopper-tokens': { bodies: [{ userId: ids.userId }, { userId: 'other-shopper', ttlSeconds: 3600 }] },
    'GET /api/v1/messages/:id/replies': { queries: [{ limit: '10' }, { after: '', limit: '200' }] },
    'POST /api/v1/me/messages/:id/replies': { bodies: [{ body: 'Thanks, where is it now?' }] },
    'GET /api/v1/me/sync': { queries: [{ after: '0' }, { after: '1', limit: '500' }] },
    'POST /api/v1/me/state': {
      bodies: [{ changes: ids.messageIds.map((messageId) => ({ messageId, state: { read: { value: true, at: now }, archived: { value: false, at: now } } })) }],
    },
    'PUT /api/v1/me/preferences': {
      bodies: [
        {
          preferences: { mutedCategories: ['promotion'], minPushPriority: 2, quietHours: { start: '22:00', end: '07:00', allowUrgent: true }, timeZone: 'Europe/Paris' },
          changedAt: now,
        },
      ],
    },
    'POST /api/v1/me/push-subscriptions': {
      bodies: [{ endpoint: ids.pushEndpoint, expirationTime: null, keys: { p256dh: P256DH, auth: AUTH } }],
    },
    'DELETE /api/v1/me/push-subscriptions': { bodies: [{ endpoint: ids.pushEndpoint }] },
    'POST /api/v1/demo/sign-in': { bodies: [{ userId: ids.userId }] },
    'POST /api/v1/merchant-keys': { bodies: [{ name: 'Acme', role: 'seller' }, { name: 'Second shop', role: 'platform' }] },
  };
  const seed = seeds[routeKey(route)] ?? {};
  return { bodies: seed.bodies ?? [], queries: seed.queries ?? [] };
}

/** A plausible value for a path parameter, by its name. */
export function validParams(name: string, ids: FuzzIds): string[] {
  if (name === 'topic') return [ids.topic, 'store:acme'];
  if (name === 'id') return ids.messageIds;
  return [ids.userId];
}
