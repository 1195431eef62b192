import type Database from 'better-sqlite3';
import type { WebhookDelivery, WebhookEventType, WebhookSummary } from '../../../shared/webhook.schema.js';
import { toDelivery, toWebhookRecord, toWebhookSummary, type DeliveryRow, type WebhookRow } from '../webhook-rows.js';
import { deliveredFact, deliveredKey, eventRow, eventsColumn, eventsPattern, expiredFact, failedFact } from '../../webhooks/event-facts.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  EventFact,
  NewWebhook,
  WebhookRecord,
  WebhookStore,
} from '../../webhooks/webhook-store.js';

type Pair = { messageId: string; userId: string };

/**
 * The SQLite side of the event outbox and webhooks. `record` and
 * `recordForMessage` are synchronous and run inside the caller's transaction
 * (push settle, state change, reply), so an event is stored with its fact or
 * not at all.
 */
export class SqliteEventOutbox implements WebhookStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      merchantOf: db.prepare<[string], { merchant_id: string; status: string }>('SELECT merchant_id, status FROM messages WHERE id = ?'),
      // Anyone listening: an enabled webhook of the merchant (for any type: message.failed needs
      // message.delivered recorded to know better), or a sink.
      listening: db.prepare<[string], { one: number }>(
        `SELECT 1 AS one FROM webhooks WHERE merchant_id = ? AND disabled_at IS NULL
         UNION ALL SELECT 1 FROM event_sinks LIMIT 1`,
      ),
      insertEvent: db.prepare<[string, string, string, string, string, number]>(
        `INSERT INTO event_outbox (id, merchant_id, type, dedup_key, payload_json, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dedup_key) DO NOTHING`,
      ),
      // A webhook that is disabled gets nothing new; one created later gets only later events.
      insertWebhookDeliveries: db.prepare<[string, number, number, string, string]>(
        `INSERT INTO event_deliveries (event_id, target, due_at, created_at)
         SELECT ?, id, ?, ? FROM webhooks WHERE merchant_id = ? AND disabled_at IS NULL AND events LIKE ?`,
      ),
      insertSinkDeliveries: db.prepare<[string, number, number]>(
        `INSERT INTO event_deliveries (event_id, target, due_at, created_at) SELECT ?, 'sink:' || name, ?, ? FROM event_sinks`,
      ),
      pendingPushJobs: db.prepare<[string, string], { one: number }>(
        // A held push summary's retry is not one of the message's pushes.
        'SELECT 1 AS one FROM push_jobs WHERE message_id = ? AND user_id = ? AND summary_json IS NULL LIMIT 1',
      ),
      eventExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM event_outbox WHERE dedup_key = ?'),
      insertWebhook: db.prepare<[string, string, string, string, string, string]>(
        'INSERT INTO webhooks (id, merchant_id, url, secret, events, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      countWebhooks: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM webhooks WHERE merchant_id = ?'),
      listWebhooks: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE merchant_id = ? ORDER BY created_at, id'),
      ownWebhook: db.prepare<[string, string], WebhookRow>('SELECT * FROM webhooks WHERE id = ? AND merchant_id = ?'),
      deleteWebhookDeliveries: db.prepare<[string]>('DELETE FROM event_deliveries WHERE target = ?'),
      deleteWebhook: db.prepare<[string]>('DELETE FROM webhooks WHERE id = ?'),
      listDeliveries: db.prepare<[string, number], DeliveryRow>(
        `SELECT d.event_id, e.type, d.status, d.attempts, d.due_at, d.created_at, d.last_attempt_at,
                d.response_status, d.response_body, d.last_error
         FROM event_deliveries d JOIN event_outbox e ON e.id = d.event_id
         WHERE d.target = ? ORDER BY d.created_at DESC, d.event_id DESC LIMIT ?`,
      ),
      registerSink: db.prepare<[string]>('INSERT INTO event_sinks (name) VALUES (?) ON CONFLICT (name) DO NOTHING'),
      dueExpiries: db.prepare<[number, number], { message_id: string; expires_at: number }>(
        'SELECT message_id, expires_at FROM message_expiries WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      ),
      deleteExpiry: db.prepare<[string]>('DELETE FROM message_expiries WHERE message_id = ?'),
      expiredMessage: db.prepare<[string], { merchant_id: string; status: string; recipients: number; read: number }>(
        `SELECT merchant_id, status, recipients,
           (SELECT COUNT(*) FROM message_states WHERE message_id = m.id AND read = 1) AS read
         FROM messages m WHERE id = ?`,
      ),
      lease: db.prepare<[number, number, string, number], { event_id: string; target: string; attempts: number }>(
        `UPDATE event_deliveries SET due_at = ?, attempts = attempts + 1
         WHERE rowid IN (
           SELECT rowid FROM event_deliveries
           WHERE status = 'pending' AND due_at <= ?
             AND (target IN (SELECT 'sink:' || value FROM json_each(?))
                  OR target IN (SELECT id FROM webhooks WHERE disabled_at IS NULL))
           ORDER BY due_at LIMIT ?)
         RETURNING event_id, target, attempts - 1 AS attempts`,
      ),
      eventById: db.prepare<[string], { id: string; type: string; merchant_id: string; payload_json: string }>(
        'SELECT id, type, merchant_id, payload_json FROM event_outbox WHERE id = ?',
      ),
      webhookById: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ?'),
      settle: db.prepare<[string, string | null, number | null, string | null, string | null, number | null, string, string, number]>(
        `UPDATE event_deliveries SET status = ?, last_attempt_at = ?, response_status = ?, response_body = ?, last_error = ?,
           due_at = coalesce(?, due_at)
         WHERE event_id = ? AND target = ? AND attempts = ? + 1 AND status = 'pending'`,
      ),
      webhookSucceeded: db.prepare<[string]>('UPDATE webhooks SET failing_since = NULL WHERE id = ?'),
      webhookFailed: db.prepare<[number, string]>('UPDATE webhooks SET failing_since = coalesce(failing_since, ?) WHERE id = ?'),
      disableWebhook: db.prepare<[string, string, string]>(
        'UPDATE webhooks SET disabled_at = coalesce(disabled_at, ?), disabled_reason = coalesce(disabled_reason, ?) WHERE id = ?',
      ),
      pruneDeliveries: db.prepare<[number, number]>(
        `DELETE FROM event_deliveries WHERE rowid IN (
           SELECT rowid FROM event_deliveries WHERE status <> 'pending' AND created_at < ? LIMIT ?)`,
      ),
      pruneEvents: db.prepare<[number, number]>(
        `DELETE FROM event_outbox WHERE id IN (
           SELECT id FROM event_outbox e WHERE created_at < ?
             AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id) LIMIT ?)`,
      ),
      failPending: db.prepare<[string, string]>(
        `UPDATE event_deliveries SET status = 'failed', last_error = ? WHERE target = ? AND status = 'pending'`,
      ),
    };
  }

  /**
   * Stores the event (once per dedup key) and a delivery for each webhook and
   * sink that wants it, in the caller's transaction. Nothing at all while the
   * merchant has no enabled webhook and no sink is registered, so a shop that
   * uses no webhooks pays one indexed lookup per fact.
   */
  record(merchantId: string, fact: EventFact, now = Date.now()): boolean {
    if (!this.s.listening.get(merchantId)) return false;
    const { id, payloadJson } = eventRow(fact, now);
    if (this.s.insertEvent.run(id, merchantId, fact.type, fact.dedupKey, payloadJson, now).changes === 0) return false;
    this.s.insertWebhookDeliveries.run(id, now, now, merchantId, eventsPattern(fact.type));
    this.s.insertSinkDeliveries.run(id, now, now);
    return true;
  }

  /** `record` for the merchant who sent the message; nothing for a shopper's own reply or a message that is gone. */
  recordForMessage(fact: EventFact): boolean {
    const row = this.s.merchantOf.get(fact.messageId);
    if (!row || row.status === 'reply') return false;
    return this.record(row.merchant_id, fact);
  }

  /**
   * Events of settled pushes, in the settle transaction: a push accepted is
   * `message.delivered`; a recipient whose last push job just failed for good,
   * with none accepted and no live delivery recorded, is `message.failed`.
   */
  recordPushOutcomes(pushed: readonly Pair[], failed: readonly Pair[]): void {
    // A settle batch is mostly one broadcast's pushes: who listens is looked up once per message,
    // not twice per push, and a shop without webhooks or sinks pays nothing more per push.
    const listeners = new Map<string, string | undefined>();
    const listenerOf = (messageId: string) => {
      if (!listeners.has(messageId)) listeners.set(messageId, this.listeningMerchantOf(messageId));
      return listeners.get(messageId);
    };
    for (const { messageId, userId } of pushed) {
      const merchantId = listenerOf(messageId);
      if (merchantId !== undefined) this.record(merchantId, deliveredFact(messageId, userId, 'push'));
    }
    for (const { messageId, userId } of failed) {
      const merchantId = listenerOf(messageId);
      if (merchantId === undefined) continue;
      if (this.s.pendingPushJobs.get(messageId, userId) || this.s.eventExists.get(deliveredKey(messageId, userId))) continue;
      this.record(merchantId, failedFact(messageId, userId));
    }
  }

  /** The merchant who sent the message when someone listens for its events (as in recordForMessage and record). */
  private listeningMerchantOf(messageId: string): string | undefined {
    const row = this.s.merchantOf.get(messageId);
    if (!row || row.status === 'reply' || !this.s.listening.get(row.merchant_id)) return undefined;
    return row.merchant_id;
  }

  async createWebhook(webhook: NewWebhook): Promise<void> {
    const { id, merchantId, url, secret, events, createdAt } = webhook;
    this.s.insertWebhook.run(id, merchantId, url, secret, eventsColumn(events), createdAt);
  }

  async countWebhooks(merchantId: string): Promise<number> {
    return this.s.countWebhooks.get(merchantId)!.n;
  }

  async listWebhooks(merchantId: string): Promise<WebhookSummary[]> {
    return this.s.listWebhooks.all(merchantId).map(toWebhookSummary);
  }

  async deleteWebhook(merchantId: string, id: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.s.ownWebhook.get(id, merchantId)) return false;
      this.s.deleteWebhookDeliveries.run(id);
      this.s.deleteWebhook.run(id);
      return true;
    })();
  }

  async listDeliveries(merchantId: string, webhookId: string, limit: number): Promise<WebhookDelivery[] | undefined> {
    if (!this.s.ownWebhook.get(webhookId, merchantId)) return undefined;
    return this.s.listDeliveries.all(webhookId, limit).map(toDelivery);
  }

  async registerSinks(names: readonly string[]): Promise<void> {
    this.db.transaction(() => {
      for (const name of names) this.s.registerSink.run(name);
    })();
  }

  async recordLiveDeliveries(pairs: readonly Pair[]): Promise<number> {
    return this.db.transaction(() => {
      // Asked once per message, not per pair: a broadcast's thousands of pairs cost one lookup when nobody listens.
      const heard = new Map<string, boolean>();
      let recorded = 0;
      for (const { messageId, userId } of pairs) {
        let listened = heard.get(messageId);
        if (listened === undefined) heard.set(messageId, (listened = this.isListenedTo(messageId)));
        if (listened && this.recordForMessage(deliveredFact(messageId, userId, 'live'))) recorded++;
      }
      return recorded;
    })();
  }

  /** Whether `recordForMessage` could store anything for this message: it exists, is no reply, and its merchant is listened to. */
  private isListenedTo(messageId: string): boolean {
    const row = this.s.merchantOf.get(messageId);
    return row !== undefined && row.status !== 'reply' && this.s.listening.get(row.merchant_id) !== undefined;
  }

  async recordExpiries(now: number, limit: number): Promise<number> {
    return this.db.transaction(() => {
      const due = this.s.dueExpiries.all(now, limit);
      for (const { message_id, expires_at } of due) {
        this.s.deleteExpiry.run(message_id);
        const message = this.s.expiredMessage.get(message_id);
        // Withdrawn before it expired: the merchant already knows its fate.
        if (!message || message.status === 'cancelled' || message.status === 'retracted') continue;
        this.record(message.merchant_id, expiredFact(message_id, expires_at, message.recipients, message.read), now);
      }
      return due.length;
    })();
  }

  async claimDeliveries(now: number, leaseMs: number, limit: number, sinks: readonly string[]): Promise<ClaimedDelivery[]> {
    return this.db.transaction(() => {
      const leased = this.s.lease.all(now + leaseMs, now, JSON.stringify(sinks), limit);
      return leased.map(({ event_id, target, attempts }): ClaimedDelivery => {
        const event = this.s.eventById.get(event_id)!;
        const webhook = target.startsWith('sink:') ? undefined : this.s.webhookById.get(target);
        return {
          event: { id: event.id, type: event.type as WebhookEventType, merchantId: event.merchant_id, payloadJson: event.payload_json },
          target,
          attempts,
          ...(webhook ? { webhook: toWebhookRecord(webhook) } : {}),
        };
      });
    })();
  }

  async settleDeliveries(outcomes: readonly DeliveryOutcome[], now: number): Promise<void> {
    this.db.transaction(() => {
      for (const outcome of outcomes) {
        const { attempt } = outcome;
        const status = outcome.kind === 'retry' ? 'pending' : outcome.kind;
        const settled = this.s.settle.run(
          status,
          attempt.at,
          attempt.responseStatus ?? null,
          attempt.responseBody ?? null,
          attempt.error ?? null,
          outcome.kind === 'retry' ? outcome.dueAt : null,
          outcome.eventId,
          outcome.target,
          outcome.claimedAttempts,
        );
        // Someone else's lease by now: their outcome stands.
        if (settled.changes === 0 || outcome.target.startsWith('sink:')) continue;
        if (outcome.kind === 'delivered') this.s.webhookSucceeded.run(outcome.target);
        else this.s.webhookFailed.run(now, outcome.target);
        if (outcome.disableWebhook) {
          this.s.disableWebhook.run(new Date(now).toISOString(), outcome.disableWebhook, outcome.target);
          this.s.failPending.run(`endpoint disabled: ${outcome.disableWebhook}`, outcome.target);
        }
      }
    })();
  }

  async pruneSettled(before: number, limit: number): Promise<number> {
    return this.db.transaction(() => this.s.pruneDeliveries.run(before, limit).changes + this.s.pruneEvents.run(before, limit).changes)();
  }
}
