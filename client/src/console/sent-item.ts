import type { MessageSummary, ScheduledSummary } from '../../../shared/message-list.schema.js';
import type { LocalTimeStatus, MESSAGE_STATUSES, MessageStatusResponse } from '../../../shared/message.schema.js';
import type { Strings } from '../i18n/strings.js';

/**
 * One row of the console's history, whichever answer it came from: the
 * listing (counts, no body), the schedule view (due time, no counts) or a
 * message's own status (everything). A later answer fills in what an
 * earlier one lacked, so a scheduled row gains its category once polled.
 */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface SentItem {
  id: string;
  title: string;
  status: MessageStatus;
  category?: string;
  createdAt?: string;
  to?: { userIds?: string[] | undefined; topic?: string | undefined };
  dueAt?: string;
  cron?: string | null;
  body?: string;
  figures?: DeliveryFigures;
  /** A message on each shopper's clock: its progress zone by zone (from the status only). */
  localTime?: LocalTimeStatus;
  /** A message sent with a digest: what was asked, and how many pushes went into a summary (from the status only). */
  digest?: NonNullable<MessageStatusResponse['digest']>;
}

export interface DeliveryFigures {
  recipients: number;
  deliveredLive: number;
  pushed: number;
  pushTargets: number;
  pushFailed: number;
  /** null: this store does not track read state. */
  read: number | null;
}

export type SentAction = 'cancel' | 'correct' | 'retract';

/**
 * What a merchant may still do to a message in this status (the server has the last word, with a
 * 409). `reached`: a message on each shopper's clock that some zones already got.
 */
export function actionsFor(status: MessageStatus, reached = false): readonly SentAction[] {
  // A correction of a scheduled message changes what goes out; a part-sent one can be taken back from those it reached.
  if (status === 'scheduled') return reached ? ['correct', 'retract', 'cancel'] : ['correct', 'cancel'];
  if (status === 'cancelled') return reached ? ['retract'] : [];
  if (status === 'sent' || status === 'sending') return ['correct', 'retract'];
  return [];
}

/** What a confirmation dialog asks before an action. */
export interface RevisionQuestion {
  heading: string;
  consequence: string;
  confirm: string;
}

/**
 * The question before `action` on `item`, saying what the server will do. A message on each
 * shopper's clock that some zones got (still scheduled, or cancelled since): a cancellation stops
 * the zones still waiting and those reached keep it; a retraction takes it back from those reached
 * and, while it is scheduled, stops the zones still waiting too. A correction of a recurring message
 * changes the occurrences still to come, not those sent.
 */
export function questionFor(item: SentItem, action: SentAction, s: Strings['console']['revise']): RevisionQuestion {
  const reached = item.localTime?.sent ?? 0;
  switch (action) {
    case 'cancel':
      return { heading: s.cancelTitle, consequence: reached > 0 ? s.cancelPartSentEffect(reached) : s.cancelEffect, confirm: s.cancelConfirm };
    case 'retract': {
      if (reached === 0) return { heading: s.retractTitle, consequence: s.retractEffect(item.figures?.recipients ?? 0), confirm: s.retractConfirm };
      const consequence = item.status === 'scheduled' ? s.retractPartSentEffect(reached) : s.retractEffect(reached);
      return { heading: s.retractTitle, consequence, confirm: s.retractConfirm };
    }
    case 'correct': {
      // A recurrence's template is never sent itself: its occurrences to come change, those sent are messages of their own.
      const recurring = Boolean(item.cron ?? item.localTime?.cron);
      const scheduled = recurring ? s.correctRecurringEffect : s.correctScheduledEffect;
      return { heading: s.correctTitle, consequence: item.status === 'scheduled' ? scheduled : s.correctEffect, confirm: s.correctConfirm };
    }
  }
}

export function itemFromSummary(summary: MessageSummary): SentItem {
  return {
    id: summary.id,
    title: summary.title,
    status: summary.status,
    category: summary.category,
    createdAt: summary.createdAt,
    ...(summary.to ? { to: summary.to } : {}),
    figures: figuresOf(summary),
  };
}

export function itemFromScheduled(scheduled: ScheduledSummary): SentItem {
  return { id: scheduled.id, title: scheduled.title, status: scheduled.status, to: scheduled.target, dueAt: scheduled.dueAt, cron: scheduled.cron };
}

export function itemFromStatus(status: MessageStatusResponse): SentItem {
  return {
    id: status.id,
    title: status.title,
    status: status.status,
    category: status.category,
    createdAt: status.createdAt,
    ...(status.to ? { to: status.to } : {}),
    ...(status.schedule ? { dueAt: status.schedule.dueAt, cron: status.schedule.cron } : {}),
    ...(status.body !== undefined ? { body: status.body } : {}),
    ...(status.localTime ? { localTime: status.localTime } : {}),
    ...(status.digest ? { digest: status.digest } : {}),
    figures: figuresOf(status),
  };
}

function figuresOf(counts: Omit<DeliveryFigures, 'read'> & { read: number | null }): DeliveryFigures {
  const { recipients, deliveredLive, pushed, pushTargets, pushFailed, read } = counts;
  return { recipients, deliveredLive, pushed, pushTargets, pushFailed, read };
}

/**
 * The first page fetched again, laid over the list on screen: rows new since
 * go on top (newest first, as the page has them), rows already shown take the
 * page's fresher figures but keep what only their status filled in, and no
 * row appears twice. Rows past the first page stay as they are.
 */
export function mergeFirstPage(shown: readonly SentItem[], firstPage: readonly SentItem[]): SentItem[] {
  const known = new Map(shown.map((item) => [item.id, item]));
  const fresh = new Map(firstPage.map((item) => [item.id, item]));
  const added = firstPage.filter((item) => !known.has(item.id));
  const kept = shown.map((item) => (fresh.has(item.id) ? { ...item, ...fresh.get(item.id)! } : item));
  return [...added, ...kept];
}
