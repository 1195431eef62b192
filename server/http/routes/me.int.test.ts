import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meResponseSchema } from '../../../shared/auth.schema.js';
import { api } from '../../test-support/api.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

/** `GET /api/v1/me` (issue 10, part 5): who the shopper token speaks for, with the name the platform gave. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const mint = (body: Record<string, unknown>) => api(server.url, 'POST', '/shopper-tokens', body);

describe('GET /api/v1/me', () => {
  it('answers the user id and the name given at minting', async () => {
    const minted = await mint({ userId: 'me-alice', name: '  Alice Liddell ' });
    expect(minted.status).toBe(201);
    const me = await api(server.url, 'GET', '/me', undefined, { credential: minted.body.token });
    expect(me.status).toBe(200);
    expect(meResponseSchema.parse(me.body)).toEqual({ userId: 'me-alice', name: 'Alice Liddell' });
  });

  it('answers only the user id when no name was given', async () => {
    const me = await api(server.url, 'GET', '/me', undefined, { credential: await server.tokenFor('me-bob') });
    expect(me).toMatchObject({ status: 200, body: { userId: 'me-bob' } });
    expect(me.body).not.toHaveProperty('name');
  });

  it.each([
    ['a control character', 'Eve\u0007'],
    ['a newline', 'Eve\nAdmin'],
    ['an empty name', '   '],
    ['a name over 100 characters', 'n'.repeat(101)],
    ['a name that is not a string', 42],
  ])('refuses to mint a token with %s (400 validation-failed)', async (_what, name) => {
    const res = await mint({ userId: 'me-eve', name });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation-failed' });
    expect(res.body.error.issues[0].path).toBe('name');
  });

  it('needs a shopper token', async () => {
    expect((await api(server.url, 'GET', '/me')).body.error.code).toBe('wrong-credential-kind');
  });
});
