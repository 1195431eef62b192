/**
 * Threads by `collapseKey`: an order's placed → paid → shipped → delivered is
 * one conversation. The inbox shows one row per thread, its newest message,
 * with the count; tapping it shows the whole timeline, oldest first. A message
 * without a collapseKey is a thread of its own.
 */

export interface Threadable {
  id: string;
  collapseKey?: string | undefined;
  /** Set on a shopper's reply: the message it answers. */
  inReplyTo?: string | undefined;
  createdAtMs: number;
}

/**
 * The key messages of one thread share: the collapseKey, or the message's own
 * id. A reply to a message without a collapseKey carries that message's id as
 * its collapseKey, so it joins the thread of the message it answers.
 */
export function threadKeyOf(message: Pick<Threadable, 'id' | 'collapseKey' | 'inReplyTo'>): string {
  const { collapseKey, inReplyTo } = message;
  if (inReplyTo !== undefined && collapseKey === inReplyTo) return `m:${inReplyTo}`;
  return collapseKey !== undefined && collapseKey.length > 0 ? `c:${collapseKey}` : `m:${message.id}`;
}

/** Newer first by createdAt, ties by id: the same total order as "newest first". */
export function compareNewest(a: Threadable, b: Threadable): number {
  if (a.createdAtMs !== b.createdAtMs) return b.createdAtMs - a.createdAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The message that stands for the thread in the inbox: its newest. */
export function threadHead<T extends Threadable>(messages: readonly T[]): T | undefined {
  let head: T | undefined;
  for (const message of messages) if (head === undefined || compareNewest(message, head) < 0) head = message;
  return head;
}

/** A thread's messages as a timeline, oldest first. */
export function timeline<T extends Threadable>(messages: readonly T[]): T[] {
  return [...messages].sort((a, b) => compareNewest(b, a));
}

export interface Thread<T extends Threadable> {
  key: string;
  head: T;
  count: number;
}

/**
 * Groups messages into threads, each represented by its newest message, in
 * the order the heads appear in `ordered`. For small in-memory lists (tests,
 * the naive baseline); the inbox keeps a stored `head` flag instead.
 */
export function groupThreads<T extends Threadable>(ordered: readonly T[]): Thread<T>[] {
  const byKey = new Map<string, T[]>();
  for (const message of ordered) {
    const key = threadKeyOf(message);
    const list = byKey.get(key);
    if (list) list.push(message);
    else byKey.set(key, [message]);
  }
  const heads = new Map<string, Thread<T>>();
  for (const [key, list] of byKey) heads.set(key, { key, head: threadHead(list)!, count: list.length });
  return ordered.flatMap((message) => {
    const thread = heads.get(threadKeyOf(message))!;
    return thread.head === message ? [thread] : [];
  });
}
