import crypto from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { encryptRfc8291Batch, type EncryptJobTuple } from './rfc8291-encrypt.js';

/** One RFC 8291 (aes128gcm) encryption to do: the subscription's keys and the plaintext. */
export interface EncryptJob {
  p256dh: string;
  auth: string;
  plaintext: string | Buffer;
}

/** What the main thread posts: many jobs at once, each distinct plaintext sent once. */
interface Batch {
  id: number;
  plaintexts: (string | Uint8Array)[];
  jobs: EncryptJobTuple[];
}

/** Per job, the ciphertext or the error message (a malformed key fails that job, not its batch). */
interface BatchResult {
  id: number;
  results: (Uint8Array | string)[];
}

interface Waiting {
  resolve: (cipherText: Buffer) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Batches posted and not yet answered, by id, each with its jobs' callbacks in order. */
  batches: Map<number, Waiting[]>;
}

/**
 * The worker's whole program. Kept as source text (eval) rather than a file
 * so the same code runs under tsx, vitest and the compiled dist alike; the
 * encryption is the very function the main thread runs inline, by its source.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const encryptBatch = ${encryptRfc8291Batch.toString()};
parentPort.on('message', ({ id, plaintexts, jobs }) => {
  const results = encryptBatch(crypto, plaintexts, jobs);
  const transfer = [];
  for (const result of results) if (typeof result !== 'string') transfer.push(result.buffer);
  parentPort.postMessage({ id, results }, transfer);
});
`;

/** Jobs per postMessage: big enough to amortise the message cost, small enough to spread over threads. */
const MAX_BATCH = 16;

/** Encryption threads by default: all cores but the one the event loop (HTTP, SQLite) runs on, at least one. */
export function defaultEncryptThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * Encrypts pushes on worker threads, so the event loop keeps sending while
 * the ECDH and AES work for the next pushes runs on another core. Jobs that
 * arrive in the same turn of the event loop are posted together, a batch per
 * thread, to the thread with the fewest waiting. Threads start on first use
 * and only hold the process open while they have work.
 */
export class EncryptPool {
  private readonly threads: Thread[] = [];
  private queue: { job: EncryptJob; waiting: Waiting }[] = [];
  private flushScheduled = false;
  private nextBatchId = 0;
  private closed = false;

  constructor(private readonly size: number = defaultEncryptThreads()) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`encrypt threads must be a positive integer, got ${size}`);
  }

  encrypt(job: EncryptJob): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('encrypt pool is closed'));
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ job, waiting: { resolve, reject } });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Stops every thread; encryptions still waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    const queued = this.queue.splice(0);
    for (const { waiting } of queued) waiting.reject(new Error('encrypt pool is closed'));
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
    for (const thread of threads) this.failAll(thread, new Error('encrypt pool is closed'));
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    while (this.queue.length > 0) {
      const chunk = this.queue.splice(0, MAX_BATCH);
      this.post(this.leastBusy(), chunk);
    }
  }

  private leastBusy(): Thread {
    if (this.threads.length < this.size) {
      const idle = this.threads.find((thread) => thread.batches.size === 0);
      if (idle) return idle;
      return this.spawn();
    }
    let best = this.threads[0]!;
    for (const thread of this.threads) if (thread.batches.size < best.batches.size) best = thread;
    return best;
  }

  private post(thread: Thread, chunk: { job: EncryptJob; waiting: Waiting }[]): void {
    const plaintexts: (string | Uint8Array)[] = [];
    const seen = new Map<string | Buffer, number>();
    const jobs = chunk.map(({ job }): EncryptJobTuple => {
      let index = seen.get(job.plaintext);
      if (index === undefined) {
        index = plaintexts.push(job.plaintext) - 1;
        seen.set(job.plaintext, index);
      }
      return [job.p256dh, job.auth, index];
    });
    const batch: Batch = { id: this.nextBatchId++, plaintexts, jobs };
    if (thread.batches.size === 0) thread.worker.ref();
    thread.batches.set(batch.id, chunk.map(({ waiting }) => waiting));
    thread.worker.postMessage(batch);
  }

  private spawn(): Thread {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const thread: Thread = { worker, batches: new Map() };
    worker.on('message', ({ id, results }: BatchResult) => {
      const waiting = thread.batches.get(id);
      if (!waiting) return;
      thread.batches.delete(id);
      if (thread.batches.size === 0) worker.unref();
      results.forEach((result, i) => {
        if (typeof result === 'string') waiting[i]!.reject(new Error(result));
        else waiting[i]!.resolve(Buffer.from(result.buffer, result.byteOffset, result.byteLength));
      });
    });
    // A thread that dies takes only its own batches with it; the next flush starts a fresh one.
    const retire = (err: Error) => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      this.failAll(thread, err);
    };
    worker.on('error', retire);
    worker.on('exit', (code) => retire(new Error(`encrypt thread exited with code ${code}`)));
    worker.unref();
    this.threads.push(thread);
    return thread;
  }

  private failAll(thread: Thread, err: Error): void {
    for (const waiting of thread.batches.values()) for (const { reject } of waiting) reject(err);
    thread.batches.clear();
  }
}

/** The same contract on the calling thread, for `encryptThreads: 0`. */
export function encryptInline(job: EncryptJob): Buffer {
  const [result] = encryptRfc8291Batch(crypto, [job.plaintext], [[job.p256dh, job.auth, 0]]);
  if (typeof result === 'string') throw new Error(result);
  return result!;
}
