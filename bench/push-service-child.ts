/**
 * The benchmark's push service, in its own process so it never competes with
 * the sender for CPU: HTTPS with keep-alive (what real push services speak),
 * reads each body and answers 201, counts per endpoint. It does not decrypt
 * or verify JWTs: the integration tests' loopback push service does that, and
 * here it would make the push service the bottleneck being measured.
 *
 * Protocol on stdout/stdin (JSON lines): prints {"port"} when listening;
 * answers {"cmd":"stats"} with {"requests","bytes","distinct"} and
 * {"cmd":"reset"} with {"ok":true}.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';

const [certFile, keyFile] = process.argv.slice(2) as [string, string];
let requests = 0;
let bytes = 0;
let endpoints = new Set<string>();

const server = https.createServer(
  { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), keepAlive: true, keepAliveTimeout: 60_000 },
  (req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      if (req.method !== 'POST' || !String(req.headers.authorization).startsWith('vapid t=')) {
        res.writeHead(400).end();
        return;
      }
      requests++;
      bytes += size;
      endpoints.add(req.url ?? '');
      res.writeHead(201, { 'content-length': '0' }).end();
    });
  },
);
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const { cmd } = JSON.parse(line) as { cmd: string };
  if (cmd === 'stats') process.stdout.write(`${JSON.stringify({ requests, bytes, distinct: endpoints.size })}\n`);
  if (cmd === 'reset') {
    requests = 0;
    bytes = 0;
    endpoints = new Set();
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
