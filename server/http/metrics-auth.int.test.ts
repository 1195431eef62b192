import { afterEach, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const scrape = (authorization?: string) =>
  fetch(`${server!.url}/metrics`, { headers: authorization ? { authorization } : {} });

describe('GET /metrics with METRICS_TOKEN', () => {
  it('answers 401 without the token or with a wrong one, and the metrics with it', async () => {
    server = await startTestServer({ metricsToken: 'metrics-secret-0123456789' });
    for (const authorization of [undefined, 'Bearer wrong', 'Bearer metrics-secret-012345678', 'metrics-secret-0123456789']) {
      const res = await scrape(authorization);
      expect(res.status).toBe(401);
      expect(errorBodySchema.parse(await res.json()).error.code).toBe('unauthorized');
    }
    const ok = await scrape('Bearer metrics-secret-0123456789');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('tidings_stream_connections');
  });

  it('stays open without a token configured', async () => {
    server = await startTestServer();
    expect((await scrape()).status).toBe(200);
  });
});
