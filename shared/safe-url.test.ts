import { describe, expect, it } from 'vitest';
import { isSafeUrl } from './safe-url.js';

describe('isSafeUrl', () => {
  it.each(['https://shop.example/orders/1042', 'http://localhost:8080/x', '/orders/1042', '/', '/a?b=c#d'])(
    'accepts %s',
    (url) => expect(isSafeUrl(url)).toBe(true),
  );
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
  ])('refuses %j', (url) => expect(isSafeUrl(url)).toBe(false));
});
