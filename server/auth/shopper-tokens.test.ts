import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { tempDir } from '../test-support/test-server.js';
import { ShopperTokens } from './shopper-tokens.js';

const store = SqliteStore.open(tempDir());
afterAll(() => store.close());

describe('ShopperTokens', () => {
  it('verifies what it minted, with the user id', async () => {
    const tokens = await ShopperTokens.fromStore(store);
    const { token } = tokens.mint('alice', 60);
    expect(tokens.verify(token)).toMatchObject({ ok: true, claims: { sub: 'alice' } });
  });

  it('shares one secret per store, so every instance accepts every token', async () => {
    const a = await ShopperTokens.fromStore(store);
    const b = await ShopperTokens.fromStore(store);
    expect(b.verify(a.mint('alice', 60).token).ok).toBe(true);
    const other = await ShopperTokens.fromStore(SqliteStore.open(tempDir()));
    expect(other.verify(a.mint('alice', 60).token)).toEqual({ ok: false, reason: 'invalid-credentials' });
  });

  it('expires exactly at exp', async () => {
    const tokens = await ShopperTokens.fromStore(store);
    const now = Date.parse('2026-01-01T00:00:00Z');
    const { token, expiresAt } = tokens.mint('alice', 60, now);
    expect(expiresAt).toBe('2026-01-01T00:01:00.000Z');
    expect(tokens.verify(token, now + 59_999).ok).toBe(true);
    expect(tokens.verify(token, now + 60_000)).toEqual({ ok: false, reason: 'token-expired' });
  });

  it('refuses tampered claims, wrong versions and junk', async () => {
    const tokens = await ShopperTokens.fromStore(store);
    const [version, claims, signature] = tokens.mint('alice', 60).token.split('.') as [string, string, string];
    const swapped = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'bob' }),
    ).toString('base64url');
    for (const bad of [`${version}.${swapped}.${signature}`, `v2.${claims}.${signature}`, 'junk', '', 'a.b.c.d']) {
      expect(tokens.verify(bad).ok).toBe(false);
    }
  });

  it('carries the name given at minting, and still verifies tokens minted before names existed', async () => {
    const tokens = await ShopperTokens.fromStore(store);
    expect(tokens.verify(tokens.mint('alice', 60, Date.now(), 'Alice').token)).toMatchObject({ ok: true, claims: { sub: 'alice', name: 'Alice' } });
    const check = tokens.verify(tokens.mint('bob', 60).token);
    expect(check.ok && check.claims).not.toHaveProperty('name');
    // A token as the previous version minted it: the same format, no name claim.
    const sign = (text: string) => (tokens as unknown as { sign(text: string): string }).sign(text);
    const body = Buffer.from(JSON.stringify({ sub: 'carol', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    expect(tokens.verify(`v1.${body}.${sign(`v1.${body}`)}`)).toMatchObject({ ok: true, claims: { sub: 'carol' } });
  });
});
