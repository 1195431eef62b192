import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import WebSocket from 'ws';
import type { Target } from './targets.js';

/**
 * N shoppers, one WebSocket each, all in this process. Every message the
 * benchmark sends has a unique title; the fleet matches a received frame to
 * the moment its request was issued, so latency is send-start → frame read by
 * the addressed client, on one clock.
 */
export class ShopperFleet {
  private readonly sockets: WebSocket[] = [];
  /** title → when its request was issued (performance.now()) and how many more copies are due. */
  private readonly pending = new Map<string, { t0: number; copies: number }>();
  latencies: number[] = [];
  received = 0;
  unexpected = 0;
  /** performance.now() of the last expected frame read. */
  lastReceivedAt = 0;
  /** Called for every expected frame read: its title, latency (ms) and when it was read (performance.now()). */
  onDelivered?: (title: string, latency: number, at: number) => void;

  constructor(
    private readonly target: Target,
    readonly userIds: string[],
  ) {}

  /** Opens every connection (`concurrency` handshakes at a time) and waits until each is ready. */
  async connect(concurrency = 64): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.userIds.length) {
        const userId = this.userIds[next++]!;
        this.sockets.push(await this.open(userId));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  private open(userId: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.target.wsUrl, { perMessageDeflate: false });
      let ready = false;
      const timer = setTimeout(() => reject(new Error(`${this.target.name}: ${userId} not ready after 15 s`)), 15_000);
      ws.once('open', () => ws.send(this.target.hello(userId)));
      ws.once('error', reject);
      ws.once('close', (code, reason) => {
        if (!ready) reject(new Error(`${this.target.name}: ${userId} closed ${code} ${reason.toString()}`));
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; event?: { message?: { title?: string } } };
        if (frame.type === 'event') {
          this.onEvent(frame.event?.message?.title);
        } else if (frame.type === this.target.readyFrame && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve(ws);
        }
      });
    });
  }

  private onEvent(title: string | undefined): void {
    const due = title === undefined ? undefined : this.pending.get(title);
    if (due === undefined) {
      this.unexpected++;
      return;
    }
    this.lastReceivedAt = performance.now();
    this.latencies.push(this.lastReceivedAt - due.t0);
    this.onDelivered?.(title!, this.lastReceivedAt - due.t0, this.lastReceivedAt);
    if (--due.copies === 0) this.pending.delete(title!);
    this.received++;
  }

  /** Forgets earlier runs' figures; frames still in flight from them count as unexpected. */
  reset(): void {
    this.pending.clear();
    this.latencies = [];
    this.received = 0;
    this.unexpected = 0;
  }

  /** A broadcast is expected `copies` times: once per subscribed connection. */
  expect(title: string, t0: number, copies = 1): void {
    this.pending.set(title, { t0, copies });
  }

  /** Resolves once `count` frames arrived or `timeoutMs` passed. */
  async waitForReceived(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  close(): Promise<void> {
    const closing = this.sockets.map((ws) => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.terminate();
    }));
    return Promise.all(closing).then(() => undefined);
  }
}

/** The merchant side: keep-alive connections, one request per message, one recipient each. */
export class Sender {
  private readonly pool: Pool;
  private counter = 0;
  readonly statuses = new Map<number, number>();

  constructor(
    private readonly target: Target,
    private readonly fleet: ShopperFleet,
    private readonly prefix: string,
    connections: number,
  ) {
    this.pool = new Pool(target.url, { connections, pipelining: 1 });
  }

  /** Sends one message to the next shopper (round robin); true when answered 202. */
  async sendOne(): Promise<boolean> {
    const i = this.counter++;
    const userId = this.fleet.userIds[i % this.fleet.userIds.length]!;
    const title = `${this.prefix}-${i}`;
    const body = JSON.stringify({ to: { userIds: [userId] }, category: 'order', title, body: 'Your parcel is on its way.' });
    this.fleet.expect(title, performance.now());
    return this.post(body);
  }

  /** Sends one message to every subscriber of `topic`, expecting `copies` frames; true when answered 202. */
  async broadcastOne(topic: string, copies: number): Promise<boolean> {
    const title = `${this.prefix}-${this.counter++}`;
    const body = JSON.stringify({ to: { topic }, category: 'promotion', title, body: 'Flash sale: 50% off for the next hour.' });
    this.fleet.expect(title, performance.now(), copies);
    return this.post(body);
  }

  private async post(body: string): Promise<boolean> {
    try {
      const res = await this.pool.request({ path: '/api/v1/messages', method: 'POST', headers: this.target.sendHeaders, body });
      await res.body.dump();
      this.statuses.set(res.statusCode, (this.statuses.get(res.statusCode) ?? 0) + 1);
      return res.statusCode === 202;
    } catch {
      this.statuses.set(0, (this.statuses.get(0) ?? 0) + 1);
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface RunResult {
  sent: number;
  accepted: number;
  seconds: number;
  received: number;
  latencies: number[];
  statuses: Map<number, number>;
  /** p99 event-loop delay of this (load-generating) process during the run, ms: high means its figures are suspect. */
  generatorDelayP99: number;
}

/** Closed loop: `inFlight` requests outstanding at all times until `count` are answered. */
export async function runClosedLoop(
  target: Target,
  fleet: ShopperFleet,
  prefix: string,
  count: number,
  inFlight: number,
  drainMs: number,
): Promise<RunResult> {
  fleet.reset();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const sender = new Sender(target, fleet, prefix, inFlight);
  let issued = 0;
  let accepted = 0;
  const start = performance.now();
  const worker = async () => {
    while (issued < count) {
      issued++;
      if (await sender.sendOne()) accepted++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - start) / 1000;
  await fleet.waitForReceived(accepted, drainMs);
  await sender.close();
  delay.disable();
  const generatorDelayP99 = delay.percentile(99) / 1e6;
  return { sent: count, accepted, seconds, received: fleet.received, latencies: fleet.latencies, statuses: sender.statuses, generatorDelayP99 };
}

/** Open loop: `rate` requests per second for `seconds`, whether or not earlier ones were answered. */
export async function runOpenLoop(
  target: Target,
  fleet: ShopperFleet,
  prefix: string,
  rate: number,
  seconds: number,
  drainMs: number,
): Promise<RunResult> {
  fleet.reset();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const sender = new Sender(target, fleet, prefix, 32);
  const total = Math.round(rate * seconds);
  const replies: Promise<boolean>[] = [];
  const start = performance.now();
  while (replies.length < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (replies.length < due) replies.push(sender.sendOne());
    await new Promise((r) => setTimeout(r, 1));
  }
  const accepted = (await Promise.all(replies)).filter(Boolean).length;
  const elapsed = (performance.now() - start) / 1000;
  await fleet.waitForReceived(accepted, drainMs);
  await sender.close();
  delay.disable();
  const generatorDelayP99 = delay.percentile(99) / 1e6;
  return {
    sent: total,
    accepted,
    seconds: elapsed,
    received: fleet.received,
    latencies: fleet.latencies,
    statuses: sender.statuses,
    generatorDelayP99,
  };
}
