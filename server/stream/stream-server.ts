import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { LIMITS } from '../../shared/limits.js';
import { STREAM_CLOSE } from '../../shared/stream.schema.js';
import { StreamConnection, type StreamOptions } from './stream-connection.js';

export const STREAM_PATH = '/api/v1/stream';

/** Owns `/api/v1/stream`: upgrades, the heartbeat timer, and shutdown of every connection. */
export class StreamServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.streamFrameBytes });
  private readonly connections = new Set<StreamConnection>();
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(private readonly options: StreamOptions) {
    this.heartbeatTimer = setInterval(() => {
      for (const connection of this.connections) connection.heartbeat();
    }, options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Wired to the HTTP server's 'upgrade' event; other paths are refused with a plain 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new StreamConnection(ws, this.options);
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
