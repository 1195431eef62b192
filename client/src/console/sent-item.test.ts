import { describe, expect, it } from 'vitest';
import type { MessageStatusResponse } from '../../../shared/message.schema.js';
import { en } from '../i18n/en.js';
import { actionsFor, questionFor, itemFromScheduled, itemFromStatus, itemFromSummary, mergeFirstPage } from './sent-item.js';

const counts = { recipients: 2, deliveredLive: 1, pushTargets: 3, pushed: 2, pushFailed: 1, pushSkipped: 0, pushPending: 0 };

describe('history rows', () => {
  it.each([
    ['scheduled', ['correct', 'cancel']],
    ['sent', ['correct', 'retract']],
    ['sending', ['correct', 'retract']],
    ['queued', []],
    ['cancelled', []],
    ['retracted', []],
    ['expired', []],
  ] as const)('a %s message offers %j', (status, actions) => {
    expect(actionsFor(status)).toEqual(actions);
  });

  it('offers Retract for a message on each shopper\'s clock that some zones got', () => {
    expect(actionsFor('scheduled', true)).toEqual(['correct', 'retract', 'cancel']);
    expect(actionsFor('cancelled', true)).toEqual(['retract']);
  });

  it('asks about a part-sent message on each shopper\'s clock as the server does it: those reached keep it on cancel, lose it on retract', () => {
    const s = en.console.revise;
    const zone = { zone: 'Asia/Tokyo', at: '2030-01-01T00:00:00.000Z', localTime: '09:00' };
    const localTime = { deliverAtLocal: '2030-01-01T09:00', cron: null, fallbackTz: 'UTC', scheduled: 7, sent: 3, late: 0, first: zone, last: zone, zones: [] };
    const partSent = { id: 'm1', title: 'Sale', status: 'scheduled' as const, localTime, figures: { recipients: 10, deliveredLive: 0, pushed: 0, pushTargets: 0, pushFailed: 0, read: null } };
    const cancel = questionFor(partSent, 'cancel', s).consequence;
    expect(cancel).not.toBe(s.cancelEffect);
    expect(cancel).toMatch(/3 shoppers.*keep it/);
    const retract = questionFor(partSent, 'retract', s).consequence;
    expect(retract).toMatch(/3 shoppers/);
    expect(retract).toMatch(/zones still waiting/);
    expect(questionFor({ ...partSent, status: 'cancelled' }, 'retract', s).consequence).toBe(s.retractEffect(3));
    // Nobody has it yet: as before.
    const pending = { ...partSent, localTime: { ...localTime, sent: 0 } };
    expect(questionFor(pending, 'cancel', s).consequence).toBe(s.cancelEffect);
    expect(questionFor({ id: 'm2', title: 'Sale', status: 'sent', figures: partSent.figures }, 'retract', s).consequence).toBe(s.retractEffect(10));
  });

  it('asks about correcting a recurring message as the server does it: occurrences to come change, those sent keep theirs', () => {
    const s = en.console.revise;
    const recurring = { id: 'r1', title: 'Weekly picks', status: 'scheduled' as const, cron: '0 9 * * 1' };
    const consequence = questionFor(recurring, 'correct', s).consequence;
    expect(consequence).not.toBe(s.correctScheduledEffect);
    expect(consequence).toMatch(/to come.*already sent keep/);
    expect(questionFor({ ...recurring, cron: null }, 'correct', s).consequence).toBe(s.correctScheduledEffect);
  });

  it('takes the figures of a listed message', () => {
    const item = itemFromSummary({
      id: 'm1', createdAt: '2030-01-01T00:00:00.000Z', status: 'sent', type: 'system', category: 'order', title: 'Shipped',
      to: { userIds: ['alice'] }, read: 1, ...counts,
    });
    expect(item).toEqual({
      id: 'm1', title: 'Shipped', status: 'sent', category: 'order', createdAt: '2030-01-01T00:00:00.000Z', to: { userIds: ['alice'] },
      figures: { recipients: 2, deliveredLive: 1, pushed: 2, pushTargets: 3, pushFailed: 1, read: 1 },
    });
  });

  it('fills a scheduled row in from the message’s status, keeping the schedule', () => {
    const scheduled = itemFromScheduled({
      id: 's1', title: 'Reminder', dueAt: '2030-01-02T09:00:00.000Z', cron: '0 9 * * *', tz: null, occurrences: 0, target: { topic: 'news' }, status: 'scheduled',
    });
    expect(scheduled).toEqual({ id: 's1', title: 'Reminder', status: 'scheduled', to: { topic: 'news' }, dueAt: '2030-01-02T09:00:00.000Z', cron: '0 9 * * *' });
    const status: MessageStatusResponse = {
      id: 's1', type: 'scheduled', category: 'account', priority: 3, title: 'Reminder', body: 'Text', createdAt: '2030-01-01T00:00:00.000Z',
      status: 'scheduled', to: { topic: 'news' }, schedule: { dueAt: '2030-01-03T09:00:00.000Z', cron: '0 9 * * *', tz: null, occurrences: 1 },
      read: null, ...counts,
    };
    expect({ ...scheduled, ...itemFromStatus(status) }).toMatchObject({
      category: 'account', createdAt: '2030-01-01T00:00:00.000Z', dueAt: '2030-01-03T09:00:00.000Z', body: 'Text', figures: { read: null, recipients: 2 },
    });
    expect(itemFromStatus(status).digest).toBeUndefined();
  });

  it('keeps a message’s digest and its folded count from the status', () => {
    const status: MessageStatusResponse = {
      id: 'd1', type: 'system', category: 'promotion', priority: 3, title: 'Price drop', createdAt: '2030-01-01T00:00:00.000Z',
      status: 'sent', read: 0, digest: { key: 'price-drop', windowSeconds: 900, title: '{count} items dropped in price', digested: 4 }, ...counts,
    };
    expect(itemFromStatus(status).digest).toEqual({ key: 'price-drop', windowSeconds: 900, title: '{count} items dropped in price', digested: 4 });
  });
});

describe('mergeFirstPage', () => {
  const row = (id: string, recipients = 1) => itemFromSummary({
    id, createdAt: '2030-01-01T00:00:00.000Z', status: 'sent', type: 'system', category: 'order', title: id, read: 0, ...counts, recipients,
  });

  it('puts new messages on top, once each, and keeps the rows below the first page', () => {
    const shown = [row('m3'), row('m2'), row('m1')];
    const merged = mergeFirstPage(shown, [row('m5'), row('m4'), row('m3')]);
    expect(merged.map((item) => item.id)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    expect(mergeFirstPage(merged, [row('m5'), row('m4'), row('m3')]).map((item) => item.id)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
  });

  it('takes the page’s fresher figures without losing what a status filled in', () => {
    const withBody = { ...row('m1'), body: 'Text' };
    const [merged] = mergeFirstPage([withBody], [row('m1', 7)]);
    expect(merged).toMatchObject({ body: 'Text', figures: { recipients: 7 } });
  });
});
