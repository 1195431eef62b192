import { describe, expect, it } from 'vitest';
import { message } from '../test-support/messages.js';
import { en } from '../i18n/en.js';
import { zhCN } from '../i18n/zh-CN.js';
import { APP_ICON, notificationContent, notificationDataSchema, summaryNotificationContent } from './notification-content.js';

describe('notificationContent', () => {
  it('tags by collapse key, so a newer update of the thread replaces the older', () => {
    const { title, options } = notificationContent(message('m1', 0, { collapseKey: 'order:1042', title: 'Shipped', body: 'On its way' }));
    expect(title).toBe('Shipped');
    expect(options.tag).toBe('order:1042');
    expect(options.body).toBe('On its way');
  });

  it('tags by id without a collapse key, so unrelated messages stack', () => {
    expect(notificationContent(message('m7')).options.tag).toBe('m7');
  });

  it.each([
    [1, { renotify: false, requireInteraction: false, silent: true }],
    [2, { renotify: false, requireInteraction: false, silent: false }],
    [3, { renotify: false, requireInteraction: false, silent: false }],
    [4, { renotify: true, requireInteraction: true, silent: false }],
    [5, { renotify: true, requireInteraction: true, silent: false }],
  ])('priority %i alerts accordingly', (priority, expected) => {
    const { options } = notificationContent(message('m1', 0, { priority }));
    expect({ renotify: options.renotify, requireInteraction: options.requireInteraction, silent: options.silent }).toEqual(expected);
  });

  it('turns message actions into positional buttons and keeps their urls in data', () => {
    const { options } = notificationContent(
      message('m1', 0, {
        url: '/orders/1042',
        actions: [
          { title: 'Track', url: 'https://carrier.example/t/1' },
          { title: 'Reply', url: '/chat/9' },
        ],
      }),
    );
    expect(options.actions).toEqual([
      { action: 'a0', title: 'Track' },
      { action: 'a1', title: 'Reply' },
    ]);
    expect(options.data).toEqual({ messageId: 'm1', url: '/orders/1042', actionUrls: ['https://carrier.example/t/1', '/chat/9'] });
    expect(notificationDataSchema.parse(options.data)).toEqual(options.data);
  });

  it('uses the message icon and image, else the app icon and no image', () => {
    const plain = notificationContent(message('m1')).options;
    expect(plain.icon).toBe(APP_ICON);
    expect(plain).not.toHaveProperty('image');
    expect(plain.actions).toEqual([]);
    expect(plain.data).toEqual({ messageId: 'm1', actionUrls: [] });

    const rich = notificationContent(message('m2', 0, { icon: 'https://cdn.example/i.png', image: '/img/parcel.jpg' })).options;
    expect(rich.icon).toBe('https://cdn.example/i.png');
    expect(rich.image).toBe('/img/parcel.jpg');
  });

  it('shows the app icon and no image for http pictures (stored before they had to be https), never fetching them', () => {
    const old = notificationContent(message('m3', 0, { icon: 'http://cdn.example/i.png', image: 'http://cdn.example/p.jpg' })).options;
    expect(old.icon).toBe(APP_ICON);
    expect(old).not.toHaveProperty('image');
  });

  it('dates the notification when the message was created, not when the push arrived', () => {
    const created = message('m1', 30);
    expect(notificationContent(created).options.timestamp).toBe(Date.parse(created.createdAt));
  });
});

describe('summaryNotificationContent', () => {
  const newest = message('m5', 0, { title: 'Item 5 is cheaper', url: '/wishlist', collapseKey: 'wish:5', actions: [{ title: 'Buy', url: '/buy' }] });

  it('titles a digest with the shop\'s title, the newest message as body and click target', () => {
    const { title, options } = summaryNotificationContent({ reason: 'digest', count: 5, title: '5 items dropped in price', message: newest }, en.notifications);
    expect(title).toBe('5 items dropped in price');
    expect(options.body).toBe('Latest: Item 5 is cheaper');
    expect(options.tag).toBe('tidings:summary:digest');
    expect(options.actions).toEqual([]);
    expect(notificationDataSchema.parse(options.data)).toEqual({ messageId: 'm5', url: '/wishlist', actionUrls: [] });
  });

  it('counts in the shopper\'s language without a title of the shop\'s', () => {
    expect(summaryNotificationContent({ reason: 'quiet-hours', count: 3, message: newest }, en.notifications).title).toBe('3 messages while you were away');
    expect(summaryNotificationContent({ reason: 'quiet-hours', count: 1, message: newest }, en.notifications).title).toBe('1 message while you were away');
    expect(summaryNotificationContent({ reason: 'digest', count: 5, message: newest }, en.notifications).title).toBe('5 new messages');
    expect(summaryNotificationContent({ reason: 'quiet-hours', count: 3, message: newest }, zhCN.notifications).title).toBe('你离开期间有 3 条消息');
  });
});
