import { describeIssues } from '../../../shared/errors.js';
import { PRIORITY, repeatSchema, sendMessageRequestSchema, type Message } from '../../../shared/message.schema.js';
import { RECIPIENT_ZONE, repeatProblems } from '../../../shared/recurrence.js';
import { isSafeImageUrl, isSafeUrl } from '../../../shared/safe-url.js';
import type { ErrorIssue } from '../api/api-error.js';
import type { SendMessageInput } from './send-message.service.js';

/** Expiry: minutes from the moment of sending (0 for never), or a date and time of its own. */
export type Expiry = number | 'at';

/**
 * When the message goes out: at once, at one instant, at a wall-clock time in
 * each shopper's own zone, or on a cron (in one zone or each shopper's).
 */
export type When = 'now' | 'at' | 'local' | 'repeat';

/**
 * A digest as the form holds it, in the shape of the message's `digest`
 * (`{ key, windowSeconds, title? }`): the pushes of messages with the same key
 * to one shopper within the window fold into one.
 */
export interface DigestDraft {
  /** The "Group pushes" switch: off by default, and what is typed stays while it is off. */
  on: boolean;
  key: string;
  windowSeconds: number;
  title: string;
}

export interface ActionDraft {
  title: string;
  url: string;
}

/** What the merchant has typed, as typed. */
export interface SendFormState {
  audience: 'shoppers' | 'topic';
  /** The demo shoppers ticked (demo mode). */
  shopperIds: string[];
  /** Ids typed as a list (a real shop's console). */
  userIdsText: string;
  topic: string;
  category: string;
  priority: number;
  title: string;
  body: string;
  url: string;
  icon: string;
  image: string;
  collapseKey: string;
  actions: ActionDraft[];
  expiry: Expiry;
  /** `datetime-local` values: wall time in the browser's zone, without an offset. */
  expiresAtLocal: string;
  when: When;
  /** The instant for "at a time", or the first possible run of a repeat (browser's zone). */
  deliverAtLocal: string;
  /** "YYYY-MM-DDTHH:MM" read on each shopper's own clock (`deliverAtLocal` of the request). */
  shopperLocalAt: string;
  /** The zone of shoppers who never chose one, for shopper-local times. */
  fallbackTz: string;
  repeatCron: string;
  /** An IANA zone, or "recipient" for each shopper's own. */
  repeatTz: string;
  digest: DigestDraft;
}

export function emptyForm(shopperIds: string[], timeZone: string): SendFormState {
  return {
    audience: 'shoppers',
    shopperIds,
    userIdsText: '',
    topic: '',
    category: 'order',
    priority: PRIORITY.default,
    title: '',
    body: '',
    url: '',
    icon: '',
    image: '',
    collapseKey: '',
    actions: [],
    expiry: 0,
    expiresAtLocal: '',
    when: 'now',
    deliverAtLocal: '',
    shopperLocalAt: '',
    fallbackTz: 'UTC',
    repeatCron: '',
    repeatTz: timeZone,
    digest: { on: false, key: '', windowSeconds: 15 * 60, title: '' },
  };
}

/** "alice, bob\ncarol" → ["alice", "bob", "carol"], each once. */
export function parseUserIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

/**
 * A `datetime-local` value as an instant. What the browser cannot read is
 * passed on as typed, so the shared schema names the field instead of the
 * form dropping it.
 */
export function localToInstant(local: string): string {
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

/**
 * The `POST /api/v1/messages` body for what is in the form. Empty optional
 * fields are left out rather than sent as ""; every action row is kept (an
 * empty one is an error on its own row, not silently dropped).
 */
export function requestOf(form: SendFormState, demoMode: boolean, now: number): SendMessageInput {
  const userIds = demoMode ? form.shopperIds : parseUserIds(form.userIdsText);
  const to = form.audience === 'topic' ? { topic: form.topic.trim() } : { userIds };
  const request: SendMessageInput = { to, category: form.category, priority: form.priority, title: form.title };
  if (form.body.trim()) request.body = form.body;
  for (const key of ['url', 'icon', 'image', 'collapseKey'] as const) {
    if (form[key].trim()) request[key] = form[key].trim();
  }
  if (form.actions.length > 0) request.actions = form.actions.map((action) => ({ title: action.title.trim(), url: action.url.trim() }));
  if (form.expiry === 'at') request.expiresAt = localToInstant(form.expiresAtLocal);
  else if (form.expiry > 0) request.expiresAt = new Date(now + form.expiry * 60_000).toISOString();
  Object.assign(request, timingOf(form));
  const digest = digestOf(form);
  if (digest) request.digest = digest;
  return request;
}

/**
 * The timing fields for the "When" choice; what the other choices hold stays in
 * the form (switching back keeps it) but is not sent. "At a time" with no time
 * passes "" on, for the schema to name the field.
 */
function timingOf(form: SendFormState): Pick<SendMessageInput, 'deliverAt' | 'deliverAtLocal' | 'fallbackTz' | 'repeat'> {
  const onShopperClock = form.when === 'local' || (form.when === 'repeat' && form.repeatTz === RECIPIENT_ZONE);
  const fallback = onShopperClock && form.fallbackTz ? { fallbackTz: form.fallbackTz } : {};
  if (form.when === 'at') return { deliverAt: localToInstant(form.deliverAtLocal) };
  if (form.when === 'local') return { deliverAtLocal: form.shopperLocalAt, ...fallback };
  if (form.when !== 'repeat') return {};
  const start = form.deliverAtLocal ? { deliverAt: localToInstant(form.deliverAtLocal) } : {};
  return { ...start, repeat: { cron: form.repeatCron.trim(), ...(form.repeatTz ? { tz: form.repeatTz } : {}) }, ...fallback };
}

/**
 * The message's `digest` while the switch is on, or undefined. A repeat cannot
 * have one (the fieldset says so), so it is not sent then. An empty key is
 * sent as "", for the schema to name the field rather than the form dropping it.
 */
export function digestOf(form: SendFormState): { key: string; windowSeconds: number; title?: string } | undefined {
  if (!form.digest.on || form.when === 'repeat') return undefined;
  const key = form.digest.key.trim();
  const title = form.digest.title.trim();
  return { key, windowSeconds: form.digest.windowSeconds, ...(title ? { title } : {}) };
}

/**
 * Every issue the server would answer `validation-failed` with, checked with
 * the same code: the shared schema, then the recurrence the way the
 * scheduler will run it. Issues are `{ path, message }`, as the server sends them.
 */
export function checkRequest(request: SendMessageInput, now: number): ErrorIssue[] {
  const parsed = sendMessageRequestSchema.safeParse(request);
  const issues = parsed.success ? [] : describeIssues(parsed.error);
  const repeat = repeatSchema.safeParse(request.repeat);
  if (request.repeat && repeat.success) issues.push(...repeatProblems(repeat.data, now));
  return issues;
}

/**
 * The message as a shopper's device would receive it, for the previews.
 * Links and pictures that would be refused are left out, so the preview never
 * renders a `javascript:` link or loads what the server would not accept.
 */
export function previewMessageOf(request: SendMessageInput, untitled: string, now: number): Message {
  const safe = (url: string | undefined, isSafe = isSafeUrl) => (url !== undefined && isSafe(url) ? url : undefined);
  const message: Message = {
    id: 'preview',
    type: request.deliverAt || request.deliverAtLocal || request.repeat ? 'scheduled' : 'system',
    category: request.category,
    priority: request.priority ?? PRIORITY.default,
    title: request.title.trim() || untitled,
    createdAt: new Date(now).toISOString(),
  };
  if (request.body) message.body = request.body;
  const url = safe(request.url);
  const icon = safe(request.icon, isSafeImageUrl);
  const image = safe(request.image, isSafeImageUrl);
  if (url) message.url = url;
  if (icon) message.icon = icon;
  if (image) message.image = image;
  if (request.collapseKey) message.collapseKey = request.collapseKey;
  const actions = (request.actions ?? []).filter((action) => action.title && isSafeUrl(action.url));
  if (actions.length > 0) message.actions = actions;
  return message;
}
