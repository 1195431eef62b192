import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('WEBHOOK_ENDPOINT_ALLOWLIST', () => {
  it('admits nothing beyond public https hosts when unset (no push-service default)', () => {
    expect(loadConfig({}).webhookAllowlist).toBeUndefined();
  });

  it('parses origins and hosts like PUSH_ENDPOINT_ALLOWLIST', () => {
    const allowlist = loadConfig({ WEBHOOK_ENDPOINT_ALLOWLIST: 'http://127.0.0.1:9000, hooks.internal.example' }).webhookAllowlist!;
    expect(allowlist.allows('http://127.0.0.1:9000/hook')).toBe(true);
    expect(allowlist.allows('https://hooks.internal.example/x')).toBe(true);
    expect(allowlist.allows('http://127.0.0.1:9001/hook')).toBe(false);
  });

  it('refuses plain http to a non-loopback origin with a message naming the variable', () => {
    expect(() => loadConfig({ WEBHOOK_ENDPOINT_ALLOWLIST: 'http://10.0.0.7:8080' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEBHOOK_ENDPOINT_ALLOWLIST: 'http://10.0.0.7:8080' })).toThrow(/WEBHOOK_ENDPOINT_ALLOWLIST: .*loopback/);
  });
});
