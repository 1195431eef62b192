import { describe, expect, it } from 'vitest';
import { AllowlistError, EndpointAllowlist } from './endpoint-allowlist.js';

describe('EndpointAllowlist', () => {
  const standard = EndpointAllowlist.parse(undefined);

  it.each([
    'https://fcm.googleapis.com/fcm/send/abc',
    'https://updates.push.services.mozilla.com/wpush/v2/abc',
    'https://web.push.apple.com/QGx',
    'https://wns2-par02p.notify.windows.com/w/?token=abc',
  ])('allows the public push service %s by default', (endpoint) => {
    expect(standard.allows(endpoint)).toBe(true);
  });

  it.each([
    ['plain http', 'http://fcm.googleapis.com/fcm/send/abc'],
    ['another port', 'https://fcm.googleapis.com:444/x'],
    ['a look-alike host', 'https://fcm.googleapis.com.evil.example/x'],
    ['the bare wildcard domain', 'https://push.apple.com/x'],
    ['a suffix without the dot', 'https://evilpush.apple.com/x'],
    ['userinfo', 'https://a:b@fcm.googleapis.com/x'],
    ['loopback', 'http://127.0.0.1:8080/x'],
    ['metadata service', 'http://169.254.169.254/'],
    ['not a URL', 'fcm.googleapis.com/x'],
  ])('refuses %s', (_name, endpoint) => {
    expect(standard.allows(endpoint)).toBe(false);
  });

  it('matches explicit origins exactly, and "default" adds the public services', () => {
    const list = EndpointAllowlist.parse('default, http://127.0.0.1:9000, https://push.example:8443');
    expect(list.allows('http://127.0.0.1:9000/push/1')).toBe(true);
    expect(list.allows('http://127.0.0.1:9001/push/1')).toBe(false);
    expect(list.allows('https://push.example:8443/p')).toBe(true);
    expect(list.allows('https://push.example/p')).toBe(false);
    expect(list.allows('https://fcm.googleapis.com/x')).toBe(true);
    expect(EndpointAllowlist.parse('http://127.0.0.1:9000').allows('https://fcm.googleapis.com/x')).toBe(false);
  });

  it.each([
    ['plain http to a non-loopback host', 'http://push.example'],
    ['an origin with a path', 'https://push.example/x'],
    ['a wildcard over a TLD', '*.com'],
    ['garbage', 'not a host!'],
  ])('refuses to parse %s', (_name, text) => {
    expect(() => EndpointAllowlist.parse(text)).toThrow(AllowlistError);
  });
});
