import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/inbox/ranking.js';
import { DEFAULT_PREFERENCES, type Preferences } from '../../../shared/preferences.schema.js';
import { db } from '../db/db.js';
import { confirmUser, signIn, signOut } from '../db/meta.repository.js';
import { readSmartInbox, writeSmartInbox, type SmartInboxRow } from '../db/smart-inbox.repository.js';
import { SmartInbox } from './smart-inbox.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 10, 19, 30);

let preferences: Preferences;
let clock: number;
const smartInbox = () =>
  new SmartInbox({
    loadPreferences: async () => preferences,
    updatePreferences: async (update) => (preferences = update(preferences)),
    now: () => clock,
  });

let counter = 0;
const message = (category: string, priority = 3): Message => ({
  id: `m${++counter}`,
  type: 'system',
  category,
  priority,
  title: 't',
  createdAt: new Date(clock - HOUR).toISOString(),
});

/** A shopper of this device, as the app has one whenever the smart inbox learns. */
async function signedIn(): Promise<void> {
  await db.meta.clear();
  await signIn('token-1', 'shopper-1');
}

/** What the device holds of the smart inbox. */
async function saved(): Promise<SmartInboxRow> {
  return (await readSmartInbox()).state;
}

beforeEach(async () => {
  await signedIn();
  preferences = { ...DEFAULT_PREFERENCES, timeZone: 'UTC' };
  clock = NOW;
});

/** A shopper who opened 15 offers, each a little later than the one before. */
async function opensOffers(inbox: SmartInbox): Promise<void> {
  for (let i = 0; i < 15; i++) {
    clock += HOUR;
    await inbox.learn(message('promotion'), 'opened');
  }
}

/** Alice's smart inbox on this device, after she opened 15 offers. */
async function offersOpenedByAlice(): Promise<SmartInbox> {
  await signIn('token-alice', 'alice');
  const inbox = smartInbox();
  await inbox.load();
  await opensOffers(inbox);
  return inbox;
}

describe('SmartInbox', () => {
  it('keeps what it learned across a restart', async () => {
    const first = smartInbox();
    await first.load();
    await opensOffers(first);
    const offer = message('promotion');
    const reasons = first.explain(offer, clock);
    expect(reasons.map((r) => r.key)).toContain('ranking.opensCategory');
    await first.save();

    const second = smartInbox();
    await second.load();
    expect(second.explain(offer, clock)).toEqual(reasons);
  });

  it('keeps a lesson given before the state was restored (a notification opened the app)', async () => {
    const inbox = smartInbox();
    const lessons = [];
    for (let i = 0; i < 15; i++) {
      clock += HOUR;
      lessons.push(inbox.learn(message('promotion'), 'opened'));
    }
    await inbox.load();
    await Promise.all(lessons);
    expect(inbox.explain(message('promotion'), clock).map((r) => r.key)).toContain('ranking.opensCategory');
  });

  it('reads the clock in the time zone the shopper chose, keeping what it learned', async () => {
    const inbox = smartInbox();
    await inbox.load();
    // For a month: offers opened every evening (UTC) and dismissed every morning; chats dismissed.
    for (let day = 0; day < 30; day++) {
      clock += 12 * HOUR;
      await inbox.learn(message('promotion'), 'dismissed');
      await inbox.learn(message('chat'), 'dismissed');
      clock += 12 * HOUR;
      await inbox.learn(message('promotion'), 'opened');
    }
    const offer = message('promotion');
    const before = inbox.explain(offer, clock);
    await inbox.setTimeZone('Asia/Shanghai');
    const after = inbox.explain(offer, clock);
    expect(after.map((r) => r.key)).toContain('ranking.opensCategory');
    // In Shanghai the same instant is early morning, a time of day nothing was learned about.
    expect(before.map((r) => r.key)).toContain('ranking.opensAtThisTime');
    expect(after.map((r) => r.key)).not.toContain('ranking.opensAtThisTime');
  });

  it('learns an interaction once per message', async () => {
    const offer = message('promotion');
    const learnedAfter = async (times: number) => {
      await signedIn();
      const inbox = smartInbox();
      await inbox.load();
      for (let i = 0; i < times; i++) await inbox.learn(offer, 'opened');
      await inbox.save();
      return saved();
    };
    const once = await learnedAfter(1);
    expect(once).not.toEqual(await learnedAfter(0));
    expect(await learnedAfter(15)).toEqual(once);
  });

  it('forgets everything on reset, keeping the suggestions switch, and orders statically again', async () => {
    const inbox = smartInbox();
    await inbox.load();
    await inbox.setSuggestionsOn(false);
    await opensOffers(inbox);
    const version = inbox.version;
    await inbox.reset();
    expect(inbox.version).toBeGreaterThan(version);
    expect(inbox.suggestionsOn).toBe(false);
    expect(inbox.explain(message('promotion'), clock).map((r) => r.key)).toEqual(['ranking.priorityThenTime']);
    const restored = smartInbox();
    await restored.load();
    expect(restored.explain(message('promotion'), clock).map((r) => r.key)).toEqual(['ranking.priorityThenTime']);
    expect(restored.suggestionsOn).toBe(false);
  });

  it('offers to mute a category skipped again and again; accepting writes the preferences', async () => {
    const inbox = smartInbox();
    await inbox.load();
    for (let i = 0; i < 19; i++) await inbox.learn(message('review'), 'dismissed');
    expect(inbox.suggestion).toBeUndefined();
    await inbox.learn(message('review'), 'ignored');
    expect(inbox.suggestion?.target).toEqual({ kind: 'category', category: 'review' });
    await inbox.accept();
    expect(inbox.suggestion).toBeUndefined();
    expect(preferences.mutedCategories).toEqual(['review']);
  });

  it('never suggests with suggestions off, and "not now" is remembered', async () => {
    const off = smartInbox();
    await off.load();
    await off.setSuggestionsOn(false);
    for (let i = 0; i < 20; i++) await off.learn(message('review'), 'dismissed');
    expect(off.suggestion).toBeUndefined();

    await signedIn();
    const inbox = smartInbox();
    await inbox.load();
    for (let i = 0; i < 20; i++) await inbox.learn(message('review'), 'dismissed');
    expect(inbox.suggestion).toBeDefined();
    await inbox.decline();
    expect(inbox.suggestion).toBeUndefined();
    expect(preferences.mutedCategories).toEqual([]);
    const restored = smartInbox();
    await restored.load();
    clock += 4 * 24 * HOUR;
    for (let i = 0; i < 20; i++) await restored.learn(message('review'), 'dismissed');
    expect(restored.suggestion).toBeUndefined();
  });

  it('starts over from a damaged saved state instead of failing', async () => {
    await writeSmartInbox({ ranker: { format: 'something else' }, suggester: 42, taught: 'nope' }, 'shopper-1');
    const inbox = smartInbox();
    await inbox.load();
    expect(inbox.explain(message('promotion'), clock).map((r) => r.key)).toEqual(['ranking.priorityThenTime']);
    expect(inbox.suggestionsOn).toBe(true);
    await inbox.learn(message('promotion'), 'opened');
    await inbox.save();
    expect((await saved()).taught).toHaveLength(1);
  });

  it('is wiped with the inbox when another shopper signs in on this device, the Suggest-mutes switch included', async () => {
    const inbox = await offersOpenedByAlice();
    await inbox.setSuggestionsOn(false);
    await signIn('token-bob', 'bob');
    expect(await saved()).toEqual({});
    await inbox.load();
    expect(inbox.suggestionsOn).toBe(true);
    expect(inbox.explain(message('promotion'), clock).map((r) => r.key)).toEqual(['ranking.priorityThenTime']);
  });

  it('does not hand a save that was waiting at sign-out to the next shopper', async () => {
    const inbox = await offersOpenedByAlice();
    await signOut();
    // The last lesson's timer, or the page being hidden, saves after the inbox went.
    await inbox.save();
    await signIn('token-bob', 'bob');
    expect(await saved()).toEqual({});
  });

  it("does not write one shopper's model into the inbox another shopper's sign-in wiped", async () => {
    const inbox = await offersOpenedByAlice();
    await signIn('token-bob', 'bob');
    await inbox.save();
    expect(await saved()).toEqual({});
    // Bob's own lessons, once his inbox is loaded, are kept.
    await inbox.load();
    await inbox.learn(message('chat'), 'opened');
    await inbox.save();
    expect((await saved()).taught).toHaveLength(1);
  });

  it('keeps what it learned before the server named the shopper of a first link', async () => {
    await db.meta.clear();
    await signIn('link-token', null);
    const inbox = smartInbox();
    await inbox.load();
    await inbox.learn(message('chat'), 'opened');
    await confirmUser('carol');
    await inbox.save();
    expect((await saved()).taught).toHaveLength(1);
  });
});
