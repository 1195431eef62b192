/**
 * Baseline for bench/messages.bench.ts: the least a message API can do. A
 * bare Express route that parses the JSON body and inserts the same row
 * Tidings stores into SQLite (WAL, synchronous=FULL, one transaction per
 * request), then answers 202. No auth, no validation, no events, no pushes.
 * Usage: node --import tsx bench/bare-sqlite-server.ts <port> <dataDir>
 */
import crypto from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';

const [port, dataDir] = process.argv.slice(2);
const db = new Database(path.join(dataDir!, 'bare.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, message_json TEXT NOT NULL, recipients INTEGER NOT NULL, created_at TEXT NOT NULL)`);
const insert = db.prepare('INSERT INTO messages (id, merchant_id, message_json, recipients, created_at) VALUES (?, ?, ?, ?, ?)');

const app = express();
app.use(express.json({ limit: '64kb' }));
app.post('/api/v1/messages', (req, res) => {
  const id = crypto.randomUUID();
  const createdAt = new Date().toISOString();
  insert.run(id, 'bench', JSON.stringify({ ...req.body, id, createdAt }), 1, createdAt);
  res.status(202).json({ id, status: 'queued', recipients: 1 });
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
