import type Database from 'better-sqlite3';
import type { ClaimedHold, DigestSpec, HeldPushStore, HoldInput, SummaryRetry } from '../held-push-store.js';

interface HoldRow {
  user_id: string;
  hold_key: string;
  title: string | null;
}

function prepare(db: Database.Database) {
  const p = <P extends unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    recordDigest: p<[string, string, number, string | null]>(
      'INSERT INTO message_digests (message_id, digest_key, window_ms, title) VALUES (?, ?, ?, ?)',
    ),
    digestOf: p<[string], { digest_key: string; window_ms: number; title: string | null }>(
      'SELECT digest_key, window_ms, title FROM message_digests WHERE message_id = ?',
    ),
    openHold: p<[string, string, number, string | null]>(
      'INSERT OR IGNORE INTO held_pushes (user_id, hold_key, due_at, title) VALUES (?, ?, ?, ?)',
    ),
    addMessage: p<[string, string, string, number, number]>(
      'INSERT OR IGNORE INTO held_push_messages (user_id, hold_key, message_id, message_at, held_at) VALUES (?, ?, ?, ?, ?)',
    ),
    countDigested: p<[string]>('UPDATE message_digests SET digested = digested + 1 WHERE message_id = ?'),
    due: p<[number, number, number], HoldRow>(
      'SELECT user_id, hold_key, title FROM held_pushes WHERE due_at <= ? AND lease_until <= ? ORDER BY due_at LIMIT ?',
    ),
    lease: p<[number, string, string]>('UPDATE held_pushes SET lease_until = ? WHERE user_id = ? AND hold_key = ?'),
    covered: p<[string, string, number], { message_id: string }>(
      `SELECT message_id FROM held_push_messages WHERE user_id = ? AND hold_key = ? AND held_at <= ?
       ORDER BY message_at DESC, held_at DESC, rowid DESC`,
    ),
    dropMessages: p<[string, string, number]>('DELETE FROM held_push_messages WHERE user_id = ? AND hold_key = ? AND held_at <= ?'),
    remaining: p<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM held_push_messages WHERE user_id = ? AND hold_key = ?'),
    dropHold: p<[string, string]>('DELETE FROM held_pushes WHERE user_id = ? AND hold_key = ?'),
    reschedule: p<[number, string, string]>('UPDATE held_pushes SET due_at = ?, lease_until = 0 WHERE user_id = ? AND hold_key = ?'),
    moveMessages: p<[string, string, string, number]>(
      `INSERT OR IGNORE INTO held_push_messages (user_id, hold_key, message_id, message_at, held_at)
       SELECT user_id, ?, message_id, message_at, held_at FROM held_push_messages WHERE user_id = ? AND hold_key = ? AND held_at <= ?`,
    ),
    queueSummaryRetry: p<[string, string, string, number, string]>(
      'INSERT INTO push_jobs (message_id, user_id, endpoint, attempts, due_at, summary_json) VALUES (?, ?, ?, 1, ?, ?)',
    ),
    nextDue: p<[], { due_at: number }>('SELECT due_at FROM held_pushes ORDER BY due_at LIMIT 1'),
    digested: p<[string], { digested: number }>('SELECT digested FROM message_digests WHERE message_id = ?'),
  };
}

/** SQLite side of held pushes (see held-push-store.ts); each method is one transaction. */
export class SqliteHeldPushes implements HeldPushStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = prepare(db);
  }

  /** Inside the accept transaction. */
  recordDigest(messageId: string, digest: DigestSpec): void {
    this.s.recordDigest.run(messageId, digest.key, digest.windowMs, digest.title);
  }

  async digestOf(messageId: string): Promise<DigestSpec | undefined> {
    const row = this.s.digestOf.get(messageId);
    return row && { key: row.digest_key, windowMs: row.window_ms, title: row.title };
  }

  async hold(input: HoldInput): Promise<void> {
    this.db.transaction(() => {
      this.s.openHold.run(input.userId, input.holdKey, input.dueAt, input.title);
      const added = this.s.addMessage.run(input.userId, input.holdKey, input.messageId, input.messageAt, input.now).changes === 1;
      if (added && input.holdKey.startsWith('digest:')) this.s.countDigested.run(input.messageId);
    })();
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<ClaimedHold[]> {
    return this.db.transaction(() => {
      const claimed: ClaimedHold[] = [];
      for (const row of this.s.due.all(now, now, limit)) {
        this.s.lease.run(now + leaseMs, row.user_id, row.hold_key);
        const messageIds = this.s.covered.all(row.user_id, row.hold_key, now).map((m) => m.message_id);
        if (messageIds.length === 0) {
          this.s.dropHold.run(row.user_id, row.hold_key);
          continue;
        }
        claimed.push({ userId: row.user_id, holdKey: row.hold_key, title: row.title, messageIds, claimedAt: now });
      }
      return claimed;
    })();
  }

  async release(hold: ClaimedHold, retries: readonly SummaryRetry[] = []): Promise<void> {
    this.db.transaction(() => {
      for (const retry of retries) {
        this.s.queueSummaryRetry.run(retry.summary.messageIds[0]!, hold.userId, retry.endpoint, retry.dueAt, JSON.stringify(retry.summary));
      }
      this.dropCovered(hold);
    })();
  }

  async postpone(hold: ClaimedHold, dueAt: number): Promise<void> {
    this.s.reschedule.run(dueAt, hold.userId, hold.holdKey);
  }

  async moveTo(hold: ClaimedHold, holdKey: string, dueAt: number): Promise<void> {
    this.db.transaction(() => {
      this.s.openHold.run(hold.userId, holdKey, dueAt, null);
      this.s.moveMessages.run(holdKey, hold.userId, hold.holdKey, hold.claimedAt);
      this.dropCovered(hold);
    })();
  }

  async nextDueAt(): Promise<number | undefined> {
    return this.s.nextDue.get()?.due_at;
  }

  async digested(messageId: string): Promise<number> {
    return this.s.digested.get(messageId)?.digested ?? 0;
  }

  /** Drops the messages the claim covered; the hold goes when none is left, else is due again at once. */
  private dropCovered(hold: ClaimedHold): void {
    this.s.dropMessages.run(hold.userId, hold.holdKey, hold.claimedAt);
    if (this.s.remaining.get(hold.userId, hold.holdKey)!.n === 0) this.s.dropHold.run(hold.userId, hold.holdKey);
    else this.s.reschedule.run(hold.claimedAt, hold.userId, hold.holdKey);
  }
}
