import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../test-support/server-process.js';
import { tempDir } from '../test-support/test-server.js';

let server: ServerProcess | undefined;
afterEach(() => {
  server?.child.kill('SIGKILL');
  server = undefined;
});

const UPGRADE = (path: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** Sends an upgrade request and resets the connection (TCP RST) at once, before the server's answer is written. */
function upgradeThenReset(url: string, path: string): Promise<void> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(UPGRADE(path), () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

describe('an upgrade whose client resets the connection', () => {
  // Both refusals write a plain HTTP answer on the raw socket; a reset made that write fail
  // with ECONNRESET on a socket without an 'error' listener, and the process died.
  it('leaves the server running, on a wrong path and beyond the upgrade rate', async () => {
    server = await startServerProcess({
      DATA_DIR: tempDir(),
      BOOTSTRAP_MERCHANT_KEY: 'tdk_upgrade-reset-test-key-0123456789',
      STREAM_UPGRADES_PER_SECOND: '1',
      STREAM_UPGRADE_BURST: '1',
    });
    for (let round = 0; round < 20; round += 1) {
      await upgradeThenReset(server.url, '/not-the-stream');
      await upgradeThenReset(server.url, '/api/v1/stream');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.child.exitCode, server.output()).toBeNull();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
