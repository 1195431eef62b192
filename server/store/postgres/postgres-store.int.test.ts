import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/message.schema.js';
import { postgresAvailable, requireService, TEST_DATABASE_URL } from '../../test-support/services.js';
import { createTestSchema, type TestSchema } from '../../test-support/postgres-schema.js';
import { lifecycleContract } from '../lifecycle.contract.js';
import { storeContract } from '../store.contract.js';
import { migrate, POSTGRES_MIGRATIONS } from './migrations.js';
import { PostgresStore } from './postgres-store.js';
import { storeMessage } from '../../test-support/store-messages.js';

const available = requireService('PostgreSQL', await postgresAvailable());

const schemas: TestSchema[] = [];
async function freshSchema(): Promise<TestSchema> {
  const schema = await createTestSchema();
  schemas.push(schema);
  return schema;
}
afterAll(async () => {
  // One at a time: dropping a schema locks every object in it, and dozens dropped at once
  // overflow PostgreSQL's shared lock table ("out of shared memory").
  for (const schema of schemas) await schema.drop();
});

function message(id: string): Message {
  return { id, type: 'system', category: 'order', priority: 3, title: id, createdAt: new Date().toISOString() };
}

describe.skipIf(!available)('postgres', () => {
  storeContract('postgres', async () => (await freshSchema()).open());
  lifecycleContract('postgres', async () => {
    const schema = await freshSchema();
    return () => schema.open();
  });

  describe('PostgresStore', () => {
    it('records its schema version and does not rerun migrations on reopening', async () => {
      const schema = await freshSchema();
      const first = await schema.open();
      await first.getOrInitSetting('k', 'v');
      await first.close();
      const second = await schema.open();
      expect(await second.getOrInitSetting('k', 'other')).toBe('v');
      await second.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM ${schema.name}.schema_migrations ORDER BY version`);
      await client.end();
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    });

    it('migrates once when several instances start at the same time', async () => {
      const schema = await freshSchema();
      const stores = await Promise.all([schema.open(), schema.open(), schema.open()]);
      await stores[0]!.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'h', createdAt: new Date().toISOString() });
      expect((await stores[2]!.findMerchantByKeyHash('h'))?.id).toBe('m1');
      await Promise.all(stores.map((store) => store.close()));
    });

    it('makes every key that existed before roles a platform key', async () => {
      const schema = await freshSchema();
      const roles = POSTGRES_MIGRATIONS.findIndex((sql) => sql.includes('ADD COLUMN role'));
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`SET search_path TO ${schema.name}`);
      await migrate(client as pg.PoolClient, POSTGRES_MIGRATIONS.slice(0, roles));
      await client.query(
        "INSERT INTO merchants (id, name, key_hash, created_at) VALUES ('old', 'Old', 'hash-old', '2020-01-01T00:00:00.000Z')",
      );
      await client.end();
      const store = await schema.open();
      expect(await store.findMerchantByKeyHash('hash-old')).toEqual({
        id: 'old',
        name: 'Old',
        role: 'platform',
        createdAt: '2020-01-01T00:00:00.000Z',
      });
      await store.close();
    });

    it('refuses a database from a newer Tidings', async () => {
      const schema = await freshSchema();
      await (await schema.open()).close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`INSERT INTO ${schema.name}.schema_migrations (version) VALUES (${POSTGRES_MIGRATIONS.length + 1})`);
      await client.end();
      await expect(schema.open()).rejects.toThrow(/newer than this Tidings/);
    });

    it('gives each push job to one of several instances claiming at once', async () => {
      const schema = await freshSchema();
      const [a, b] = await Promise.all([schema.open(), schema.open()]);
      await a.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'h', createdAt: new Date().toISOString() });
      for (let i = 0; i < 30; i++) {
        await a.savePushSubscription({ endpoint: `e${i}`, userId: `u${i}`, p256dh: 'k', auth: 'a', expirationTime: null }, new Date().toISOString(), 5);
      }
      await storeMessage(a, message('q'), 'm1', Array.from({ length: 30 }, (_, i) => `u${i}`));
      const now = Date.now() + 1000;
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimPushJobs(now, 60_000, 7)));
      const ids = claims.flat().map((job) => job.id);
      expect(new Set(ids).size).toBe(ids.length);
      // 6 × 7 = 42 slots for 30 jobs: SKIP LOCKED means nobody waits and all are taken once.
      expect(ids).toHaveLength(30);
      await Promise.all([a.close(), b.close()]);
    });
  });

  describe('concurrent writers for one shopper', () => {
    it('two instances appending at once leave a log 1..400 without gap or duplicate, and a reader never misses a seq', async () => {
      const schema = await freshSchema();
      const [a, b, reader] = await Promise.all([schema.open(8), schema.open(8), schema.open(2)]);
      await a.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'h', createdAt: new Date().toISOString() });

      // The reader polls after its cursor the whole time. If a lower seq ever committed after a
      // higher one was visible, the reader would jump past it and the seqs it saw would have a hole.
      let writing = true;
      const seen: number[] = [];
      const polling = (async () => {
        let cursor = 0;
        for (;;) {
          const stillWriting = writing;
          const events = await reader.readEvents('u1', cursor, 1000);
          for (const event of events) {
            seen.push(event.seq);
            cursor = event.seq;
          }
          if (!stillWriting && events.length === 0) return;
        }
      })();

      const write = (store: PostgresStore, prefix: string) =>
        Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            // Some messages also go to other shoppers, in both orders, so locks on several rows interleave.
            storeMessage(store, message(`${prefix}${i}`), 'm1', i % 3 === 0 ? ['u1', `${prefix}-other`] : [`${prefix}-other`, 'u1']),
          ),
        );
      await Promise.all([write(a, 'a'), write(b, 'b')]);
      writing = false;
      await polling;

      const log = (await reader.readEvents('u1', 0, 1000)).map((event) => event.seq);
      expect(log).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
      expect(seen).toEqual(log);
      await Promise.all([a.close(), b.close(), reader.close()]);
    });
  });
});

describe('PostgresStore without a server', () => {
  it('fails to open with the connection error', async () => {
    await expect(PostgresStore.open({ connectionString: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow();
  });
});
