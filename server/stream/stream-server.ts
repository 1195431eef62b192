import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { LIMITS } from '../../shared/limits.js';
import { STREAM_CLOSE } from '../../shared/stream.schema.js';
import { StreamConnection, type StreamOptions } from './stream-connection.js';
import { ReplayTurns } from './replay-turns.js';
import { NO_STREAM_LIMITS, StreamLimits, type StreamLimitSettings } from './stream-limits.js';

export const STREAM_PATH = '/api/v1/stream';

export interface StreamServerOptions extends StreamOptions {
  /** Caps and upgrade rate; omitted means none (tests, embedders). main.ts passes the configured ones. */
  limits?: StreamLimitSettings;
  /** The client's IP as the HTTP API sees it (TRUST_PROXY applied); default: the socket's peer. */
  clientIp?: (req: IncomingMessage) => string;
}

/** Owns `/api/v1/stream`: upgrades, the heartbeat timer, and shutdown of every connection. */
export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.streamFrameBytes });
  private readonly connections = new Set<StreamConnection>();
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly limits: StreamLimits;
  private readonly options: StreamOptions;
  private readonly clientIp: (req: IncomingMessage) => string;

  constructor({ limits, clientIp, ...options }: StreamServerOptions) {
    this.limits = new StreamLimits(limits ?? NO_STREAM_LIMITS);
    // One queue for all of this server's replays: a reconnect storm's pages take turns with I/O.
    this.options = { ...options, shopperSlots: this.limits, replayTurns: new ReplayTurns() };
    this.clientIp = clientIp ?? ((req) => req.socket.remoteAddress ?? 'unknown');
    this.heartbeatTimer = setInterval(() => {
      for (const connection of this.connections) connection.heartbeat();
    }, this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Wired to the HTTP server's 'upgrade' event; other paths are refused with a plain 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node drops its own listener on an upgraded socket, and ws adds one only inside its handshake:
    // without this, a client resetting the connection while we write a refusal kills the process.
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Judged before the handshake, so a flood costs a counter lookup, not WebSocket work.
    const ip = this.clientIp(req);
    const verdict = this.limits.admitUpgrade(ip);
    if (!verdict.ok) {
      const body = `${verdict.reason}\n`;
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: ${verdict.retryAfterSeconds}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    // The IP's slot is held from here until the socket is gone, whether the handshake succeeds or not.
    socket.once('close', () => this.limits.releaseIp(ip));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // `socket` is the one ws writes to: corking it batches a burst's frames into one write.
      const connection = new StreamConnection(ws, this.options, socket);
      this.connections.add(connection);
      ws.on('close', () => this.connections.delete(connection));
    });
  }

  /** Tells every client to go and resume elsewhere (or after the restart). */
  close(): void {
    clearInterval(this.heartbeatTimer);
    for (const connection of this.connections) connection.close(STREAM_CLOSE.goingAway, 'server shutting down');
    this.wss.close();
  }
}
