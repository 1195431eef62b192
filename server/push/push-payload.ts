import { LIMITS } from '../../shared/limits.js';
import type { Message } from '../../shared/message.schema.js';
import {
  PUSH_PAYLOAD_VERSION,
  type PushPayload,
  type RetractionPushPayload,
  type SummaryPushPayload,
} from '../../shared/push.schema.js';

const encoder = new TextEncoder();

/** A payload around a message, marked truncated when the message was cut to fit. */
type Wrap = (message: Message, truncated: boolean) => PushPayload | SummaryPushPayload;

function serialise(payload: PushPayload | SummaryPushPayload): { json: string; bytes: number } {
  const json = JSON.stringify(payload);
  return { json, bytes: encoder.encode(json).length };
}

/** Cuts a string to at most `length` code points without splitting a surrogate pair. */
function cut(text: string, length: number): string {
  return Array.from(text).slice(0, length).join('');
}

/**
 * The plaintext of a message's push, within the Web Push ceiling. A message
 * that does not fit loses, in order, what the notification can do without:
 * `data` and `image`, then as much of `body` as needed, then `icon` and
 * `actions`, then `url`. The rest (title, ids, category, priority, times,
 * collapseKey) always fits, and `truncated: true` tells the service worker to
 * fetch the whole message.
 */
export function buildPushPayload(message: Message, maxBytes: number = LIMITS.pushPlaintextBytes): string {
  return fitted(
    (candidate, truncated) => ({ v: PUSH_PAYLOAD_VERSION, kind: 'message', message: candidate, ...(truncated ? { truncated } : {}) }),
    message,
    maxBytes,
  );
}

/** What a summary says beside its newest message (see SummaryPushPayload). */
export type Summary = Pick<SummaryPushPayload, 'reason' | 'count' | 'title'>;

/** The plaintext of a summary push: the newest message cut like any message's, so it fits too. */
export function buildSummaryPayload(summary: Summary, newest: Message, maxBytes: number = LIMITS.pushPlaintextBytes): string {
  return fitted(
    (candidate, truncated) => ({ v: PUSH_PAYLOAD_VERSION, kind: 'summary', ...summary, message: candidate, ...(truncated ? { truncated } : {}) }),
    newest,
    maxBytes,
  );
}

/** A digest's title as the merchant wrote it, `{count}` filled in. */
export function summaryTitle(template: string, count: number): string {
  return template.replaceAll('{count}', String(count));
}

function fitted(wrap: Wrap, message: Message, maxBytes: number): string {
  const whole = serialise(wrap(message, false));
  if (whole.bytes <= maxBytes) return whole.json;

  const { data: _data, image: _image, ...lean } = message;
  const attempt = (candidate: Message) => serialise(wrap(candidate, true));
  const withoutBody: Message = { ...lean };
  delete withoutBody.body;
  const bare = attempt(withoutBody);

  if (bare.bytes <= maxBytes) {
    if (lean.body === undefined) return bare.json;
    const withBody = attempt(lean);
    if (withBody.bytes <= maxBytes) return withBody.json;
    // Binary search for the longest body prefix that fits; an ellipsis marks the cut.
    const chars = Array.from(lean.body).length;
    let low = 0;
    let high = chars;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (attempt({ ...lean, body: `${cut(lean.body, mid)}…` }).bytes <= maxBytes) low = mid;
      else high = mid - 1;
    }
    return low > 0 ? attempt({ ...lean, body: `${cut(lean.body, low)}…` }).json : bare.json;
  }

  const { icon: _icon, actions: _actions, ...plainer } = withoutBody;
  const plain = attempt(plainer);
  if (plain.bytes <= maxBytes) return plain.json;
  const { url: _url, ...minimal } = plainer;
  return attempt(minimal).json;
}

/** The plaintext of a retraction push: only the id, so it always fits. */
export function buildRetractionPayload(messageId: string): string {
  const payload: RetractionPushPayload = { v: PUSH_PAYLOAD_VERSION, kind: 'retracted', messageId };
  return JSON.stringify(payload);
}
