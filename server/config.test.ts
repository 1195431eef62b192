import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has sensible defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', demo: false, production: false, heartbeatMs: 25_000 });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('binds demo mode to loopback unless HOST says otherwise', () => {
    expect(loadConfig({}, ['--demo'])).toMatchObject({ demo: true, host: '127.0.0.1' });
    expect(loadConfig({ DEMO: '1', HOST: '0.0.0.0' })).toMatchObject({ demo: true, host: '0.0.0.0' });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ BOOTSTRAP_MERCHANT_KEY: 'short' }, /BOOTSTRAP_MERCHANT_KEY: must be at least 24/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ NODE_ENV: 'production', DEMO: '1' }, /demo mode/],
    [{ DATABASE_URL: 'postgres://x' }, /DATABASE_URL: PostgreSQL is not supported yet/],
  ])('refuses %j with a message naming it', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });
});
