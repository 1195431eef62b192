import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support/eventually.js';
import { createTestSchema } from '../test-support/postgres-schema.js';
import { postgresAvailable, requireService } from '../test-support/services.js';
import { messageTo, startTestServer, type TestServer } from '../test-support/test-server.js';

/** /metrics on the embedded store shows its WAL and checkpoint thread; a database server's store has none to show. */
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});

async function metric(server: TestServer, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('/metrics on SQLite', () => {
  it('shows the WAL file and the checkpoint thread at work', async () => {
    const server = await startTestServer();
    servers.push(server);
    for (let i = 0; i < 20; i++) expect((await server.send(messageTo([`wal-${i}`, 'wal-all']))).status).toBe(202);
    // The file keeps its size when the WAL starts over (up to journal_size_limit), so only "there is one".
    expect(await metric(server, 'tidings_sqlite_wal_bytes')).toBeGreaterThan(0);
    await eventually(async () => expect(await metric(server, 'tidings_sqlite_checkpoints_total')).toBeGreaterThan(0));
    expect(await metric(server, 'tidings_sqlite_checkpoint_thread_up')).toBe(1);
    expect(await metric(server, 'tidings_sqlite_checkpoint_failing')).toBe(0);
    expect(await metric(server, 'tidings_sqlite_checkpoint_failures_total')).toBe(0);
  });
});

describe.runIf(requireService('PostgreSQL', await postgresAvailable()))('/metrics on PostgreSQL', () => {
  it('has no SQLite WAL metrics', async () => {
    const schema = await createTestSchema();
    const server = await startTestServer({ store: await schema.open() });
    servers.push(server);
    try {
      expect((await server.send(messageTo(['pg-wal']))).status).toBe(202);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toMatch(/^tidings_messages_accepted_total 1$/m);
      expect(text).not.toMatch(/tidings_sqlite_/);
    } finally {
      await server.close();
      servers.pop();
      await schema.drop();
    }
  });
});
