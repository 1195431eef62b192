/**
 * The benchmark's push service, in its own process so it never competes with
 * the sender for CPU. Two listeners on one certificate: an HTTP/2 server that
 * also accepts HTTP/1.1 (`allowHTTP1`, as FCM does) and an HTTPS server that
 * speaks only HTTP/1.1 with keep-alive (as Mozilla's autopush). Each reads the
 * body and answers 201, counting per endpoint. It does not decrypt or verify
 * JWTs: the integration tests' loopback push service does that, and here it
 * would make the push service the bottleneck being measured.
 *
 * Protocol on stdout/stdin (JSON lines): prints {"h2Port","h1Port"} when
 * listening; answers {"cmd":"stats"} with {"requests","bytes","distinct","h2Requests","cpuMs"}
 * (this process's CPU time since the last reset)
 * and {"cmd":"reset"} with {"ok":true}.
 */
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';

const [certFile, keyFile] = process.argv.slice(2) as [string, string];
const tls = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
let requests = 0;
let h2Requests = 0;
let bytes = 0;
let endpoints = new Set<string>();
let cpuSince = process.cpuUsage();

function handle(req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void {
  let size = 0;
  req.on('data', (chunk: Buffer) => (size += chunk.length));
  req.on('end', () => {
    if (req.method !== 'POST' || !String(req.headers.authorization).startsWith('vapid t=')) {
      res.writeHead(400);
      res.end();
      return;
    }
    requests++;
    if (req.httpVersion === '2.0') h2Requests++;
    bytes += size;
    endpoints.add(req.url ?? '');
    res.writeHead(201, { 'content-length': '0' });
    res.end();
  });
}

const h2 = http2.createSecureServer({ ...tls, allowHTTP1: true, settings: { maxConcurrentStreams: 256 } }, handle);
const h1 = https.createServer({ ...tls, ALPNProtocols: ['http/1.1'], keepAlive: true, keepAliveTimeout: 60_000 }, handle);
h1.maxRequestsPerSocket = 0;

const listening = (server: { listen: (port: number, host: string, cb: () => void) => unknown; address: () => unknown }) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const [h2Port, h1Port] = await Promise.all([listening(h2), listening(h1)]);
process.stdout.write(`${JSON.stringify({ h2Port, h1Port })}\n`);

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { cmd } = JSON.parse(line) as { cmd: string };
  if (cmd === 'stats') {
    const cpu = process.cpuUsage(cpuSince);
    process.stdout.write(`${JSON.stringify({ requests, bytes, distinct: endpoints.size, h2Requests, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  }
  if (cmd === 'reset') {
    requests = 0;
    h2Requests = 0;
    bytes = 0;
    endpoints = new Set();
    cpuSince = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
