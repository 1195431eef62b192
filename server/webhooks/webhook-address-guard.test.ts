import { describe, expect, it } from 'vitest';
import { EndpointAllowlist } from '../push/endpoint-allowlist.js';
import { checkWebhookUrl, isInternalAddress, resolvePublic } from './webhook-address-guard.js';

describe('webhook address guard', () => {
  it.each([
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '100.127.255.255', '127.0.0.1', '127.255.0.9', '169.254.169.254', '172.16.0.1',
    '172.31.255.255', '192.168.1.1', '192.0.2.5', '198.18.0.1', '224.0.0.251', '239.255.255.250', '255.255.255.255',
    '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
    '::ffff:169.254.169.254', '64:ff9b::7f00:1', '2002:7f00:1::', 'not-an-address',
  ])('refuses %s', (address) => expect(isInternalAddress(address)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:93.184.216.34'])('admits %s', (address) =>
    expect(isInternalAddress(address)).toBe(false),
  );

  it('admits an allowlisted loopback origin over http, and nothing else of it', () => {
    const allowlist = EndpointAllowlist.parse('http://127.0.0.1:9000');
    expect(checkWebhookUrl('http://127.0.0.1:9000/hook', allowlist).href).toBe('http://127.0.0.1:9000/hook');
    expect(() => checkWebhookUrl('http://127.0.0.1:9001/hook', allowlist)).toThrow('https');
    expect(() => checkWebhookUrl('https://127.0.0.1:9001/hook', allowlist)).toThrow('internal');
    expect(() => checkWebhookUrl('http://127.0.0.1:9000/hook', undefined)).toThrow('https');
  });

  it('refuses a name when any of its addresses is internal', async () => {
    const resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ];
    await expect(resolvePublic('mixed.example', resolver)).rejects.toThrow('resolves to ::1');
    await expect(resolvePublic('ok.example', async () => [{ address: '93.184.216.34', family: 4 }])).resolves.toHaveLength(1);
    await expect(resolvePublic('gone.example', async () => Promise.reject(new Error('ENOTFOUND')))).rejects.toThrow('does not resolve');
  });
});
