import { INITIAL_CURSOR, type Cursor } from '../../../shared/event.schema.js';
import { STREAM_CLOSE, STREAM_PROTOCOL_VERSION, type ClientFrame } from '../../../shared/stream.schema.js';
import { API_BASE } from '../api/api-client.js';
import { NetworkError, isTokenRejected } from '../api/api-error.js';
import { confirmUser, markSessionExpired, readCursor, readSession, releaseInboxForUnknownUser } from '../db/meta.repository.js';
import { applyEvents, type IncomingEvent } from './apply-events.js';
import { backoffDelay } from './backoff.js';
import { decodeServerFrame, type DecodedFrame } from './server-frame.js';
import { pullUntilSynced } from './sync-pull.js';

export type SyncState = 'connecting' | 'live' | 'offline' | 'signed-out';

export interface SyncStatus {
  state: SyncState;
  /** Why the shopper is signed out: never signed in, or the server refused the token. */
  signedOutReason?: 'no-session' | 'expired';
}

export interface ConnectionOptions {
  onStatus: (status: SyncStatus) => void;
  /** Tests pass a fake; the app uses the browser's WebSocket. */
  createSocket?: (url: string) => WebSocket;
  url?: string;
}

/** Longest wait for the socket to open and the welcome to arrive. */
const WELCOME_TIMEOUT_MS = 10_000;

export function defaultStreamUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${API_BASE}/stream`;
}

/** One socket's life, from creation to close. */
interface Attempt {
  socket: WebSocket;
  token: string;
  /** The cursor the hello asked to resume after. */
  after: Cursor;
  opened: boolean;
  heartbeatMs: number;
  frames: DecodedFrame[];
  draining: boolean;
}

/**
 * Owns the shopper's WebSocket: says hello with the stored cursor, applies
 * what the server sends, and keeps coming back — with backoff and jitter after
 * failures, at once when the browser regains the network. A peer that stays
 * silent for two heartbeats is presumed dead. When the socket cannot even
 * open, it catches up over HTTP meanwhile. Only a refused token stops it.
 */
export class Connection {
  private readonly onStatus: (status: SyncStatus) => void;
  private readonly createSocket: (url: string) => WebSocket;
  private readonly url: string;
  private running = false;
  private attempt: Attempt | null = null;
  /** Bumped whenever the current attempt is given up, so late callbacks of older ones do nothing. */
  private generation = 0;
  private live = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectionOptions) {
    this.onStatus = options.onStatus;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url));
    this.url = options.url ?? defaultStreamUrl();
  }

  /** Starts, or restarts after a sign-in; listeners are registered once. */
  start(): void {
    this.running = true;
    globalThis.addEventListener('online', this.onOnline);
    globalThis.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    this.restart();
  }

  stop(): void {
    this.running = false;
    globalThis.removeEventListener('online', this.onOnline);
    globalThis.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.abandon();
  }

  /** Drops whatever is in progress and connects now, e.g. after a sign-in. */
  restart(): void {
    if (!this.running) return;
    this.failures = 0;
    this.abandon();
    void this.open();
  }

  private readonly onOnline = (): void => {
    if (!this.live) this.restart();
  };

  private readonly onOffline = (): void => {
    if (!this.running) return;
    this.abandon();
    this.scheduleRetry('offline');
  };

  private readonly onVisibilityChange = (): void => {
    // A phone wakes with a socket the OS killed long ago; do not wait out the backoff.
    if (document.visibilityState === 'visible' && this.retryTimer !== undefined) this.restart();
  };

  private async open(): Promise<void> {
    const generation = this.generation;
    const session = await readSession();
    if (generation !== this.generation || !this.running) return;
    if (!session || session.expired) {
      this.onStatus({ state: 'signed-out', signedOutReason: session ? 'expired' : 'no-session' });
      return;
    }
    const after = await readCursor();
    if (generation !== this.generation) return;

    this.onStatus({ state: 'connecting' });
    const socket = this.createSocket(this.url);
    const attempt: Attempt = { socket, token: session.token, after, opened: false, heartbeatMs: 0, frames: [], draining: false };
    this.attempt = attempt;
    this.armWatchdog(WELCOME_TIMEOUT_MS);
    socket.onopen = () => {
      attempt.opened = true;
      const hello: ClientFrame = { type: 'hello', token: session.token, after, protocol: STREAM_PROTOCOL_VERSION };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (message: MessageEvent) => {
      if (attempt !== this.attempt) return;
      if (attempt.heartbeatMs > 0) this.armWatchdog(2 * attempt.heartbeatMs);
      const frame = typeof message.data === 'string' ? decodeServerFrame(message.data) : null;
      if (!frame) {
        console.warn('tidings: unreadable frame from the stream, reconnecting');
        this.fail();
        return;
      }
      attempt.frames.push(frame);
      void this.drain(attempt);
    };
    socket.onclose = (event: CloseEvent) => {
      if (attempt !== this.attempt) return;
      this.abandon();
      void this.afterClose(event.code, attempt);
    };
  }

  /** Applies frames in arrival order; consecutive events share one transaction. */
  private async drain(attempt: Attempt): Promise<void> {
    if (attempt.draining) return;
    attempt.draining = true;
    try {
      while (attempt.frames.length > 0 && attempt === this.attempt) {
        const frame = attempt.frames[0]!;
        if (frame.type !== 'event') {
          attempt.frames.shift();
          await this.handleControlFrame(frame, attempt);
          continue;
        }
        const end = attempt.frames.findIndex((next) => next.type !== 'event');
        const batch = attempt.frames.splice(0, end === -1 ? attempt.frames.length : end);
        const result = await applyEvents(batch.map((next) => (next as { event: IncomingEvent }).event));
        if (result.gap && attempt === this.attempt) {
          console.warn(`tidings: the stream skipped events after ${result.cursor}, resuming`);
          this.fail();
        }
      }
    } catch (error) {
      console.error('tidings: could not apply what the stream sent, reconnecting', error);
      if (attempt === this.attempt) this.fail();
    } finally {
      attempt.draining = false;
    }
  }

  private async handleControlFrame(frame: Exclude<DecodedFrame, { type: 'event' }>, attempt: Attempt): Promise<void> {
    switch (frame.type) {
      case 'welcome': {
        attempt.heartbeatMs = frame.heartbeatMs;
        this.armWatchdog(2 * frame.heartbeatMs);
        const wiped = await confirmUser(frame.userId);
        // The inbox held another shopper's messages, and the events on their
        // way were chosen by that shopper's cursor: start over from zero.
        if (wiped && attempt.after !== INITIAL_CURSOR && attempt === this.attempt) this.restart();
        return;
      }
      case 'synced':
        this.live = true;
        this.failures = 0;
        this.onStatus({ state: 'live' });
        return;
      case 'heartbeat':
        return;
      case 'error':
        // The close that follows says what to do; the message helps whoever debugs.
        console.warn(`tidings: stream error ${frame.code}: ${frame.message}`);
        return;
    }
  }

  private async afterClose(code: number, attempt: Attempt): Promise<void> {
    if (code === STREAM_CLOSE.unauthorized) {
      await this.signOutExpired();
      return;
    }
    const generation = this.generation;
    const caughtUp = attempt.opened ? false : await this.catchUpOverHttp(attempt.token);
    // Something newer (a sign-in, the network coming back) took over meanwhile.
    if (generation !== this.generation || !this.running) return;
    this.scheduleRetry(attempt.opened || caughtUp ? 'connecting' : 'offline');
  }

  /** The WebSocket would not open (a proxy, a firewall, a server restart): page `/me/sync` meanwhile. */
  private async catchUpOverHttp(token: string): Promise<boolean> {
    try {
      await releaseInboxForUnknownUser();
      await pullUntilSynced(token);
      return true;
    } catch (error) {
      if (isTokenRejected(error)) await this.signOutExpired();
      else if (!(error instanceof NetworkError)) console.warn('tidings: HTTP sync failed', error);
      return false;
    }
  }

  private async signOutExpired(): Promise<void> {
    this.running = false;
    this.abandon();
    await markSessionExpired();
    this.onStatus({ state: 'signed-out', signedOutReason: 'expired' });
  }

  /** Something went wrong on a working socket: drop it and come back after a backoff. */
  private fail(): void {
    this.abandon();
    this.scheduleRetry('connecting');
  }

  private scheduleRetry(stateWhileWaiting: 'connecting' | 'offline'): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.onStatus({ state: stateWhileWaiting });
    const delay = backoffDelay(this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, delay);
  }

  private armWatchdog(ms: number): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      const attempt = this.attempt;
      if (!attempt) return;
      console.warn(`tidings: nothing heard from the stream for ${ms} ms, reconnecting`);
      this.abandon();
      void this.afterClose(1006, attempt);
    }, ms);
  }

  /** Gives up the current attempt and any pending retry; late events of the old socket are ignored. */
  private abandon(): void {
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.live = false;
    const socket = this.attempt?.socket;
    this.attempt = null;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState < socket.CLOSING) socket.close(1000);
  }
}
