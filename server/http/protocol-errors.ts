import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';

/** How Node's parser errors map to an answer; the same statuses Node itself would give. */
function answerFor(code: string | undefined): { status: number; code: ErrorCode; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers-too-large', message: 'The request line and headers are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request-timeout', message: 'The request was not received in time' };
    default:
      return { status: 400, code: 'bad-request', message: 'The request is not valid HTTP' };
  }
}

function errorResponse(status: number, code: ErrorCode, message: string): string {
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  return (
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * A few requests are answered by Node's HTTP server before Express sees them:
 * headers over the limit (431), an `Expect` it does not know (417), bytes that
 * are not HTTP (400). Node answers those with a bare status; these handlers
 * give them the same stable error shape as every other answer.
 */
export function answerProtocolErrorsAsJson(server: http.Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Nothing can be written to a reset or half-closed socket, and a request whose answer had
    // already begun cannot get a second one (Node's own handler makes the same checks).
    const inFlight = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = answerFor(err.code);
    socket.end(errorResponse(answer.status, answer.code, answer.message));
  });
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = JSON.stringify({
      error: { code: 'expectation-failed', message: `Expect: ${req.headers.expect} is not supported; only 100-continue is` },
    } satisfies ErrorBody);
    res.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      connection: 'close',
    });
    res.end(body);
  });
}
