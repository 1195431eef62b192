import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './server-process.js';

const running = new Set<ChildProcess>();
// A failed or interrupted test must not leave a redis-server behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The test's own throwaway redis-server on a spare port, which it can kill and start again. */
export class TestRedisServer {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.spawn(binary);
    return server;
  }

  /** SIGKILL, like a crash: nothing is flushed, every connection drops. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    running.delete(child);
  }

  /** Starts again on the same port, as an operator's restart would. */
  async restart(binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): Promise<void> {
    await this.kill();
    await this.spawn(binary);
  }

  private async spawn(binary: string): Promise<void> {
    const child = spawn(binary, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          child.stdout?.off('data', onData);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
    });
    child.stdout?.resume();
    child.stderr?.resume();
  }
}
