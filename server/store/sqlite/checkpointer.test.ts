import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PACKAGE_ROOT } from '../../config.js';
import { tempDir } from '../../test-support/test-server.js';
import { Checkpointer, type CheckpointerOptions } from './checkpointer.js';

const PAGE = 4_096;
const open: { db: Database.Database; checkpointer: Checkpointer }[] = [];

afterEach(async () => {
  for (const { db, checkpointer } of open.splice(0)) {
    await checkpointer.stop();
    db.close();
  }
});

function start(options: CheckpointerOptions = {}) {
  const file = path.join(tempDir(), 'test.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE pages (n INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const checkpointer = new Checkpointer(db, file, { intervalMs: 10, ...options });
  open.push({ db, checkpointer });
  let next = 0;
  const insert = db.prepare('INSERT INTO pages (n, body) VALUES (?, ?)');
  /** Commits `pages` rows of about a page each, in one transaction. */
  const write = (pages: number) =>
    db.transaction(() => {
      for (let i = 0; i < pages; i++) insert.run(next++, Buffer.alloc(PAGE - 200, next));
    })();
  const size = (suffix = '') => fs.statSync(file + suffix).size;
  /** Resolves once the thread has run two whole passes after this call. */
  const passes = async (n = 2) => {
    const before = (await checkpointer.stats()).passes;
    await vi.waitFor(async () => expect((await checkpointer.stats()).passes).toBeGreaterThanOrEqual(before + n));
  };
  return { db, file, checkpointer, write, size, passes };
}

describe('Checkpointer', () => {
  it('moves the event loop\'s automatic checkpoint out to walPages', () => {
    const { db } = start({ walPages: 12_345 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(12_345);
  });

  it('copies committed pages into the database file without a commit doing it', async () => {
    const { write, size, passes } = start();
    write(300);
    const before = size();
    await passes();
    // 300 pages were committed to the WAL only; the thread moved them into the file.
    expect(size() - before).toBeGreaterThanOrEqual(300 * PAGE);
  });

  it('lets the next write start the WAL over once everything is copied, so it does not grow', async () => {
    const { write, size, passes } = start({ walPages: 100_000 });
    for (let round = 0; round < 10; round++) {
      write(100);
      await passes();
    }
    // Ten rounds of 100 pages; a WAL that never started over would hold all 1,000.
    expect(size('-wal')).toBeLessThan(300 * PAGE);
  });

  it('never fails a write while it checkpoints', async () => {
    const { db, write } = start({ intervalMs: 1, walPages: 50 });
    const count = db.prepare('SELECT COUNT(*) AS n FROM pages');
    // Each transaction reads before it writes: a checkpoint that took the write lock (RESTART or
    // TRUNCATE) would fail such an upgrade with SQLITE_BUSY instead of waiting.
    for (let i = 0; i < 300; i++) {
      db.transaction(() => {
        count.get();
        write(5);
      })();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(count.get()).toEqual({ n: 1_500 });
  });

  it('truncates the WAL file back to walPages once the WAL starts over', async () => {
    const { write, size, passes } = start({ walPages: 100 });
    write(400);
    expect(size('-wal')).toBeGreaterThan(400 * PAGE);
    await passes();
    write(1);
    // Without journal_size_limit the file would stay at the 400 pages it once held.
    expect(size('-wal')).toBeLessThanOrEqual(100 * PAGE);
  });

  it('keeps every committed row when stopped in the middle of writing', async () => {
    const { db, file, checkpointer, write } = start({ intervalMs: 1 });
    for (let round = 0; round < 20; round++) {
      write(25);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await checkpointer.stop();
    await checkpointer.stop();
    db.close();
    open.length = 0;
    const reopened = new Database(file);
    expect(reopened.prepare('SELECT COUNT(*) AS n, SUM(length(body)) AS bytes FROM pages').get()).toEqual({
      n: 500,
      bytes: 500 * (PAGE - 200),
    });
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });

  it('lets the process go on after stop() when nothing else keeps it alive', async () => {
    // In a process of its own: the test runner keeps this one alive whatever the thread does.
    const file = path.join(tempDir(), 'test.sqlite');
    const script = `
      import Database from 'better-sqlite3';
      import { Checkpointer } from ${JSON.stringify(pathToFileURL(path.join(PACKAGE_ROOT, 'server/store/sqlite/checkpointer.ts')).href)};
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = WAL');
      await new Checkpointer(db, ${JSON.stringify(file)}).stop();
      db.close();
      console.log('after stop');`;
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PACKAGE_ROOT }).catch(
      (error: { stdout: string }) => error,
    );
    expect(run.stdout.trim()).toBe('after stop');
  });

  it('warns once about a checkpoint that keeps failing the same way', async () => {
    const file = path.join(tempDir(), 'not-a-database.sqlite');
    fs.writeFileSync(file, 'x'.repeat(2 * PAGE));
    const db = new Database(':memory:');
    const checkpointer = new Checkpointer(db, file, { intervalMs: 1 });
    open.push({ db, checkpointer });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      await vi.waitFor(async () => expect((await checkpointer.stats()).failed).toBeGreaterThanOrEqual(20));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((message) => message.startsWith('WAL checkpoint failed'))).toHaveLength(1);
  });

  it('gives up on a thread that does not answer, rather than wait with it (/metrics reads it)', async () => {
    const { checkpointer } = start();
    const worker = (checkpointer as unknown as { worker: { postMessage: (request: string) => void } }).worker;
    // The request never reaches the thread: as if its pass were stuck on a hung disk.
    const swallowed = vi.spyOn(worker, 'postMessage').mockImplementationOnce(() => undefined);
    await expect(checkpointer.stats(50)).rejects.toThrow('WAL checkpoint thread did not answer within 50 ms');
    swallowed.mockRestore();
    expect((await checkpointer.stats()).failing).toBe(false);
  });

  it('reports problems to onProblem instead, when given one', async () => {
    const file = path.join(tempDir(), 'not-a-database.sqlite');
    fs.writeFileSync(file, 'x'.repeat(2 * PAGE));
    const db = new Database(':memory:');
    const problems: string[] = [];
    const checkpointer = new Checkpointer(db, file, { intervalMs: 1, onProblem: (message) => problems.push(message) });
    open.push({ db, checkpointer });
    await vi.waitFor(async () => expect((await checkpointer.stats()).failed).toBeGreaterThanOrEqual(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await checkpointer.stats()).failing).toBe(true);
    expect(problems).toEqual([expect.stringMatching(/^WAL checkpoint failed: SqliteError: file is not a database/)]);
  });
});
