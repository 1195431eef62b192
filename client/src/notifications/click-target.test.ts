import { describe, expect, it } from 'vitest';
import { clickTarget, inboxLinkTo, leavesApp, linkAttributes, messageIdFromFragment, opensInApp, safeActionLinks, safeImageSource, safeLinkAttributes } from './click-target.js';

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

/** Paths that look same-origin but that browsers resolve to another host (issue 9, point 3). */
const DISGUISED = ['/\t/evil.example', '/\n/evil.example', '/\r\\evil.example', '/\\evil.example', '//evil.example', '\\\\evil.example/x'];

describe('opensInApp for a notification click', () => {
  it('sends a path the browser resolves to another host to a new window, never the app window', () => {
    for (const url of DISGUISED) {
      const target = clickTarget({ messageId: 'm', url, actionUrls: [url] }, '', ORIGIN);
      expect(target.origin, JSON.stringify(url)).toBe('https://evil.example');
      expect(opensInApp(target, ORIGIN)).toBe(false);
      expect(opensInApp(clickTarget({ messageId: 'm', actionUrls: [url] }, 'a0', ORIGIN), ORIGIN)).toBe(false);
    }
  });
});

describe('leavesApp and linkAttributes for links in the inbox', () => {
  it('opens the app’s own pages in place', () => {
    for (const url of ['/orders/1042', '/orders/1042?tab=items#top', `${ORIGIN}/chat/9`, '/#message=m1']) {
      expect(leavesApp(url, ORIGIN), url).toBe(false);
      expect(linkAttributes(url, ORIGIN)).toEqual({});
    }
  });

  it('opens another site in a new tab without opener or referrer, however the link is disguised', () => {
    for (const url of ['https://carrier.example/t/1', 'http://tidings.example/x', ...DISGUISED]) {
      expect(leavesApp(url, ORIGIN), JSON.stringify(url)).toBe(true);
      expect(linkAttributes(url, ORIGIN)).toEqual({ target: '_blank', rel: 'noopener noreferrer' });
    }
  });

  it('treats a link it cannot resolve as leaving', () => {
    expect(leavesApp('https://[broken', ORIGIN)).toBe(true);
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

describe('safeLinkAttributes', () => {
  it('links same-origin paths in place and other sites in a new tab without opener or referrer', () => {
    expect(safeLinkAttributes('/orders/1042', ORIGIN)).toEqual({ href: '/orders/1042' });
    expect(safeLinkAttributes('https://carrier.example/t/1', ORIGIN)).toEqual({
      href: 'https://carrier.example/t/1',
      target: '_blank',
      rel: 'noopener noreferrer',
    });
  });

  it('makes no link of a script, data or protocol-relative URL, even one that got stored', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>1</script>', '//evil.example', '/\t/evil.example', undefined]) {
      expect(safeLinkAttributes(url, ORIGIN)).toBeUndefined();
    }
  });
});

describe('safeActionLinks and safeImageSource', () => {
  it('keeps the buttons and pictures the app may open, and drops a javascript: one', () => {
    const links = safeActionLinks(
      [
        { title: 'Track', url: 'https://carrier.example/t/1' },
        { title: 'Evil', url: 'javascript:alert(1)' },
        { title: 'Order', url: '/orders/1' },
      ],
      ORIGIN,
    );
    expect(links).toEqual([
      { title: 'Track', attributes: { href: 'https://carrier.example/t/1', target: '_blank', rel: 'noopener noreferrer' } },
      { title: 'Order', attributes: { href: '/orders/1' } },
    ]);
    expect(safeActionLinks(undefined, ORIGIN)).toEqual([]);
    expect(safeImageSource('/icons/icon-192.png')).toBe('/icons/icon-192.png');
    expect(safeImageSource('https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
    expect(safeImageSource('javascript:alert(1)')).toBeUndefined();
    expect(safeImageSource(undefined)).toBeUndefined();
  });

  it('does not load an http picture (a message stored before pictures had to be https)', () => {
    expect(safeImageSource('http://cdn.example/a.png')).toBeUndefined();
    expect(safeImageSource('HTTP://cdn.example/a.png')).toBeUndefined();
  });
});
