import net from 'node:net';

/**
 * An HTTP/1.1 request as bytes on the wire. A raw socket rather than fetch or
 * node:http, because those refuse or repair exactly what the fuzzer sends:
 * bad percent-escapes, a Content-Length that disagrees with the body, a
 * Content-Encoding over bytes that are not compressed.
 */
export interface RawRequest {
  method: string;
  /** The request target as sent: already percent-encoded (or deliberately not). */
  target: string;
  headers: [string, string][];
  body?: Uint8Array;
  /** Sent instead of the body's real length (the server reads this many bytes). */
  contentLength?: number;
  /** Send the body chunked instead of with a Content-Length. */
  chunked?: boolean;
  /** Close the sending side after the request (with a long Content-Length: the body ends early). */
  halfClose?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The connection ended before the whole body arrived. */
  truncated?: boolean;
}

export type RawOutcome =
  | { kind: 'response'; response: RawResponse }
  | { kind: 'timeout' }
  | { kind: 'connection-error'; message: string };

/** Characters a header value may hold on the wire (RFC 9110 field-vchar, SP, HTAB, obs-text). */
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function encodeRequest(req: RawRequest, host: string): Buffer {
  const lines = [`${req.method} ${req.target} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of req.headers) lines.push(`${name}: ${value}`);
  const body = req.body ? Buffer.from(req.body) : undefined;
  if (req.chunked) {
    lines.push('Transfer-Encoding: chunked');
  } else if (body || req.contentLength !== undefined) {
    lines.push(`Content-Length: ${req.contentLength ?? body!.length}`);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!body) return req.chunked ? Buffer.concat([head, Buffer.from('0\r\n\r\n')]) : head;
  if (!req.chunked) return Buffer.concat([head, body]);
  const chunks: Buffer[] = [head];
  for (let at = 0; at < body.length; at += 8192) {
    const part = body.subarray(at, at + 8192);
    chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(chunks);
}

/** Sends one request on a fresh connection and reads the first response, or gives up after `timeoutMs`. */
export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  const { hostname, port, host } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('connect', () => {
      socket.write(encodeRequest(req, host));
      if (req.halfClose) socket.end();
    });
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      const response = parseResponse(received, req.method === 'HEAD', false);
      if (response) finish({ kind: 'response', response });
    });
    // A server that answers before reading a large body closes with that body unread, and TCP may then
    // reset the connection under the tail of the answer: what arrived of it is still its answer.
    const atEnd = (why: string) => {
      const response = parseResponse(received, req.method === 'HEAD', true) ?? parseHead(received);
      finish(response ? { kind: 'response', response } : { kind: 'connection-error', message: `${why} after ${received.length} bytes` });
    };
    socket.on('end', () => atEnd('closed'));
    socket.on('error', (err) => atEnd(err.message));
  });
}

/** The first complete response in `data`, or undefined while more is needed. */
export function parseResponse(data: Buffer, headRequest: boolean, ended: boolean): RawResponse | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headerLines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(headEnd + 4);
  // An interim answer (100 Continue to an Expect header): the real one follows.
  if (status >= 100 && status < 200) return parseResponse(rest, headRequest, ended);
  if (headRequest || status === 204 || status === 304) {
    return { status, headers, body: Buffer.alloc(0) };
  }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    return rest.length >= length ? { status, headers, body: rest.subarray(0, length) } : undefined;
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const body = dechunk(rest);
    return body ? { status, headers, body } : undefined;
  }
  // No framing: the body runs to the end of the connection.
  return ended ? { status, headers, body: rest } : undefined;
}

/** The status and headers of a response whose body was cut off. */
function parseHead(data: Buffer): RawResponse | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = parseResponse(data.subarray(0, headEnd + 4), true, true);
  // A 100 Continue parses to nothing on its own: the cut-off answer is the one after it.
  if (!head) return parseHead(data.subarray(headEnd + 4));
  return { ...head, body: data.subarray(headEnd + 4), truncated: true };
}

function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
