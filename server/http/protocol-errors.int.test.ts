import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '../../shared/errors.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** Writes raw bytes and reads the whole answer (the server closes the connection after it). */
function raw(
  bytes: string,
  options: { closeAfterHead?: boolean } = {},
): Promise<{ status: number; contentType: string | undefined; keepAlive: string | undefined; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (options.closeAfterHead && answer.includes('\r\n\r\n')) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        contentType: /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1],
        keepAlive: /\r\nkeep-alive: ([^\r]+)/i.exec(head)?.[1],
        body,
      });
    });
  });
}

describe('answers Node gives before Express sees the request', () => {
  it.each([
    ['headers over the limit', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'headers-too-large'],
    ['an Expect other than 100-continue', 'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: x-unknown\r\nConnection: close\r\n\r\n', 417, 'expectation-failed'],
    ['bytes that are not HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400, 'bad-request'],
  ])('carry the stable error shape: %s', async (_name, bytes, status, code) => {
    const answer = await raw(bytes);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(errorBodySchema.parse(JSON.parse(answer.body)).error.code).toBe(code);
  });

  it('keeps idle connections open longer than a 60 s client or load-balancer pool', async () => {
    const answer = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { closeAfterHead: true });
    expect(answer.status).toBe(200);
    expect(answer.keepAlive).toBe('timeout=65');
  });

  it('still serves the next request', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
