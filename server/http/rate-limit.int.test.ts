import { afterEach, describe, expect, it } from 'vitest';
import { api } from '../test-support/api.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('rate limits', () => {
  it('answers 429 rate-limited with Retry-After once a merchant key has used its burst', async () => {
    // A rate so slow that no token comes back during the test.
    server = await startTestServer({ rateLimits: { merchant: { perSecond: 0.01, burst: 3 }, ip: { perSecond: 0, burst: 1 } } });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api(server.url, 'POST', '/messages', messageTo(['rl-1'])));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429]);
    expect(answers[3]!.body.error.code).toBe('rate-limited');
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Refused before any work: the fourth message was not stored.
    expect(await server.store.readEvents('rl-1', 0, 10)).toHaveLength(3);
  });

  it('limits per IP, also for requests without credentials', async () => {
    server = await startTestServer({ rateLimits: { merchant: { perSecond: 0, burst: 1 }, ip: { perSecond: 0.01, burst: 2 } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/api/v1/vapid-public-key`)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
