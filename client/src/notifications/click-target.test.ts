import { describe, expect, it } from 'vitest';
import { clickTarget, inboxLinkTo, messageIdFromFragment, opensInApp } from './click-target.js';

const ORIGIN = 'https://tidings.example';
const data = { messageId: 'msg 1', url: '/orders/1042', actionUrls: ['https://carrier.example/t/1', '/chat/9'] };

describe('clickTarget', () => {
  it('opens the message url for a click on the notification itself', () => {
    expect(clickTarget(data, '', ORIGIN).href).toBe(`${ORIGIN}/orders/1042`);
  });

  it('opens the url of the action button pressed', () => {
    expect(clickTarget(data, 'a0', ORIGIN).href).toBe('https://carrier.example/t/1');
    expect(clickTarget(data, 'a1', ORIGIN).href).toBe(`${ORIGIN}/chat/9`);
  });

  it('treats an unknown action, or one without a url, as a click on the body', () => {
    expect(clickTarget(data, 'reply', ORIGIN).href).toBe(`${ORIGIN}/orders/1042`);
    expect(clickTarget({ ...data, actionUrls: [] }, 'a1', ORIGIN).href).toBe(`${ORIGIN}/orders/1042`);
  });

  it('opens the message in the inbox when it links nowhere', () => {
    const target = clickTarget({ messageId: 'msg 1', actionUrls: [] }, '', ORIGIN);
    expect(target.href).toBe(`${ORIGIN}/#message=msg%201`);
    expect(messageIdFromFragment(target.hash)).toBe('msg 1');
  });
});

describe('opensInApp', () => {
  it('keeps same-origin targets in the app and sends other sites to a new window', () => {
    expect(opensInApp(clickTarget(data, '', ORIGIN), ORIGIN)).toBe(true);
    expect(opensInApp(clickTarget(data, 'a0', ORIGIN), ORIGIN)).toBe(false);
  });
});

describe('messageIdFromFragment', () => {
  it('reads the id of an inbox link and nothing else', () => {
    expect(messageIdFromFragment(new URL(inboxLinkTo('m:42'), ORIGIN).hash)).toBe('m:42');
    expect(messageIdFromFragment('#token=abc')).toBeNull();
    expect(messageIdFromFragment('#message=')).toBeNull();
    expect(messageIdFromFragment('')).toBeNull();
  });
});
