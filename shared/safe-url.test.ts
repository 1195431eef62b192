import { describe, expect, it } from 'vitest';
import { isSafeImageUrl, isSafeUrl } from './safe-url.js';

describe('isSafeUrl', () => {
  it.each([
    'https://shop.example/orders/1042',
    'http://localhost:8080/x',
    '/orders/1042',
    '/',
    '/a?b=c#d',
    // Encoded forms stay encoded in the path: the browser asks this origin for them.
    '/%09/evil.example',
    '/%2F/evil.example',
    '/%5Cevil.example',
    '/./evil.example',
    '/..//evil.example',
    '/orders?next=//evil.example',
    '/orders#//evil.example',
  ])('accepts %j', (url) => expect(isSafeUrl(url)).toBe(true));

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>',
    'vbscript:x',
    'file:///etc/passwd',
    '//evil.example/x',
    '/\\evil.example',
    'orders/1042',
    '',
    'ftp://example.com/x',
    // Browsers strip tab, CR and LF, so these open https://evil.example/ (issue 9).
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\\evil.example',
    '/\r\n/evil.example',
    '\t//evil.example',
    // Backslashes count as slashes in http(s) URLs.
    '/\\/evil.example',
    '\\\\evil.example',
    // Other control characters have no place in a link either.
    '/orders\u0000/1',
    '/orders/1\u007f',
    'https://shop.example/\u0085',
    'https://shop.example/a\tb',
    // A path naming one of the placeholder origins must not pass as same-origin.
    '/\\tidings-a.invalid/x',
    '//tidings-a.invalid/x',
  ])('refuses %j', (url) => expect(isSafeUrl(url)).toBe(false));

  it('refuses everything a browser resolves to another host from a same-origin page', () => {
    // Whatever passes must stay on the page's origin when a browser resolves it.
    for (const url of ['/\t/evil.example', '/\\evil.example', '/\r\\evil.example', '/\n\n/evil.example']) {
      expect(new URL(url, 'https://app.example').host).not.toBe('app.example');
      expect(isSafeUrl(url)).toBe(false);
    }
  });
});

describe('isSafeImageUrl', () => {
  it.each(['https://cdn.example/i.png', 'HTTPS://cdn.example/i.png', '/icons/order.png', '/a?b=c'])('accepts %j', (url) =>
    expect(isSafeImageUrl(url)).toBe(true),
  );

  it.each(['http://cdn.example/i.png', 'HTTP://cdn.example/i.png', 'http://localhost/i.png', '//cdn.example/i.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', '/\\evil.example', '/\t/evil.example', 'https://cdn.example/\u0085'])(
    'refuses %j',
    (url) => expect(isSafeImageUrl(url)).toBe(false),
  );
});
