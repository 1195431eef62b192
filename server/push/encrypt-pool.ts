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

/**
 * The batch's ciphertexts back to back in one transferred buffer (one
 * transfer instead of one per push), and per job its ciphertext's length or
 * the error message (a malformed key fails that job, not its batch).
 */
interface BatchResult {
  id: number;
  bodies: Uint8Array;
  results: (number | string)[];
}

interface Waiting {
  resolve: (cipherText: Buffer) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Batches posted and not yet answered, by id, each with its jobs' callbacks in order. */
  batches: Map<number, Waiting[]>;
  /** Milliseconds this thread had no batch to work on, up to `idleSince`. */
  idleMs: number;
  /** When its last batch was answered (performance.now()); undefined while it has work. */
  idleSince: number | undefined;
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
  const encrypted = encryptBatch(crypto, plaintexts, jobs);
  let total = 0;
  for (const body of encrypted) if (typeof body !== 'string') total += body.length;
  const bodies = new Uint8Array(total);
  let offset = 0;
  const results = encrypted.map((body) => {
    if (typeof body === 'string') return body;
    bodies.set(body, offset);
    offset += body.length;
    return body.length;
  });
  parentPort.postMessage({ id, bodies, results }, [bodies.buffer]);
});
`;

/**
 * Most jobs per postMessage: bounds how long the first push of a batch waits
 * for the last one's encryption (64 × ~0.1–0.25 ms).
 */
const MAX_BATCH = 64;
/** Fewest jobs per postMessage when a turn's jobs are split into pieces (below, batchSizeFor). */
const MIN_BATCH = 8;
/** Pieces per thread a turn's jobs are split into, when there are enough of them. */
const PIECES_PER_THREAD = 4;

/**
 * Jobs per postMessage for `queued` jobs that arrived in one turn on `threads`
 * threads. A claim's worth (32 at the default concurrency) goes in pieces of
 * MIN_BATCH rather than in one message per thread: a thread answers piece by
 * piece, so the first pushes of a claim are on the wire while the rest are
 * still being encrypted. In one message, all of them waited for the last
 * one's encryption and then went out together; over h2, where a claim's
 * requests take about as long as the next claim's encryption, the encryption
 * thread then waited 32–44% of the row (bench/README.md). A large queue (the
 * ceiling row's 20,000) still goes in batches of MAX_BATCH.
 */
export function batchSizeFor(queued: number, threads: number): number {
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(queued / threads / PIECES_PER_THREAD)));
}

/**
 * Encryption threads by default: all cores but the one the event loop
 * (claims, HTTP, TLS, settles) runs on, at least one. The event loop is the
 * next bottleneck once encryption is spread: at roughly 110–150 µs of its own
 * per push (the bench's CPU per push minus the encryption ceiling's) it caps a
 * fan-out near 7,000–9,000/s however many threads encrypt, so it keeps a core.
 * On 2 CPUs a second thread did not pay: at 20,000 subscriptions the rate
 * against stock web-push stayed the same (2.38× vs 2.43×) and the CPU per push
 * rose by a fifth (bench/README.md). `availableParallelism` follows the CPU
 * affinity but not a container's CPU quota: there, set PUSH_ENCRYPT_THREADS to
 * the quota minus one.
 */
export function defaultEncryptThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/**
 * Encrypts pushes on worker threads, so the event loop keeps sending while
 * the ECDH and AES work for the next pushes runs on another core. Jobs that
 * arrive in the same turn of the event loop are split into batches
 * (batchSizeFor), each posted to the thread with the fewest waiting. Threads start on first use
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

  /**
   * Milliseconds the threads had no batch to work on since they started,
   * summed over threads and divided by their number: the time the event loop
   * kept the encryption (most of a push's CPU) waiting. The benchmark reports
   * it per row; it is not sampled anywhere on the send path.
   */
  idleMs(): number {
    if (this.threads.length === 0) return 0;
    const now = performance.now();
    let total = 0;
    for (const thread of this.threads) total += thread.idleMs + (thread.idleSince === undefined ? 0 : now - thread.idleSince);
    return total / this.threads.length;
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
    const size = batchSizeFor(this.queue.length, this.size);
    while (this.queue.length > 0) {
      const chunk = this.queue.splice(0, size);
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
    if (thread.batches.size === 0) {
      thread.worker.ref();
      if (thread.idleSince !== undefined) thread.idleMs += performance.now() - thread.idleSince;
      thread.idleSince = undefined;
    }
    thread.batches.set(batch.id, chunk.map(({ waiting }) => waiting));
    thread.worker.postMessage(batch);
  }

  private spawn(): Thread {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const thread: Thread = { worker, batches: new Map(), idleMs: 0, idleSince: undefined };
    worker.on('message', ({ id, bodies, results }: BatchResult) => {
      const waiting = thread.batches.get(id);
      if (!waiting) return;
      thread.batches.delete(id);
      if (thread.batches.size === 0) {
        worker.unref();
        thread.idleSince = performance.now();
      }
      let offset = bodies.byteOffset;
      results.forEach((result, i) => {
        if (typeof result === 'string') return waiting[i]!.reject(new Error(result));
        waiting[i]!.resolve(Buffer.from(bodies.buffer, offset, result));
        offset += result;
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
