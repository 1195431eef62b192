import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEvents } from '../sync/apply-events.js';
import { messageEvent } from '../test-support/messages.js';
import { db } from './db.js';
import {
  confirmUser,
  markSessionExpired,
  readCursor,
  readSession,
  releaseInboxForUnknownUser,
  signIn,
  signOut,
} from './meta.repository.js';

beforeEach(async () => {
  await db.messages.clear();
  await db.meta.clear();
});

async function inboxOf(userId: string): Promise<void> {
  await signIn(`token-${userId}`, userId);
  await applyEvents([messageEvent(1), messageEvent(2)]);
}

describe('session and inbox ownership', () => {
  it('keeps the inbox when the same shopper follows a fresh link', async () => {
    await inboxOf('alice');
    await markSessionExpired();
    expect(await signIn('fresh-token', null)).toBe(true);
    expect(await readSession()).toEqual({ token: 'fresh-token', userId: null, expired: false });
    expect(await confirmUser('alice')).toBe(false);
    expect(await db.messages.count()).toBe(2);
    expect(await readCursor()).toBe('2');
  });

  it('wipes the inbox when the server names a different shopper', async () => {
    await inboxOf('alice');
    await signIn('bob-token', null);
    expect(await confirmUser('bob')).toBe(true);
    expect(await db.messages.count()).toBe(0);
    expect(await readCursor()).toBe('0');
    expect((await readSession())?.userId).toBe('bob');
  });

  it('wipes at once on a demo sign-in as someone else', async () => {
    await inboxOf('alice');
    await signIn('bob-token', 'bob');
    expect(await db.messages.count()).toBe(0);
  });

  it('ignores the same link followed twice', async () => {
    await inboxOf('alice');
    expect(await signIn('token-alice', null)).toBe(false);
    expect((await readSession())?.userId).toBe('alice');
  });

  it('starts over before an HTTP sync whose user is unknown, once', async () => {
    await inboxOf('alice');
    await signIn('unknown-token', null);
    await releaseInboxForUnknownUser();
    expect(await db.messages.count()).toBe(0);
    await applyEvents([messageEvent(1)]);
    await releaseInboxForUnknownUser();
    expect(await db.messages.count()).toBe(1);
    // The stream later names the user: what was synced meanwhile is theirs.
    expect(await confirmUser('carol')).toBe(false);
    expect(await db.messages.count()).toBe(1);
  });

  it('leaves nothing behind on sign-out', async () => {
    await inboxOf('alice');
    await signOut();
    expect(await db.messages.count()).toBe(0);
    expect(await readSession()).toBeUndefined();
    expect(await readCursor()).toBe('0');
  });
});
