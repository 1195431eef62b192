import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/test-server.js';
import { lifecycleContract } from '../lifecycle.contract.js';
import { storeContract } from '../store.contract.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SQLITE_FILE_NAME, SqliteStore } from './sqlite-store.js';

storeContract('sqlite', async () => SqliteStore.open(tempDir()));
lifecycleContract('sqlite', async () => {
  const dir = tempDir();
  return async () => SqliteStore.open(dir);
});

describe('SqliteStore', () => {
  it('runs in WAL mode and records its schema version', async () => {
    const dir = tempDir();
    await SqliteStore.open(dir).close();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    db.close();
  });

  it('finds a message\'s push jobs by index, not by scanning the queue', async () => {
    const dir = tempDir();
    await SqliteStore.open(dir).close();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    const plan = (sql: string, ...params: string[]) =>
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((row) => (row as { detail: string }).detail);
    const byIndex = [expect.stringContaining('USING COVERING INDEX push_jobs_by_message')];
    expect(plan('SELECT 1 FROM push_jobs WHERE message_id = ? AND user_id = ? LIMIT 1', 'm', 'u')).toEqual(byIndex);
    expect(plan('DELETE FROM push_jobs WHERE message_id = ?', 'm')).toEqual(byIndex);
    db.close();
  });

  it('keeps data across reopening and does not rerun migrations', async () => {
    const dir = tempDir();
    const first = SqliteStore.open(dir);
    await first.getOrInitSetting('k', 'v');
    await first.close();
    const second = SqliteStore.open(dir);
    expect(await second.getOrInitSetting('k', 'other')).toBe('v');
    await second.close();
  });

  it('makes every key that existed before roles a platform key', async () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    const roles = SQLITE_MIGRATIONS.findIndex((sql) => sql.includes('ADD COLUMN role'));
    SQLITE_MIGRATIONS.slice(0, roles).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${roles}`);
    db.prepare("INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('old', 'Old', 'hash-old', '2020-01-01T00:00:00.000Z')").run();
    db.close();
    const store = SqliteStore.open(dir);
    expect(await store.findMerchantByKeyHash('hash-old')).toEqual({
      id: 'old',
      name: 'Old',
      role: 'platform',
      createdAt: '2020-01-01T00:00:00.000Z',
    });
    await store.close();
  });

  it('refuses a database from a newer Tidings', () => {
    const dir = tempDir();
    SqliteStore.open(dir).close();
    const db = new Database(path.join(dir, SQLITE_FILE_NAME));
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    db.close();
    expect(() => SqliteStore.open(dir)).toThrow(/newer than this Tidings/);
  });
});
