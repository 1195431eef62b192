import { describe, expect, it } from 'vitest';
import { emptyForm, parseUserIds, previewMessageOf, requestOf } from './send-form.js';

const NOW = Date.parse('2026-07-01T08:00:00Z');

describe('requestOf', () => {
  it('leaves empty optional fields out and trims what is typed', () => {
    const form = { ...emptyForm([], 'UTC'), userIdsText: 'alice', title: 'Hi', body: '  ', url: ' /orders/1 ', collapseKey: '' };
    expect(requestOf(form, false, NOW)).toEqual({ to: { userIds: ['alice'] }, category: 'order', priority: 3, title: 'Hi', url: '/orders/1' });
  });

  it('sends to the ticked demo shoppers in demo mode, to the typed ids otherwise, or to a topic', () => {
    const form = { ...emptyForm(['alice', 'bob'], 'UTC'), userIdsText: 'carol', topic: ' promotions ' };
    expect(requestOf(form, true, NOW).to).toEqual({ userIds: ['alice', 'bob'] });
    expect(requestOf(form, false, NOW).to).toEqual({ userIds: ['carol'] });
    expect(requestOf({ ...form, audience: 'topic' }, true, NOW).to).toEqual({ topic: 'promotions' });
  });

  it('keeps every action row, turns expiry presets into instants and passes the repeat with its zone', () => {
    const form = {
      ...emptyForm([], 'Asia/Shanghai'),
      actions: [{ title: ' Track ', url: '/t' }, { title: '', url: '' }],
      expiry: 60,
      repeatCron: ' 0 9 * * 1 ',
    };
    const request = requestOf(form, false, NOW);
    expect(request.actions).toEqual([{ title: 'Track', url: '/t' }, { title: '', url: '' }]);
    expect(request.expiresAt).toBe('2026-07-01T09:00:00.000Z');
    expect(request.repeat).toEqual({ cron: '0 9 * * 1', tz: 'Asia/Shanghai' });
  });

  it('passes an unreadable date on as typed, for the schema to name', () => {
    expect(requestOf({ ...emptyForm([], 'UTC'), expiry: 'at', expiresAtLocal: '' }, false, NOW).expiresAt).toBe('');
    expect(requestOf({ ...emptyForm([], 'UTC'), deliverAtLocal: '2026-07-02T09:30' }, false, NOW).deliverAt).toBe(
      new Date('2026-07-02T09:30').toISOString(),
    );
  });
});

describe('parseUserIds', () => {
  it('splits on commas, semicolons, spaces and new lines, each id once', () => {
    expect(parseUserIds('alice, bob\ncarol;alice  ')).toEqual(['alice', 'bob', 'carol']);
    expect(parseUserIds(' , ')).toEqual([]);
  });
});

describe('previewMessageOf', () => {
  it('shows what the device would get, with a placeholder title while there is none', () => {
    const request = requestOf({ ...emptyForm([], 'UTC'), body: 'Arrives Thursday', collapseKey: 'order:1042' }, false, NOW);
    expect(previewMessageOf(request, 'New message', NOW)).toEqual({
      id: 'preview',
      type: 'system',
      category: 'order',
      priority: 3,
      title: 'New message',
      body: 'Arrives Thursday',
      collapseKey: 'order:1042',
      createdAt: '2026-07-01T08:00:00.000Z',
    });
  });

  it('leaves out links and pictures the server would refuse, so the preview never holds a javascript: link', () => {
    const form = {
      ...emptyForm([], 'UTC'),
      title: 'Sale',
      url: 'javascript:alert(1)',
      icon: '/icon.png',
      image: 'data:image/png;base64,AAAA',
      actions: [{ title: 'Shop', url: '/sale' }, { title: 'Evil', url: 'javascript:alert(2)' }],
      repeatCron: '0 9 * * 1',
    };
    const message = previewMessageOf(requestOf(form, false, NOW), 'New message', NOW);
    expect(message.url).toBeUndefined();
    expect(message.image).toBeUndefined();
    expect(message.icon).toBe('/icon.png');
    expect(message.actions).toEqual([{ title: 'Shop', url: '/sale' }]);
    expect(message.type).toBe('scheduled');
  });
});
