import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointerOptions {
  /**
   * How often the thread copies what is committed into the database file (default 250 ms; a page
   * written several times in between is copied once).
   */
  intervalMs?: number;
  /**
   * The event loop's own automatic checkpoint, in WAL pages (default 4,096: 16 MiB). It is what
   * starts the WAL over under writes that never pause (see the class comment). It is skipped while
   * the thread holds the checkpoint lock, so the WAL reaches about this plus what is committed during
   * one of the thread's passes (measured: up to 26 MiB in the flash sale); the file is truncated
   * back to this once the WAL starts over.
   */
  walPages?: number;
  /** Where a failed checkpoint or a stopped thread is reported (default: a process warning). */
  onProblem?: (message: string) => void;
}

export interface CheckpointStats {
  /** PASSIVE checkpoints run. */
  passes: number;
  /** The longest WAL, in pages, a checkpoint has seen. */
  longestWal: number;
  /** Passes that failed (each failure warned about once until it changes or a pass succeeds). */
  failed: number;
  /** Whether the latest pass failed. */
  failing: boolean;
}

/*
 * Plain CommonJS, run with `eval` so the same text works under tsx and from dist/. The driver's
 * path is resolved by the parent and passed in: an eval'd worker has no module of its own to
 * resolve from.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const stats = { passes: 0, longestWal: 0, failed: 0 };
let lastError = '';
const pass = () => {
  try {
    const [wal] = db.pragma('wal_checkpoint(PASSIVE)');
    stats.passes++;
    stats.longestWal = Math.max(stats.longestWal, wal.log);
    lastError = '';
  } catch (error) {
    stats.failed++;
    // Reported once until it changes or a pass succeeds: a full disk would otherwise warn 4 times a second.
    if (String(error) !== lastError) parentPort.postMessage({ type: 'error', message: String(error) });
    lastError = String(error);
  }
};
const timer = setInterval(pass, workerData.intervalMs);
parentPort.on('message', (request) => {
  if (request === 'stats') return parentPort.postMessage({ type: 'stats', stats: { ...stats, failing: lastError !== '' } });
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside whichever
 * COMMIT takes the WAL past its threshold (1,000 pages): on the event loop, it copies the WAL's
 * pages into the database file and fsyncs that. In the flash sale that was about half of every
 * fan-out commit's time (bench/README.md). Here a worker thread with its own connection runs a
 * PASSIVE checkpoint every `intervalMs`, which copies what is committed without taking the write
 * lock; when writes pause, the next one starts the WAL over. Under writes that never pause long
 * enough, the event loop's automatic checkpoint at `walPages` does that, copying only what the
 * thread has not yet. Nothing stronger than PASSIVE runs on the thread: a
 * RESTART or TRUNCATE holds the write lock, and a transaction on the event loop that had read before
 * writing then fails with SQLITE_BUSY instead of waiting (a test holds this). Crash safety is
 * SQLite's own: a checkpoint copies only committed pages, and one cut short is redone from the WAL
 * at the next open.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<number>;

  constructor(db: Database.Database, file: string, options: CheckpointerOptions = {}) {
    const walPages = options.walPages ?? 4_096;
    const onProblem = options.onProblem ?? ((message: string) => process.emitWarning(message));
    db.pragma(`wal_autocheckpoint = ${walPages}`);
    // The WAL file stays as long as the most it ever held until SQLite truncates it: at the first
    // commit after it starts over, back to this.
    db.pragma(`journal_size_limit = ${walPages * (db.pragma('page_size', { simple: true }) as number)}`);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: options.intervalMs ?? 250,
      },
    });
    // A failed pass is retried at the next interval; the fallback bounds the WAL meanwhile.
    this.worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') onProblem(`WAL checkpoint failed: ${message.message}`);
    });
    this.worker.on('error', (error) => onProblem(`WAL checkpoint thread stopped: ${error.message}`));
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.unref();
  }

  /**
   * What the thread has done so far; rejects once the thread has stopped, or when it has not
   * answered within `timeoutMs` (a pass stuck on a hung disk: /metrics must not hang with it).
   */
  async stats(timeoutMs = 1_000): Promise<CheckpointStats> {
    const signal = AbortSignal.timeout(timeoutMs);
    const stopped = this.exited.then((code): never => {
      throw new Error(`WAL checkpoint thread exited with code ${code}`);
    });
    stopped.catch(() => undefined); // rejects after a reply too; only the race below reads it
    this.worker.ref();
    try {
      for (;;) {
        this.worker.postMessage('stats');
        const reply = once(this.worker, 'message', { signal }).catch((error: unknown) => {
          throw signal.aborted ? new Error(`WAL checkpoint thread did not answer within ${timeoutMs} ms`) : error;
        }) as Promise<[{ stats?: CheckpointStats }]>;
        reply.catch(() => undefined); // when the thread stopped first, the timeout still ends it later
        const [answer] = await Promise.race([reply, stopped]);
        if (answer.stats) return answer.stats;
      }
    } finally {
      this.worker.unref();
    }
  }

  /** Stops the thread and closes its connection; the WAL is left to the event loop's connection. */
  async stop(): Promise<void> {
    // Held until it exits: an unref'd thread lets the process end before its 'exit' arrives, and
    // whatever the caller does after `await close()` (closing the database, too) would never run.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
