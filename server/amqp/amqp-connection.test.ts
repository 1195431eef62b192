import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AmqpConnection } from './amqp-connection.js';
import { capturingLogger } from '../test-support/capturing-logger.js';
import { eventually } from '../test-support/eventually.js';

/** A port that refuses connections: listened on once, then closed. */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const open: AmqpConnection[] = [];
afterEach(async () => {
  for (const connection of open.splice(0)) await connection.close();
});

describe('AmqpConnection without a broker', () => {
  it('keeps retrying with backoff, warns once rather than once per attempt, and stays "connecting"', async () => {
    const { logger, lines } = capturingLogger();
    const connection = new AmqpConnection({ url: `amqp://127.0.0.1:${await refusedPort()}`, logger, minDelayMs: 5, maxDelayMs: 20 });
    open.push(connection);
    connection.start();
    await eventually(async () => expect(lines.filter((l) => l.msg === 'AMQP connect attempt failed').length).toBeGreaterThanOrEqual(5));
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual(['AMQP broker unreachable; retrying with backoff']);
    expect(connection.state).toBe('connecting');
    expect(connection.connection).toBeUndefined();
  });

  it('closes while waiting to retry, and stays closed', async () => {
    const { logger } = capturingLogger();
    const connection = new AmqpConnection({ url: `amqp://127.0.0.1:${await refusedPort()}`, logger, minDelayMs: 60_000, maxDelayMs: 60_000 });
    const states: string[] = [];
    connection.on('state', (state) => states.push(state));
    connection.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await connection.close(); // would hang until the 30–60 s retry if close did not cut the wait short
    expect(connection.state).toBe('closed');
    expect(states).toEqual(['closed']);
  });
});
