import { describe, expect, it } from 'vitest';
import { checkRequest, digestOf, emptyForm, parseUserIds, previewMessageOf, requestOf, type SendFormState } from './send-form.js';

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
      when: 'repeat' as const,
      repeatCron: ' 0 9 * * 1 ',
    };
    const request = requestOf(form, false, NOW);
    expect(request.actions).toEqual([{ title: 'Track', url: '/t' }, { title: '', url: '' }]);
    expect(request.expiresAt).toBe('2026-07-01T09:00:00.000Z');
    expect(request.repeat).toEqual({ cron: '0 9 * * 1', tz: 'Asia/Shanghai' });
  });

  it('passes an unreadable date on as typed, for the schema to name', () => {
    expect(requestOf({ ...emptyForm([], 'UTC'), expiry: 'at', expiresAtLocal: '' }, false, NOW).expiresAt).toBe('');
    expect(requestOf({ ...emptyForm([], 'UTC'), when: 'at', deliverAtLocal: '2026-07-02T09:30' }, false, NOW).deliverAt).toBe(
      new Date('2026-07-02T09:30').toISOString(),
    );
  });
});

describe('requestOf: when', () => {
  const base = { ...emptyForm([], 'UTC'), deliverAtLocal: '2026-07-02T09:30', shopperLocalAt: '2026-07-03T09:00', repeatCron: '0 9 * * 1', fallbackTz: 'Europe/Berlin' };

  it('sends only the chosen timing', () => {
    const timing = (when: SendFormState['when'], repeatTz = 'Asia/Shanghai') => {
      const { deliverAt, deliverAtLocal, fallbackTz, repeat } = requestOf({ ...base, when, repeatTz }, false, NOW);
      return { deliverAt, deliverAtLocal, fallbackTz, repeat };
    };
    const start = new Date('2026-07-02T09:30').toISOString();
    expect(timing('now')).toEqual({});
    expect(timing('at')).toEqual({ deliverAt: start });
    expect(timing('local')).toEqual({ deliverAtLocal: '2026-07-03T09:00', fallbackTz: 'Europe/Berlin' });
    expect(timing('repeat')).toEqual({ deliverAt: start, repeat: { cron: '0 9 * * 1', tz: 'Asia/Shanghai' } });
    expect(timing('repeat', 'recipient')).toEqual({ deliverAt: start, repeat: { cron: '0 9 * * 1', tz: 'recipient' }, fallbackTz: 'Europe/Berlin' });
  });

  it('previews a shopper-local message as scheduled', () => {
    expect(previewMessageOf(requestOf({ ...base, title: 'Hi', when: 'local' }, false, NOW), 'New message', NOW).type).toBe('scheduled');
  });
});

describe('digestOf', () => {
  const on = (digest: Partial<SendFormState['digest']>, more: Partial<SendFormState> = {}): SendFormState => ({
    ...emptyForm([], 'UTC'),
    ...more,
    digest: { on: true, key: '', windowSeconds: 900, title: '', ...digest },
  });

  it('has the message’s digest shape while the switch is on', () => {
    expect(digestOf(emptyForm([], 'UTC'))).toBeUndefined();
    expect(digestOf(on({ key: ' price-drop ', windowSeconds: 600 }))).toEqual({ key: 'price-drop', windowSeconds: 600 });
    expect(digestOf(on({ key: 'k', windowSeconds: 60, title: ' Prices dropped ' }))).toEqual({ key: 'k', windowSeconds: 60, title: 'Prices dropped' });
  });

  it('sends nothing while the switch is off or a repeat is chosen, whatever is typed', () => {
    expect(digestOf(on({ key: 'k', on: false }))).toBeUndefined();
    expect(digestOf(on({ key: 'k' }, { when: 'repeat', repeatCron: '0 9 * * 1' }))).toBeUndefined();
  });

  it('is part of the request, an empty key included (for the schema to name it)', () => {
    expect(requestOf(on({ key: 'price-drop' }), false, NOW).digest).toEqual({ key: 'price-drop', windowSeconds: 900 });
    expect(requestOf(on({}), false, NOW).digest).toEqual({ key: '', windowSeconds: 900 });
    expect(requestOf(emptyForm([], 'UTC'), false, NOW).digest).toBeUndefined();
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
      when: 'repeat' as const,
      repeatCron: '0 9 * * 1',
    };
    const message = previewMessageOf(requestOf(form, false, NOW), 'New message', NOW);
    expect(message.url).toBeUndefined();
    expect(message.image).toBeUndefined();
    expect(message.icon).toBe('/icon.png');
    expect(message.actions).toEqual([{ title: 'Shop', url: '/sale' }]);
    expect(message.type).toBe('scheduled');
  });

  it('previews no http picture and refuses it before sending, naming the field', () => {
    const form = { ...emptyForm([], 'UTC'), userIdsText: 'alice', title: 'Sale', icon: 'http://cdn.example/i.png', image: 'http://cdn.example/p.jpg', url: 'http://shop.example/sale' };
    const request = requestOf(form, false, NOW);
    const message = previewMessageOf(request, 'New message', NOW);
    expect([message.icon, message.image, message.url]).toEqual([undefined, undefined, 'http://shop.example/sale']);
    expect(checkRequest(request, NOW).map((issue) => issue.path).sort()).toEqual(['icon', 'image']);
  });
});
