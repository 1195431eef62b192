import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { freePort, startServerProcess } from '../server/test-support/server-process.js';

/** Only used inside the benchmark's own throwaway server; never a real key. */
export const BENCH_MERCHANT_KEY = 'tdk_bench-merchant-key-0123456789abcdef';

/**
 * A server under test, as the load generator sees it: where to send, how a
 * shopper says hello, which frame means "ready for live events", and its pid
 * so memory can be read from /proc.
 */
export interface Target {
  name: string;
  pid: number;
  url: string;
  wsUrl: string;
  /** Headers of `POST /api/v1/messages`. */
  sendHeaders: Record<string, string>;
  /** With `after`, the hello resumes from that seq (the reconnect-storm bench). */
  hello(userId: string, after?: number): string;
  /** The frame type after which the connection receives live events. */
  readyFrame: 'synced' | 'ready';
  /** Tidings: its SQLite data dir. */
  dataDir?: string;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const live = new Set<ChildProcess>();
const dataDirs = new Set<string>();

/** Last resort: no child or data dir outlives the benchmark, whatever way it ends. */
export function killAllTargets(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
}

/** Counts a child among those `killAllTargets` ends. */
export function trackChild(child: ChildProcess): void {
  live.add(child);
}

/**
 * Whatever happens, the benchmark stops by itself and takes its children with
 * it: a watchdog, and the same clean-up on exit and on SIGINT/SIGTERM.
 */
/** Runs a benchmark's main, then stops every target it started and exits 0, or 1 with the error, when it fails. */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => {
      killAllTargets();
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      killAllTargets();
      process.exit(1);
    },
  );
}

export function guardBenchmark(limitMs: number): void {
  const watchdog = setTimeout(() => {
    process.stderr.write(`benchmark still running after ${limitMs / 60_000} min; giving up\n`);
    killAllTargets();
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  process.on('exit', killAllTargets);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAllTargets();
      process.exit(130);
    });
  }
}

export async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
    await exited;
    clearTimeout(timer);
  }
  live.delete(child);
}

export interface TidingsOptions {
  /** Write a CPU profile of the measured server process into this directory. */
  cpuProfileDir?: string;
  /** Where the temporary data dir goes (default: the OS temp dir); /dev/shm takes the disk out. */
  dataRoot?: string;
  /** Every shopper joins this topic before the measured process starts (the flash-sale bench). */
  topic?: string;
  /** Fills the data dir after the tokens are minted, before the measured process starts (the reconnect-storm bench). */
  seed?: (dataDir: string) => Promise<void>;
}

/**
 * The real `server/main.ts` on a fresh SQLite data dir, logging only warnings,
 * with a shopper token ready for each of `userIds`. Tokens are minted by a
 * first process, which is then stopped: the one measured starts on the same
 * data dir (tokens stay valid across restarts) with a heap that minting has
 * not already grown, so its RSS before and after the connections compare.
 */
export async function startTidings(userIds: string[], options: TidingsOptions = {}): Promise<Target> {
  const dataDir = fs.mkdtempSync(path.join(options.dataRoot ?? os.tmpdir(), 'tidings-bench-'));
  dataDirs.add(dataDir);
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    BOOTSTRAP_MERCHANT_KEY: BENCH_MERCHANT_KEY,
    LOG_LEVEL: 'warn',
    // One merchant and one IP send everything here; the baseline has no limits either.
    RATE_LIMIT_MERCHANT_PER_SECOND: '0',
    RATE_LIMIT_IP_PER_SECOND: '0',
    // Thousands of streams from one IP, opened at once.
    STREAM_MAX_PER_IP: '0',
    STREAM_UPGRADES_PER_SECOND: '0',
  };
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_MERCHANT_KEY}` };
  const minter = await startServerProcess(env);
  live.add(minter.child);
  const tokens = await mintTokens(minter.url, auth, userIds);
  if (options.topic) await joinTopic(minter.url, tokens, options.topic);
  await stopChild(minter.child, minter.exited);
  if (options.seed) await options.seed(dataDir);

  if (options.cpuProfileDir) {
    env.BENCH_CPU_PROF_DIR = options.cpuProfileDir;
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx --import ${path.join(here, 'cpu-profiler.ts')}`.trim();
  }
  const server = await startServerProcess(env);
  live.add(server.child);
  return {
    name: 'Tidings',
    pid: server.child.pid!,
    dataDir,
    url: server.url,
    wsUrl: server.wsUrl,
    sendHeaders: auth,
    readyFrame: 'synced',
    hello(userId, after) {
      return JSON.stringify({ type: 'hello', token: tokens.get(userId), protocol: 1, ...(after === undefined ? {} : { after: String(after) }) });
    },
    async stop() {
      await stopChild(server.child, server.exited);
      fs.rmSync(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}

export async function mintTokens(url: string, headers: Record<string, string>, userIds: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const pool = new Pool(url, { connections: 16 });
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const userId = userIds[next++]!;
      const res = await pool.request({ path: '/api/v1/shopper-tokens', method: 'POST', headers, body: JSON.stringify({ userId }) });
      const body = (await res.body.json()) as { token?: string };
      if (res.statusCode !== 201 || !body.token) throw new Error(`token for ${userId}: HTTP ${res.statusCode}`);
      tokens.set(userId, body.token);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await pool.close();
  return tokens;
}

/** Each shopper joins `topic` with their own token, as the PWA does. */
async function joinTopic(url: string, tokens: Map<string, string>, topic: string): Promise<void> {
  const pool = new Pool(url, { connections: 16 });
  const pending = [...tokens];
  const worker = async () => {
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [userId, token] = next;
      const res = await pool.request({
        path: `/api/v1/me/topics/${encodeURIComponent(topic)}`,
        method: 'PUT',
        headers: { authorization: `Bearer ${token}` },
      });
      await res.body.dump();
      if (res.statusCode !== 204) throw new Error(`${userId} joining ${topic}: HTTP ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await pool.close();
}

/**
 * `bare-ws-server.ts` in its own process, started the same way as Tidings.
 * With `topic`, every shopper's hello joins it (the baseline keeps topics in memory);
 * with `eventLog`, a hello with `after` is answered from that SQLite file (Tidings' schema).
 */
export async function startBare(options: { topic?: string; eventLog?: string } = {}): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'bare-ws-server.ts')], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), ...(options.eventLog ? { BARE_EVENT_LOG: options.eventLog } : {}) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  live.add(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error('bare ws server exited early');
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('bare ws server did not come up');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    name: 'bare ws',
    pid: child.pid!,
    url,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/stream`,
    sendHeaders: { 'content-type': 'application/json' },
    readyFrame: 'ready',
    hello(userId, after) {
      return JSON.stringify({ type: 'hello', userId, topics: options.topic ? [options.topic] : [], ...(after === undefined ? {} : { after }) });
    },
    stop: () => stopChild(child, exited),
  };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time a process has used so far, user + system, in seconds, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/**
 * Connections waiting in a listening socket's accept queue now (Linux: a
 * listener's rx_queue in /proc/net/tcp). At the listen backlog (Node's
 * default is 511) the kernel drops further SYNs, and each of those clients
 * waits out TCP's retransmit (1 s, then 3 s, 7 s, ...).
 */
export function acceptQueue(port: number): number {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n')) {
    const [, address, , state, queues] = line.trim().split(/\s+/);
    if (state === '0A' && address?.endsWith(local)) return Number.parseInt(queues!.split(':')[1]!, 16);
  }
  return NaN;
}
