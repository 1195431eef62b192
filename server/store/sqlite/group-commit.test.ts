import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

function openDb() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return db;
}

describe('GroupCommit', () => {
  it('commits writes queued in one turn in one transaction', async () => {
    const db = openDb();
    let commits = 0;
    const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    const group = new GroupCommit(db);
    const original = db.transaction.bind(db);
    // Count only outermost transactions: nested ones are savepoints.
    db.transaction = ((fn: () => unknown) => {
      const tx = original(fn);
      return (() => {
        if (!db.inTransaction) commits++;
        return tx();
      }) as never;
    }) as typeof db.transaction;
    const results = await Promise.all([1, 2, 3].map((id) => group.run(() => insert.run(id, `v${id}`).changes)));
    expect(results).toEqual([1, 1, 1]);
    expect(commits).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 3 });
  });

  it('rolls back only the write that failed', async () => {
    const db = openDb();
    const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    const group = new GroupCommit(db);
    const outcomes = await Promise.allSettled([
      group.run(() => insert.run(1, 'a')),
      group.run(() => {
        insert.run(2, 'b');
        insert.run(1, 'duplicate'); // fails: the savepoint undoes row 2 as well
      }),
      group.run(() => insert.run(3, 'c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT id FROM t ORDER BY id').all()).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it('splits a burst larger than one batch and keeps every write', async () => {
    const db = openDb();
    const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    const group = new GroupCommit(db, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => group.run(() => insert.run(i, 'x'))));
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 10 });
  });
});
