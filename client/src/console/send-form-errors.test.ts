import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { en } from '../i18n/en.js';
import type { Strings } from '../i18n/strings.js';
import { zhCN } from '../i18n/zh-CN.js';
import { fieldErrors, fieldOf } from './send-form-errors.js';
import { checkRequest, emptyForm, requestOf, type SendFormState } from './send-form.js';

const NOW = Date.parse('2026-07-01T08:00:00Z');

// The shared schema compares expiresAt with the clock; the form's `now` and the clock must agree.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterAll(() => {
  vi.useRealTimers();
});

/** A form that passes, changed by `change`, checked as the form checks it before sending. */
function errorsOf(change: Partial<SendFormState>, strings: Strings['console'] = en.console, demoMode = false) {
  const form = { ...emptyForm(['alice'], 'Asia/Shanghai'), userIdsText: 'alice', title: 'Order #1042 shipped', ...change };
  return fieldErrors(checkRequest(requestOf(form, demoMode, NOW), NOW), strings);
}

describe('fieldOf', () => {
  it.each([
    ['to', 'recipients'],
    ['to.userIds', 'recipients'],
    ['to.userIds.3', 'recipients'],
    ['to.topic', 'topic'],
    ['title', 'title'],
    ['collapseKey', 'collapseKey'],
    ['actions', 'actions'],
    ['actions.1.url', 'actions.1.url'],
    ['actions.0.title', 'actions.0.title'],
    ['actions.0.colour', 'actions'],
    ['repeat', 'repeat.cron'],
    ['repeat.cron', 'repeat.cron'],
    ['repeat.tz', 'repeat.tz'],
    ['expiresAt', 'expiresAt'],
    ['digest', 'digest.key'],
    ['digest.key', 'digest.key'],
    ['digest.windowSeconds', 'digest.windowSeconds'],
    ['digest.title', 'digest.title'],
    ['digest.colour', 'digest.key'],
    ['type', 'form'],
    ['sender.name', 'form'],
    ['(body)', 'form'],
    ['constructor', 'form'],
  ])('%s → %s', (path, field) => {
    expect(fieldOf(path)).toBe(field);
  });
});

describe('fieldErrors from the form’s own check (the shared schema)', () => {
  it('has nothing to say about a valid message', () => {
    expect(errorsOf({})).toEqual({});
    expect(
      errorsOf({
        url: '/orders/1042',
        icon: 'https://cdn.example/i.png',
        image: '/img/parcel.png',
        collapseKey: 'order:1042',
        actions: [{ title: 'Track', url: '/track/1042' }],
        when: 'repeat',
        deliverAtLocal: '2026-07-02T09:00',
        repeatCron: '0 9 * * 1',
      }),
    ).toEqual({});
    expect(errorsOf({ when: 'local', shopperLocalAt: '2026-07-02T09:00', fallbackTz: 'Europe/Berlin' })).toEqual({});
    expect(errorsOf({ when: 'repeat', repeatCron: '0 9 * * 1', repeatTz: 'recipient' })).toEqual({});
  });

  it('says a missing title is required, beside the title', () => {
    expect(errorsOf({ title: '   ' })).toEqual({ title: 'Title is required' });
    expect(errorsOf({ title: '' }, zhCN.console)).toEqual({ title: '请填写标题' });
  });

  it('says how a link must start, for the link, the pictures and each button', () => {
    const errors = errorsOf({
      url: 'javascript:alert(1)',
      icon: 'http://shop.example/icon.png',
      image: '//evil.example/a.png',
      actions: [{ title: 'Track', url: '/ok' }, { title: 'Pay', url: 'shop.example/pay' }],
    });
    expect(errors).toEqual({
      url: 'Link must start with https:// or http://, or be a path on this site starting with /',
      icon: 'Icon must start with https:// (not http://: pictures load without a click), or be a path on this site starting with /',
      image: 'Image must start with https:// (not http://: pictures load without a click), or be a path on this site starting with /',
      'actions.1.url': 'Button 2 link must start with https:// or http://, or be a path on this site starting with /',
    });
  });

  it('names limits with their numbers', () => {
    expect(errorsOf({ title: 'x'.repeat(201) })).toEqual({ title: 'Title can be at most 200 characters' });
    expect(errorsOf({ actions: [{ title: 'y'.repeat(41), url: '/a' }] })).toEqual({ 'actions.0.title': 'Button 1 label can be at most 40 characters' });
    expect(errorsOf({ actions: [{ title: '', url: '/a' }] }, zhCN.console)).toEqual({ 'actions.0.title': '请填写按钮 1 的文字' });
  });

  it('asks for a shopper when none is chosen or typed, and explains bad ids', () => {
    expect(errorsOf({ userIdsText: ' , ' })).toEqual({ recipients: 'Choose at least one shopper' });
    expect(errorsOf({ shopperIds: [] }, en.console, true)).toEqual({ recipients: 'Choose at least one shopper' });
    expect(errorsOf({ userIdsText: 'alice bob/2' })).toEqual({ recipients: 'Shopper ids may use only letters, digits and _ . : @ + -' });
  });

  it('explains a topic and a collapse key in their own words', () => {
    expect(errorsOf({ audience: 'topic', topic: '' })).toEqual({ topic: 'Topic is required' });
    expect(errorsOf({ audience: 'topic', topic: 'Promotions!' })).toEqual({
      topic: 'A topic starts with a-z or 0-9 and uses only lower-case letters, digits and _ . : -',
    });
    expect(errorsOf({ collapseKey: 'order 1042' })).toEqual({ collapseKey: 'Collapse key may use only letters, digits and _ . : @ + -' });
  });

  it('explains expiries that cannot work', () => {
    expect(errorsOf({ expiry: 'at', expiresAtLocal: '' })).toEqual({ expiresAt: 'Expiry is not a valid date and time' });
    expect(errorsOf({ expiry: 'at', expiresAtLocal: '2020-01-01T00:00' })).toEqual({ expiresAt: 'The expiry must be in the future' });
    expect(errorsOf({ expiry: 10, when: 'at', deliverAtLocal: '2026-07-03T09:00' })).toEqual({ expiresAt: 'The expiry must be after the delivery time' });
    expect(errorsOf({ expiry: 10, when: 'repeat', repeatCron: '0 9 * * 1' }, zhCN.console)).toEqual({
      expiresAt: '重复发送的消息不能设置过期时间：请删除过期时间或重复设置',
    });
  });

  it('explains a delivery time that is missing or not real, on the field the merchant filled', () => {
    expect(errorsOf({ when: 'at', deliverAtLocal: '' })).toEqual({ deliverAt: 'Delivery time is not a valid date and time' });
    expect(errorsOf({ when: 'local', shopperLocalAt: '' })).toEqual({ deliverAtLocal: 'The shopper’s local time is not a valid date and time' });
    expect(errorsOf({ when: 'local', shopperLocalAt: '2026-02-30T09:00' }, zhCN.console)).toEqual({ deliverAtLocal: '顾客当地时间不是有效的日期和时间' });
    expect(errorsOf({ when: 'local', shopperLocalAt: '2026-07-02T09:00', fallbackTz: 'Mars/Olympus' })).toEqual({
      fallbackTz: 'Unknown time zone: choose one from the list',
    });
  });

  it('sends only what the chosen "When" needs, so times typed for another choice never refuse the message', () => {
    expect(errorsOf({ when: 'now', deliverAtLocal: 'garbage', shopperLocalAt: 'garbage', repeatCron: 'H' })).toEqual({});
  });

  it('explains a cron the scheduler would refuse, as the server checks it', () => {
    expect(errorsOf({ when: 'repeat', repeatCron: '0 9 * *' })).toEqual({ 'repeat.cron': 'A cron has 5 parts: minute hour day month weekday, e.g. 0 9 * * 1' });
    expect(errorsOf({ when: 'repeat', repeatCron: '61 9 * * *' })).toEqual({ 'repeat.cron': 'This is not a cron Tidings can read, e.g. 0 9 * * 1' });
    expect(errorsOf({ when: 'repeat', repeatCron: '* * * * * *' })).toEqual({ 'repeat.cron': 'A message may repeat at most once a minute' });
    expect(errorsOf({ when: 'repeat', repeatCron: 'H 9 * * *' })).toEqual({ 'repeat.cron': 'Write the value itself instead of H' });
    expect(errorsOf({ when: 'repeat', repeatCron: '0 9 * * 1', repeatTz: 'Mars/Olympus' }, zhCN.console)).toEqual({ 'repeat.tz': '未知时区：请从列表中选择' });
  });
});

describe('fieldErrors for a digest', () => {
  const digest = (change: Partial<SendFormState['digest']>) =>
    errorsOf({ digest: { on: true, key: 'price-drop', windowSeconds: 900, title: '', ...change } });

  it('passes a well-formed digest, and names each bad part of one', () => {
    expect(digest({ title: '{count} items dropped in price' })).toEqual({});
    expect(digest({ key: '' })).toEqual({ 'digest.key': 'Group key is required' });
    expect(digest({ key: 'price drop!' })).toEqual({ 'digest.key': 'Group key may use only letters, digits and _ . : @ + -' });
    expect(digest({ key: 'k'.repeat(65) })).toEqual({ 'digest.key': 'Group key can be at most 64 characters' });
    expect(digest({ windowSeconds: 30 })).toEqual({ 'digest.windowSeconds': 'Choose a window between 1 minute and 24 hours' });
    expect(digest({ title: 't'.repeat(201) })).toEqual({ 'digest.title': 'Summary title can be at most 200 characters' });
  });

  it('says in Chinese what is wrong with the key', () => {
    const form = { ...emptyForm(['alice'], 'UTC'), userIdsText: 'alice', title: 'Hi', digest: { on: true, key: 'a b', windowSeconds: 900, title: '' } };
    expect(fieldErrors(checkRequest(requestOf(form, false, NOW), NOW), zhCN.console)['digest.key']).toMatch(/^合并键/);
  });
});

describe('fieldErrors from the server’s validation-failed answer', () => {
  it('maps each issue path back to its field, in plain words', () => {
    const issues = [
      { path: 'title', message: 'Too small: expected string to have >=1 characters' },
      { path: 'actions.1.url', message: 'must be an http(s) URL or a same-origin path starting with /' },
      { path: 'repeat.cron', message: 'never occurs after deliverAt' },
      { path: 'to.userIds', message: 'Too big: expected array to have <=1000 items' },
      { path: 'body', message: 'must not contain the NUL character (\\u0000)' },
      { path: 'digest', message: 'is not allowed with repeat' },
    ];
    expect(fieldErrors(issues, en.console)).toEqual({
      title: 'Title is required',
      'actions.1.url': 'Button 2 link must start with https:// or http://, or be a path on this site starting with /',
      'repeat.cron': 'This schedule never happens',
      recipients: 'Shopper ids: at most 1000',
      body: 'Body holds a character that cannot be shown',
      'digest.key': 'A repeating message cannot group its pushes: turn off the grouping or the repeat',
    });
  });

  it('keeps the first issue of a field and puts what belongs to no field on the form', () => {
    const issues = [
      { path: 'title', message: 'Too big: expected string to have <=200 characters' },
      { path: 'title', message: 'must be valid Unicode text (it holds a lone surrogate)' },
      { path: 'sender', message: 'is only allowed for type "user"' },
    ];
    expect(fieldErrors(issues, zhCN.console)).toEqual({ title: '标题最多 200 个字符', form: '此消息无效' });
  });
});
