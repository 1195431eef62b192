import { joinTopic, leaveTopic, listTopics } from '../api/topics.api.js';
import { readSession } from '../db/meta.repository.js';

/**
 * The topics the shopper follows, as the server last said, kept in memory
 * for the page's life. Following and unfollowing go to the server at once
 * and change the state here only once it agreed: offline, the call throws
 * and the caller says so, instead of showing a follow that never happened.
 *
 * Not in Dexie: nothing offline depends on it (a broadcast reaches the inbox
 * through the event log either way) and the answer is one small GET.
 */
export class FollowedTopics {
  /** The server's list for the current sign-in; null until it answered. */
  private listed = $state<ReadonlySet<string> | null>(null);
  /** Changes the server confirmed since that list. */
  private changed = $state<ReadonlyMap<string, boolean>>(new Map());
  /** Topics with a follow or unfollow on its way. */
  busy = $state<ReadonlySet<string>>(new Set());
  /** The sign-in the state belongs to: another shopper on this device starts from unknown. */
  private token: string | undefined;
  /** Bumped by every change, so a list fetched before it cannot overwrite it. */
  private version = 0;
  /** One GET at a time: a thread with several sellers asks once. */
  private refreshing: Promise<void> | undefined;

  /** True or false once known, undefined while unknown (never fetched, or offline since the start). */
  isFollowing(topic: string): boolean | undefined {
    return this.changed.get(topic) ?? this.listed?.has(topic);
  }

  /** Asks the server again; when it cannot be reached the last known state stays. */
  refresh(): Promise<void> {
    this.refreshing ??= this.fetchList().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async fetchList(): Promise<void> {
    try {
      const token = await this.currentToken();
      const version = this.version;
      const topics = await listTopics(token);
      if (token !== this.token || version !== this.version) return;
      this.listed = new Set(topics);
      this.changed = new Map();
    } catch (error) {
      console.warn('tidings: could not list followed topics', error);
    }
  }

  follow(topic: string): Promise<void> {
    return this.change(topic, true);
  }

  unfollow(topic: string): Promise<void> {
    return this.change(topic, false);
  }

  private async change(topic: string, follow: boolean): Promise<void> {
    const token = await this.currentToken();
    this.busy = new Set([...this.busy, topic]);
    try {
      await (follow ? joinTopic(token, topic) : leaveTopic(token, topic));
      if (token !== this.token) return;
      this.version++;
      this.changed = new Map([...this.changed, [topic, follow]]);
    } finally {
      const rest = new Set(this.busy);
      rest.delete(topic);
      this.busy = rest;
    }
  }

  private async currentToken(): Promise<string> {
    const session = await readSession();
    if (!session) throw new Error('not signed in');
    if (session.token !== this.token) {
      this.token = session.token;
      this.listed = null;
      this.changed = new Map();
      this.version++;
    }
    return session.token;
  }
}

export const followedTopics = new FollowedTopics();
