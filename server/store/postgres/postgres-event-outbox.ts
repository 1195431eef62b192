import type { Pool, PoolClient } from 'pg';
import type { WebhookDelivery, WebhookEventType, WebhookSummary } from '../../../shared/webhook.schema.js';
import {
  deliveredFact,
  deliveredKey,
  eventRow,
  eventsColumn,
  eventsPattern,
  expiredFact,
  failedFact,
} from '../../webhooks/event-facts.js';
import type { ClaimedDelivery, DeliveryOutcome, EventFact, NewWebhook, WebhookStore } from '../../webhooks/webhook-store.js';
import { toDelivery, toWebhookRecord, toWebhookSummary, type DeliveryRow, type WebhookRow } from '../webhook-rows.js';
import { withTransaction } from './transaction.js';

type Pair = { messageId: string; userId: string };

/**
 * Stores the event (once per dedup key: a concurrent duplicate waits on the
 * unique index, then does nothing) and a delivery for each webhook and sink
 * that wants it, in the caller's transaction.
 */
export async function recordEvent(client: PoolClient, merchantId: string, fact: EventFact, now = Date.now()): Promise<boolean> {
  // Nobody listening (see SqliteEventOutbox.record): nothing stored.
  const listening = await client.query(
    `SELECT 1 FROM webhooks WHERE merchant_id = $1 AND disabled_at IS NULL UNION ALL SELECT 1 FROM event_sinks LIMIT 1`,
    [merchantId],
  );
  if (listening.rowCount === 0) return false;
  const { id, payloadJson } = eventRow(fact, now);
  const inserted = await client.query(
    `INSERT INTO event_outbox (id, merchant_id, type, dedup_key, payload_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (dedup_key) DO NOTHING`,
    [id, merchantId, fact.type, fact.dedupKey, payloadJson, now],
  );
  if (inserted.rowCount === 0) return false;
  await client.query(
    `INSERT INTO event_deliveries (event_id, target, due_at, created_at)
     SELECT $1::text, id, $2::bigint, $2::bigint FROM webhooks WHERE merchant_id = $3 AND disabled_at IS NULL AND events LIKE $4
     UNION ALL SELECT $1::text, 'sink:' || name, $2::bigint, $2::bigint FROM event_sinks`,
    [id, now, merchantId, eventsPattern(fact.type)],
  );
  return true;
}

/** `recordEvent` for the merchant who sent the message; nothing for a shopper's own reply or a message that is gone. */
export async function recordForMessage(client: PoolClient, fact: EventFact): Promise<boolean> {
  const { rows } = await client.query<{ merchant_id: string; status: string }>('SELECT merchant_id, status FROM messages WHERE id = $1', [
    fact.messageId,
  ]);
  const row = rows[0];
  if (!row || row.status === 'reply') return false;
  return recordEvent(client, row.merchant_id, fact);
}

/** Whether `recordForMessage` could store anything for this message (see SqliteEventOutbox.isListenedTo). */
async function isListenedTo(client: PoolClient, messageId: string): Promise<boolean> {
  const { rowCount } = await client.query(
    `SELECT 1 FROM messages m WHERE m.id = $1 AND m.status <> 'reply' AND EXISTS (
       SELECT 1 FROM webhooks WHERE merchant_id = m.merchant_id AND disabled_at IS NULL UNION ALL SELECT 1 FROM event_sinks)`,
    [messageId],
  );
  return (rowCount ?? 0) > 0;
}

/** See SqliteEventOutbox.recordPushOutcomes: the same rule, in the settle transaction. */
export async function recordPushOutcomes(client: PoolClient, pushed: readonly Pair[], failed: readonly Pair[]): Promise<void> {
  for (const { messageId, userId } of pushed) await recordForMessage(client, deliveredFact(messageId, userId, 'push'));
  for (const { messageId, userId } of failed) {
    const { rowCount } = await client.query(
      `SELECT 1 FROM push_jobs WHERE message_id = $1 AND user_id = $2 AND summary_json IS NULL
       UNION ALL SELECT 1 FROM event_outbox WHERE dedup_key = $3 LIMIT 1`,
      [messageId, userId, deliveredKey(messageId, userId)],
    );
    if (rowCount === 0) await recordForMessage(client, failedFact(messageId, userId));
  }
}

/** The PostgreSQL side of the outbox and webhooks; several instances share it (claims SKIP LOCKED). */
export class PostgresEventOutbox implements WebhookStore {
  constructor(private readonly pool: Pool) {}

  async createWebhook(webhook: NewWebhook): Promise<void> {
    const { id, merchantId, url, secret, events, createdAt } = webhook;
    await this.pool.query('INSERT INTO webhooks (id, merchant_id, url, secret, events, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      merchantId,
      url,
      secret,
      eventsColumn(events),
      createdAt,
    ]);
  }

  async countWebhooks(merchantId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM webhooks WHERE merchant_id = $1', [merchantId]);
    return rows[0]!.n;
  }

  async listWebhooks(merchantId: string): Promise<WebhookSummary[]> {
    const { rows } = await this.pool.query<WebhookRow>('SELECT * FROM webhooks WHERE merchant_id = $1 ORDER BY created_at, id', [merchantId]);
    return rows.map(toWebhookSummary);
  }

  async deleteWebhook(merchantId: string, id: string): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const own = await client.query('SELECT 1 FROM webhooks WHERE id = $1 AND merchant_id = $2 FOR UPDATE', [id, merchantId]);
      if (own.rowCount === 0) return false;
      await client.query('DELETE FROM event_deliveries WHERE target = $1', [id]);
      await client.query('DELETE FROM webhooks WHERE id = $1', [id]);
      return true;
    });
  }

  async listDeliveries(merchantId: string, webhookId: string, limit: number): Promise<WebhookDelivery[] | undefined> {
    const own = await this.pool.query('SELECT 1 FROM webhooks WHERE id = $1 AND merchant_id = $2', [webhookId, merchantId]);
    if (own.rowCount === 0) return undefined;
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT d.event_id, e.type, d.status, d.attempts, d.due_at, d.created_at, d.last_attempt_at,
              d.response_status, d.response_body, d.last_error
       FROM event_deliveries d JOIN event_outbox e ON e.id = d.event_id
       WHERE d.target = $1 ORDER BY d.created_at DESC, d.event_id DESC LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map(toDelivery);
  }

  async registerSinks(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.pool.query('INSERT INTO event_sinks (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING', [names]);
  }

  async recordLiveDeliveries(pairs: readonly Pair[]): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      // Asked once per message, not per pair (see SqliteEventOutbox.recordLiveDeliveries).
      const heard = new Map<string, boolean>();
      let recorded = 0;
      for (const { messageId, userId } of pairs) {
        let listened = heard.get(messageId);
        if (listened === undefined) heard.set(messageId, (listened = await isListenedTo(client, messageId)));
        if (listened && (await recordForMessage(client, deliveredFact(messageId, userId, 'live')))) recorded++;
      }
      return recorded;
    });
  }

  async recordExpiries(now: number, limit: number): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ message_id: string; expires_at: string }>(
        `DELETE FROM message_expiries WHERE message_id IN (
           SELECT message_id FROM message_expiries WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING message_id, expires_at`,
        [now, limit],
      );
      for (const { message_id, expires_at } of rows) {
        const message = await client.query<{ merchant_id: string; status: string; recipients: number; read: number }>(
          `SELECT merchant_id, status, recipients,
             (SELECT COUNT(*)::int FROM message_states WHERE message_id = m.id AND read) AS read
           FROM messages m WHERE id = $1`,
          [message_id],
        );
        const row = message.rows[0];
        // Withdrawn before it expired: the merchant already knows its fate.
        if (!row || row.status === 'cancelled' || row.status === 'retracted') continue;
        await recordEvent(client, row.merchant_id, expiredFact(message_id, Number(expires_at), row.recipients, row.read), now);
      }
      return rows.length;
    });
  }

  async claimDeliveries(now: number, leaseMs: number, limit: number, sinks: readonly string[]): Promise<ClaimedDelivery[]> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ event_id: string; target: string; attempts: number }>(
        `UPDATE event_deliveries d SET due_at = $1, attempts = d.attempts + 1
         FROM (SELECT event_id, target FROM event_deliveries
               WHERE status = 'pending' AND due_at <= $2
                 AND (target = ANY($3::text[]) OR target IN (SELECT id FROM webhooks WHERE disabled_at IS NULL))
               ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED) c
         WHERE d.event_id = c.event_id AND d.target = c.target
         RETURNING d.event_id, d.target, d.attempts - 1 AS attempts`,
        [now + leaseMs, now, sinks.map((name) => `sink:${name}`), limit],
      );
      if (rows.length === 0) return [];
      const events = await client.query<{ id: string; type: string; merchant_id: string; payload_json: string }>(
        'SELECT id, type, merchant_id, payload_json FROM event_outbox WHERE id = ANY($1::text[])',
        [rows.map((r) => r.event_id)],
      );
      const hooks = await client.query<WebhookRow>('SELECT * FROM webhooks WHERE id = ANY($1::text[])', [rows.map((r) => r.target)]);
      const eventById = new Map(events.rows.map((e) => [e.id, e]));
      const hookById = new Map(hooks.rows.map((h) => [h.id, h]));
      return rows.map(({ event_id, target, attempts }): ClaimedDelivery => {
        const event = eventById.get(event_id)!;
        const webhook = hookById.get(target);
        return {
          event: { id: event.id, type: event.type as WebhookEventType, merchantId: event.merchant_id, payloadJson: event.payload_json },
          target,
          attempts,
          ...(webhook ? { webhook: toWebhookRecord(webhook) } : {}),
        };
      });
    });
  }

  async settleDeliveries(outcomes: readonly DeliveryOutcome[], now: number): Promise<void> {
    if (outcomes.length === 0) return;
    await withTransaction(this.pool, async (client) => {
      for (const outcome of outcomes) {
        const { attempt } = outcome;
        const settled = await client.query(
          `UPDATE event_deliveries SET status = $1, last_attempt_at = $2, response_status = $3, response_body = $4, last_error = $5,
             due_at = coalesce($6, due_at)
           WHERE event_id = $7 AND target = $8 AND attempts = $9 + 1 AND status = 'pending'`,
          [
            outcome.kind === 'retry' ? 'pending' : outcome.kind,
            attempt.at,
            attempt.responseStatus ?? null,
            attempt.responseBody ?? null,
            attempt.error ?? null,
            outcome.kind === 'retry' ? outcome.dueAt : null,
            outcome.eventId,
            outcome.target,
            outcome.claimedAttempts,
          ],
        );
        // Someone else's lease by now: their outcome stands.
        if (settled.rowCount === 0 || outcome.target.startsWith('sink:')) continue;
        if (outcome.kind === 'delivered') await client.query('UPDATE webhooks SET failing_since = NULL WHERE id = $1', [outcome.target]);
        else await client.query('UPDATE webhooks SET failing_since = coalesce(failing_since, $1) WHERE id = $2', [now, outcome.target]);
        if (outcome.disableWebhook) {
          await client.query(
            'UPDATE webhooks SET disabled_at = coalesce(disabled_at, $1), disabled_reason = coalesce(disabled_reason, $2) WHERE id = $3',
            [new Date(now).toISOString(), outcome.disableWebhook, outcome.target],
          );
          await client.query(`UPDATE event_deliveries SET status = 'failed', last_error = $1 WHERE target = $2 AND status = 'pending'`, [
            `endpoint disabled: ${outcome.disableWebhook}`,
            outcome.target,
          ]);
        }
      }
    });
  }

  async pruneSettled(before: number, limit: number): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const deliveries = await client.query(
        `DELETE FROM event_deliveries WHERE ctid IN (
           SELECT ctid FROM event_deliveries WHERE status <> 'pending' AND created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [before, limit],
      );
      const events = await client.query(
        `DELETE FROM event_outbox WHERE id IN (
           SELECT id FROM event_outbox e WHERE created_at < $1
             AND NOT EXISTS (SELECT 1 FROM event_deliveries d WHERE d.event_id = e.id) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [before, limit],
      );
      return (deliveries.rowCount ?? 0) + (events.rowCount ?? 0);
    });
  }
}
