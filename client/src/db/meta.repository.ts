import { INITIAL_CURSOR, type Cursor } from '../../../shared/event.schema.js';
import { db, type MetaKey } from './db.js';
import { forgetShopperStorage } from './shopper-storage.js';

/**
 * The shopper's sign-in as this device holds it. `userId` is null while the
 * token's owner is unknown: a `#token=` link is opaque to the client, the
 * server names its user in the stream's welcome frame.
 */
export interface Session {
  token: string;
  userId: string | null;
  /** The server rejected the token; the shopper needs a fresh sign-in link. */
  expired: boolean;
}

/*
 * (The smart inbox keeps its model in a `smartInbox` row, see
 * smart-inbox.repository.ts, and the inbox ordering and muted senders' names
 * are in localStorage, see shopper-storage.ts: they are this shopper's too,
 * and go with the inbox.)
 *
 * Three rows: `session` (above), `cursor` (seq of the last applied event) and
 * `owner` (the user whose messages the tables hold; absent means "whoever the
 * current token belongs to"). Keeping `owner` apart from the session is what
 * lets a shopper follow a fresh link without losing local read state, while a
 * different shopper on the same device never sees the previous one's inbox.
 */

async function get<T>(key: MetaKey): Promise<T | undefined> {
  const row = await db.meta.get(key);
  return row?.value as T | undefined;
}

export function readSession(): Promise<Session | undefined> {
  return get<Session>('session');
}

/** Whose messages the tables hold; undefined while they are whoever the current token belongs to. */
export function readOwner(): Promise<string | undefined> {
  return get<string>('owner');
}

export async function readCursor(): Promise<Cursor> {
  return (await get<Cursor>('cursor')) ?? INITIAL_CURSOR;
}

/** Only for use inside a transaction that also stores what the cursor covers. */
export async function writeCursor(cursor: Cursor): Promise<void> {
  await db.meta.put({ key: 'cursor', value: cursor });
}

/** Drops every message, queued change, preference and device-local choice of the shopper; the next sync starts from the beginning. */
async function wipeInbox(): Promise<void> {
  forgetShopperStorage();
  await db.messages.clear();
  await db.outbox.clear();
  await db.retracted.clear();
  await db.skipped.clear();
  await db.meta.bulkDelete(['cursor', 'owner', 'preferences', 'preferencesPending', 'smartInbox']);
}

/**
 * Stores a new token. With a known user (demo sign-in) a different owner's
 * inbox is wiped at once; with an unknown one it is kept until the server
 * names the user (see `confirmUser`). Returns false when nothing changed.
 */
export function signIn(token: string, userId: string | null): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.messages, db.outbox, db.retracted, db.skipped], async () => {
    const current = await get<Session>('session');
    if (current?.token === token) return false;
    const session: Session = { token, userId, expired: false };
    await db.meta.put({ key: 'session', value: session });
    if (userId !== null) await claimInbox(userId);
    return true;
  });
}

/**
 * The server said whose token this is. Returns true when the local inbox
 * belonged to someone else and was wiped, so the caller must resync from the
 * beginning instead of from the old cursor.
 */
export function confirmUser(userId: string): Promise<boolean> {
  return db.transaction('rw', [db.meta, db.messages, db.outbox, db.retracted, db.skipped], async () => {
    const current = await get<Session>('session');
    if (current && current.userId !== userId) {
      await db.meta.put({ key: 'session', value: { ...current, userId } });
    }
    return claimInbox(userId);
  });
}

async function claimInbox(userId: string): Promise<boolean> {
  const owner = await get<string>('owner');
  const wiped = owner !== undefined && owner !== userId;
  if (wiped) await wipeInbox();
  await db.meta.put({ key: 'owner', value: userId });
  return wiped;
}

/**
 * Before an HTTP sync with a token whose user is still unknown: if the inbox
 * has a known owner it may be someone else's, so start over. Afterwards the
 * tables have no owner, meaning they belong to the current token.
 */
export function releaseInboxForUnknownUser(): Promise<void> {
  return db.transaction('rw', [db.meta, db.messages, db.outbox, db.retracted, db.skipped], async () => {
    const session = await get<Session>('session');
    if (session?.userId !== null) return;
    if ((await get<string>('owner')) !== undefined) await wipeInbox();
  });
}

export function markSessionExpired(): Promise<void> {
  return db.transaction('rw', db.meta, async () => {
    const current = await get<Session>('session');
    if (current) await db.meta.put({ key: 'session', value: { ...current, expired: true } });
  });
}

/** Sign-out: nothing of the shopper stays on the device. */
export function signOut(): Promise<void> {
  return db.transaction('rw', [db.meta, db.messages, db.outbox, db.retracted, db.skipped], async () => {
    forgetShopperStorage();
    await db.messages.clear();
    await db.outbox.clear();
    await db.retracted.clear();
    await db.skipped.clear();
    await db.meta.clear();
  });
}
