import { describe, expect, it } from 'vitest';
import net, { type AddressInfo } from 'node:net';
import { encodeRequest, parseResponse, sendRaw } from './raw-http.js';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('the raw HTTP client', () => {
  it('writes exactly the target, headers and framing it is given', () => {
    const wire = encodeRequest({ method: 'GET', target: '/api/v1/messages/%ZZ?a=1&a=2', headers: [['Idempotency-Key', 'é']] }, 'h:1').toString('latin1');
    expect(wire).toBe('GET /api/v1/messages/%ZZ?a=1&a=2 HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\nIdempotency-Key: é\r\n\r\n');
    const long = encodeRequest({ method: 'POST', target: '/', headers: [], body: bytes('{}'), contentLength: 9 }, 'h').toString('latin1');
    expect(long.endsWith('Content-Length: 9\r\n\r\n{}')).toBe(true);
    const chunked = encodeRequest({ method: 'POST', target: '/', headers: [], body: bytes('{"a":1}'), chunked: true }, 'h').toString('latin1');
    expect(chunked.endsWith('Transfer-Encoding: chunked\r\n\r\n7\r\n{"a":1}\r\n0\r\n\r\n')).toBe(true);
  });

  it('reads a response only once its body is complete, by length or by chunks', () => {
    const head = 'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n';
    expect(parseResponse(bytes(`${head}{"a`), false, false)).toBeUndefined();
    expect(parseResponse(bytes(`${head}{"a"}`), false, false)?.body.toString()).toBe('{"a"');
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n1\r\n!\r\n';
    expect(parseResponse(bytes(chunked), false, false)).toBeUndefined();
    expect(parseResponse(bytes(`${chunked}0\r\n\r\n`), false, false)?.body.toString()).toBe('ok!');
  });

  it('skips a 100 Continue to the real answer, and reads none of a HEAD or 204 body', () => {
    const answer = parseResponse(bytes('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'), false, false);
    expect(answer?.status).toBe(204);
    expect(parseResponse(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'), true, false)?.status).toBe(200);
  });

  it('judges an answer cut off by a reset by its status, after any 100 Continue', async () => {
    // A server that answers before reading a large body may reset the connection under the tail of its answer.
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const outcome = await sendRaw(`http://127.0.0.1:${port}`, { method: 'GET', target: '/metrics', headers: [] }, 5000);
    server.close();
    expect(outcome).toMatchObject({ kind: 'response', response: { status: 200, truncated: true } });
  });
});
