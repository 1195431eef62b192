/**
 * The baseline: what a hand-written push server does with no validation and no
 * storage. `ws` on `node:http`; a client's first frame is
 * `{"type":"hello","userId":...}` (no token), answered with `{"type":"ready"}`;
 * `{"type":"hello","userId":...,"topics":[...]}` joins topics for the flash-sale bench;
 * `POST /api/v1/messages` takes the same JSON body as Tidings, and sends each
 * addressed connection the same event frame Tidings would, then answers 202.
 * With BARE_EVENT_LOG (a Tidings SQLite file), a hello carrying `"after": seq`
 * is first answered with the shopper's events after that seq, read with one
 * indexed SELECT and written corked, the message text spliced in as stored:
 * the reconnect-storm bench's baseline.
 *
 * Run as its own process by the benchmark: PORT and HOST from the environment.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import Database from 'better-sqlite3';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const connections = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();
/** topic → the shoppers who joined it in their hello. */
const topics = new Map<string, Set<string>>();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.method !== 'POST' || req.url !== '/api/v1/messages') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: { to: { userIds?: string[]; topic?: string } } & Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString()) as typeof body;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const { to, ...content } = body;
    const message = { ...content, id: crypto.randomUUID(), createdAt: new Date().toISOString() };
    const userIds = to.topic ? [...(topics.get(to.topic) ?? [])] : (to.userIds ?? []);
    for (const userId of userIds) {
      const seq = (seqs.get(userId) ?? 0) + 1;
      seqs.set(userId, seq);
      const frame = JSON.stringify({ type: 'event', event: { seq, kind: 'message', message } });
      for (const ws of connections.get(userId) ?? []) ws.send(frame);
    }
    res
      .writeHead(202, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id: message.id, status: 'queued', recipients: userIds.length }));
  });
});

const eventLog = process.env.BARE_EVENT_LOG ? new Database(process.env.BARE_EVENT_LOG, { readonly: true }) : undefined;
const readAfter = eventLog?.prepare<[string, number], { seq: number; message_json: string }>(
  `SELECT e.seq, m.message_json FROM events e JOIN messages m ON m.id = e.message_id
   WHERE e.user_id = ? AND e.seq > ? ORDER BY e.seq`,
);

const wss = new WebSocketServer({ server, maxPayload: 16 * 1024 });
wss.on('connection', (ws, req) => {
  ws.once('message', (data) => {
    const { userId, topics: joined = [], after } = JSON.parse(data.toString()) as { userId: string; topics?: string[]; after?: number };
    if (after !== undefined && readAfter) {
      req.socket.cork();
      for (const row of readAfter.all(userId, after)) {
        ws.send(`{"type":"event","event":{"seq":${row.seq},"kind":"message","message":${row.message_json}}}`);
      }
      process.nextTick(() => req.socket.uncork());
    }
    for (const topic of joined) {
      if (!topics.has(topic)) topics.set(topic, new Set());
      topics.get(topic)!.add(userId);
    }
    let set = connections.get(userId);
    if (!set) connections.set(userId, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) connections.delete(userId);
    });
    ws.send('{"type":"ready"}');
  });
});

server.listen(port, host);
process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
});
