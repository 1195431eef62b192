import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCALE_STORAGE_KEY } from '../i18n/i18n.js';
import { rememberOrdering, savedOrdering } from '../inbox/ordering-choice.js';
import { rememberSenderName, senderName } from '../preferences/sender-names.js';
import { THEME_STORAGE_KEY } from '../preferences/theme.js';
import { applyEvents } from '../sync/apply-events.js';
import { stubLocalStorage } from '../test-support/local-storage.js';
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

describe("the shopper's choices kept on the device", () => {
  let storage: Map<string, string>;

  beforeEach(() => {
    storage = stubLocalStorage();
  });
  afterEach(() => vi.unstubAllGlobals());

  /** Alice's inbox, with an ordering and a muted sender's name kept on the device, and the device's theme and language. */
  async function choicesOfAlice(): Promise<void> {
    await inboxOf('alice');
    rememberOrdering('smart');
    rememberSenderName({ id: 'seller-acme', name: 'Acme Outfitters' });
    storage.set(THEME_STORAGE_KEY, 'dark');
    storage.set(LOCALE_STORAGE_KEY, 'zh-CN');
  }

  function expectAliceForgotten(): void {
    expect(savedOrdering()).toBe('priority');
    expect(senderName('seller-acme')).toBeUndefined();
    // The theme and the language are the device's: the sign-in screen keeps them.
    expect(storage.get(THEME_STORAGE_KEY)).toBe('dark');
    expect(storage.get(LOCALE_STORAGE_KEY)).toBe('zh-CN');
  }

  it('stay when the same shopper follows a fresh link', async () => {
    await choicesOfAlice();
    await signIn('fresh-token', null);
    await confirmUser('alice');
    await releaseInboxForUnknownUser();
    expect(savedOrdering()).toBe('smart');
    expect(senderName('seller-acme')).toBe('Acme Outfitters');
  });

  it('go with the inbox on sign-out', async () => {
    await choicesOfAlice();
    await signOut();
    expectAliceForgotten();
  });

  it('go with the inbox on a demo sign-in as someone else', async () => {
    await choicesOfAlice();
    await signIn('bob-token', 'bob');
    expectAliceForgotten();
  });

  it('go with the inbox when the server names a different shopper', async () => {
    await choicesOfAlice();
    await signIn('bob-token', null);
    expect(savedOrdering()).toBe('smart');
    await confirmUser('bob');
    expectAliceForgotten();
  });

  it('go with the inbox before an HTTP sync whose user is unknown', async () => {
    await choicesOfAlice();
    await signIn('unknown-token', null);
    await releaseInboxForUnknownUser();
    expectAliceForgotten();
  });

  it('do not stop a sign-out when storage is refused', async () => {
    await inboxOf('alice');
    vi.stubGlobal('localStorage', {
      removeItem: () => {
        throw new Error('SecurityError');
      },
    });
    await signOut();
    expect(await readSession()).toBeUndefined();
  });
});
