import type { Logger } from 'pino';
import WebSocket from 'ws';
import { cursorOf, seqOf, type SyncEvent } from '../../shared/event.schema.js';
import {
  STREAM_CLOSE,
  STREAM_PROTOCOL_VERSION,
  clientFrameSchema,
  type ServerFrame,
} from '../../shared/stream.schema.js';
import type { ShopperTokens } from '../auth/shopper-tokens.js';
import type { Bus } from '../bus/bus.js';
import type { Store, StoredEvent } from '../store/store.js';
import type { UnavailableEventLog } from '../store/unavailable-event-log.js';
import { eventFrame, storedEventFrame } from './event-frame.js';

/** Corked frames past this many bytes are written at once rather than at the end of the turn. */
const CORK_FLUSH_BYTES = 64 * 1024;

/** The connection's byte stream under the WebSocket, held back while a burst of frames is written. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface StreamOptions {
  store: Store;
  bus: Bus;
  tokens: ShopperTokens;
  logger: Logger;
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** Past this many buffered bytes the client is too slow: close it and let it resume. */
  maxBufferedBytes: number;
  replayPageSize: number;
  /** Told of every message event written to this stream, for the merchant's "delivered live" count. */
  deliveries?: { count(messageId: string, userId: string): void };
  /** Told of every damaged row the replay passes over (see store-rows.ts `unavailable`). */
  unavailableEvents?: Pick<UnavailableEventLog, 'report'>;
  /** Each replay page waits for its turn (see replay-turns.ts); omitted: pages run at once. */
  replayTurns?: { run<T>(page: () => Promise<T>): Promise<T> };
  /** The per-shopper cap (see stream-limits.ts): asked at hello, told when an admitted stream ends. */
  shopperSlots?: { admitShopper(userId: string): boolean; releaseShopper(userId: string): void };
}

/**
 * One shopper's WebSocket. After hello it replays the log after the client's
 * cursor, says `synced`, then forwards live events. `lastSent` is the only
 * position: an event at or below it is a duplicate and dropped; one beyond
 * lastSent + 1 means a live event was missed, and the gap is read from the
 * store. So replay and live may overlap or race without gap or duplicate.
 */
export class StreamConnection {
  private lastSent = 0;
  private userId: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private helloTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private catchingUp = false;
  private pendingCatchUp = false;
  private closed = false;
  /** Holds one of the shopper's slots, to give back exactly once. */
  private admitted = false;
  /** Frames written in this turn wait in the socket and leave together at its end (one write, not one per frame). */
  private corked = false;
  alive = true;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: StreamOptions,
    private readonly socket?: Corkable,
  ) {
    this.helloTimer = setTimeout(
      () => this.close(STREAM_CLOSE.helloTimeout, 'no hello received in time'),
      options.helloTimeoutMs,
    );
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('close', () => this.dispose());
    ws.on('error', (err) => {
      options.logger.debug({ err }, 'stream socket error');
      this.dispose();
    });
  }

  /** Called by the server's heartbeat timer: a peer that missed the last ping is dead. */
  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate();
      return;
    }
    this.alive = false;
    this.ws.ping();
    if (this.userId) this.send({ type: 'heartbeat' });
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.dispose();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
    }
  }

  private dispose(): void {
    this.closed = true;
    clearTimeout(this.helloTimer);
    clearTimeout(this.expiryTimer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.admitted) {
      this.admitted = false;
      this.options.shopperSlots?.releaseShopper(this.userId!);
    }
  }

  private onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.userId) {
      // After hello the client has nothing to say; anything it sends is a protocol error.
      this.close(STREAM_CLOSE.badFrame, 'unexpected frame after hello');
      return;
    }
    let frame: unknown;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(data.toString());
    } catch {
      this.close(STREAM_CLOSE.badFrame, 'frame is not JSON text');
      return;
    }
    const parsed = clientFrameSchema.safeParse(frame);
    if (!parsed.success) {
      this.close(STREAM_CLOSE.badFrame, 'expected {"type":"hello","token":...}');
      return;
    }
    const hello = parsed.data;
    if (hello.protocol !== undefined && hello.protocol !== STREAM_PROTOCOL_VERSION) {
      this.close(STREAM_CLOSE.unsupportedProtocol, `protocol ${STREAM_PROTOCOL_VERSION} only`);
      return;
    }
    const check = this.options.tokens.verify(hello.token);
    if (!check.ok) {
      this.close(STREAM_CLOSE.unauthorized, check.reason);
      return;
    }
    clearTimeout(this.helloTimer);
    if (this.options.shopperSlots && !this.options.shopperSlots.admitShopper(check.claims.sub)) {
      this.close(STREAM_CLOSE.tooManyConnections, 'too many open streams for this shopper; close another tab or device');
      return;
    }
    this.admitted = this.options.shopperSlots !== undefined;
    this.userId = check.claims.sub;
    this.lastSent = seqOf(hello.after ?? '0');
    // Closing at expiry keeps a stolen-then-expired token from streaming forever.
    const msLeft = check.claims.exp * 1000 - Date.now();
    this.expiryTimer = setTimeout(() => this.close(STREAM_CLOSE.unauthorized, 'token-expired'), Math.min(msLeft, 2 ** 31 - 1));
    this.send({
      type: 'welcome',
      userId: this.userId,
      protocol: STREAM_PROTOCOL_VERSION,
      heartbeatMs: this.options.heartbeatMs,
    });
    // Subscribe before replaying, so nothing committed during the replay slips between the two.
    this.unsubscribe = this.options.bus.subscribe(
      this.userId,
      (event) => this.onLiveEvent(event),
      () => this.onBusGap(),
    );
    void this.catchUp().then(
      () => {
        if (!this.closed) this.send({ type: 'synced', cursor: cursorOf(this.lastSent) });
      },
      (err: unknown) => this.fail(err),
    );
  }

  private onLiveEvent(event: SyncEvent): void {
    if (this.closed || event.seq <= this.lastSent) return;
    if (!this.catchingUp && event.seq === this.lastSent + 1) {
      this.sendEvent(event);
      return;
    }
    // A gap (or a replay still running): read what is missing from the log.
    void this.catchUp().catch((err: unknown) => this.fail(err));
  }

  /** The bus may have dropped live events that nothing later would reveal: read the log to be sure. */
  private onBusGap(): void {
    if (this.closed) return;
    void this.catchUp().catch((err: unknown) => this.fail(err));
  }

  /** Sends everything in the log after lastSent; concurrent calls fold into one more pass. */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.pendingCatchUp = true;
      return;
    }
    this.catchingUp = true;
    try {
      do {
        this.pendingCatchUp = false;
        for (;;) {
          const turns = this.options.replayTurns;
          const read = turns ? await turns.run(() => this.replayPage()) : await this.replayPage();
          if (this.closed) return;
          if (read < this.options.replayPageSize) break;
        }
      } while (this.pendingCatchUp);
    } finally {
      this.catchingUp = false;
    }
  }

  /** Reads the next page of the log after lastSent and writes it; returns how many events it read. */
  private async replayPage(): Promise<number> {
    if (this.closed) return 0;
    const events = await this.options.store.readStoredEvents(this.userId!, this.lastSent, this.options.replayPageSize);
    for (const event of events) this.sendEvent(event);
    return events.length;
  }

  /** A live event as the bus hands it, or a replayed one as the store read it. */
  private sendEvent(event: SyncEvent | StoredEvent): void {
    if (event.seq <= this.lastSent) return;
    this.lastSent = event.seq;
    if (event.kind !== 'message') {
      this.sendText(eventFrame(event));
      if (event.kind === 'unavailable') this.options.unavailableEvents?.report(this.userId!, event);
    } else if ('messageJson' in event) {
      this.sendText(storedEventFrame(event));
      this.options.deliveries?.count(event.messageId, this.userId!);
    } else {
      this.sendText(eventFrame(event));
      this.options.deliveries?.count(event.message.id, this.userId!);
    }
  }

  private send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  private sendText(text: string): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    // Corked bytes count in bufferedAmount, so a slow reader is still caught within the burst.
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.close(STREAM_CLOSE.tooSlow, 'reading too slowly; reconnect and resume');
      return;
    }
    if (this.socket && !this.corked) {
      // A bus publication hands this connection all its events in one synchronous pass;
      // the microtask runs after that pass, so they go out in one writev.
      this.corked = true;
      this.socket.cork();
      queueMicrotask(() => {
        this.corked = false;
        this.socket!.uncork();
      });
    } else if (this.socket && this.ws.bufferedAmount >= CORK_FLUSH_BYTES) {
      // A replay page is a long burst: hand the kernel what it will take now, so held bytes
      // stay few and the slow-reader check above measures what the peer has not read.
      this.socket.uncork();
      this.socket.cork();
    }
    this.ws.send(text);
  }

  private fail(err: unknown): void {
    this.options.logger.error({ err, userId: this.userId }, 'stream failed; closing so the client resumes');
    this.close(1011, 'internal error');
  }
}
