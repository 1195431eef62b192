import { syncEventSchema } from '../../../shared/event.schema.js';
import type { SkipReason } from '../db/db.js';
import type { IncomingEvent, SkippedEvent } from './apply-events.js';

/**
 * Validates one event of the log at the boundary (stream frame or sync page).
 * Never throws. An event this client cannot read — a kind added by a newer
 * server, a shape the schema refuses, or one whose validation throws (a
 * `data` nested deep enough to exhaust the stack) — becomes a skipped event,
 * so the cursor moves past it instead of asking for it forever. Without even
 * a seq it is null, which callers treat as a protocol error.
 */
export function decodeEvent(json: unknown): IncomingEvent | null {
  let parsed: ReturnType<typeof syncEventSchema.safeParse>;
  try {
    parsed = syncEventSchema.safeParse(json);
  } catch (error) {
    return skipped(json, 'parse-failed', error);
  }
  return parsed.success ? parsed.data : skipped(json, 'unreadable', parsed.error.issues);
}

function skipped(json: unknown, reason: SkipReason, detail: unknown): SkippedEvent | null {
  const facts = shallowFacts(json);
  if (!facts) return null;
  console.warn(`tidings: skipping event ${facts.seq}${facts.messageId ? ` (message ${facts.messageId})` : ''}, this version cannot read it`, detail);
  return { ...facts, kind: 'skipped', reason };
}

/**
 * Seq, kind and message id, read by hand from the top two levels only: the
 * schema just failed on this value, so nothing here may walk into it.
 */
function shallowFacts(json: unknown): Pick<SkippedEvent, 'seq' | 'eventKind' | 'messageId'> | null {
  try {
    if (!isRecord(json)) return null;
    const { seq, kind, message, messageId } = json;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return null;
    const facts: Pick<SkippedEvent, 'seq' | 'eventKind' | 'messageId'> = { seq };
    if (typeof kind === 'string') facts.eventKind = kind;
    const id = isRecord(message) ? message.id : messageId;
    if (typeof id === 'string') facts.messageId = id;
    return facts;
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
