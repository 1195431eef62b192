import WebSocket from 'ws';
import { serverFrameSchema, type ServerFrame } from '../../shared/stream.schema.js';
import { messagesOf, type SyncEvent } from '../../shared/event.schema.js';

/**
 * A test shopper device on /api/v1/stream: validates every frame with the
 * shared schema and lets a test wait for what it expects.
 */
export class StreamClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(serverFrameSchema.parse(JSON.parse(data.toString())));
      this.notify();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.notify();
      });
    });
  }

  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<StreamClient> {
    const ws = new WebSocket(url, options);
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Opens, says hello with the token and cursor, and waits for `synced`. */
  static async connect(url: string, token: string, after?: string): Promise<StreamClient> {
    const client = await StreamClient.open(url);
    client.hello(token, after);
    await client.waitFor((c) => c.frames.some((f) => f.type === 'synced'));
    return client;
  }

  hello(token: string, after?: string): void {
    this.ws.send(JSON.stringify({ type: 'hello', token, protocol: 1, ...(after ? { after } : {}) }));
  }

  get events(): SyncEvent[] {
    return this.frames.flatMap((f) => (f.type === 'event' ? [f.event] : []));
  }

  get titles(): string[] {
    return messagesOf(this.events).map((m) => m.title);
  }

  async waitFor(predicate: (client: this) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; frames so far: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForEvents(count: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((c) => c.events.length >= count, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
