import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message.schema.js';
import type { Store } from './store.js';

function message(id: string, title = id): Message {
  return { id, type: 'system', category: 'order', priority: 3, title, createdAt: new Date().toISOString() };
}

/**
 * The behaviour every Store must have. Each implementation's test calls this
 * with a factory for a fresh, empty store.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.createMerchant({ id: 'm1', name: 'Acme', keyHash: 'hash-1', createdAt: new Date().toISOString() });
    });
    afterEach(() => store.close());

    it('keeps the first value of a setting', async () => {
      expect(await store.getOrInitSetting('k', 'first')).toBe('first');
      expect(await store.getOrInitSetting('k', 'second')).toBe('first');
    });

    it('finds merchants by key hash only', async () => {
      expect(await store.findMerchantByKeyHash('hash-1')).toMatchObject({ id: 'm1', name: 'Acme' });
      expect(await store.findMerchantByKeyHash('hash-2')).toBeUndefined();
    });

    it('refuses a second merchant with the same key hash', async () => {
      await expect(
        store.createMerchant({ id: 'm2', name: 'Copy', keyHash: 'hash-1', createdAt: new Date().toISOString() }),
      ).rejects.toThrow();
    });

    it('numbers each shopper’s log from 1 without gaps, and deduplicates recipients', async () => {
      await store.insertMessage(message('a'), 'm1', ['u1', 'u2']);
      const appended = await store.insertMessage(message('b'), 'm1', ['u2', 'u2', 'u3']);
      expect(appended.map((e) => [e.userId, e.event.seq])).toEqual([
        ['u2', 2],
        ['u3', 1],
      ]);
      expect((await store.readEvents('u2', 0, 10)).map((e) => [e.seq, e.message.id])).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      expect((await store.getMessage('b'))?.recipients).toBe(2);
    });

    it('reads after a cursor with a limit', async () => {
      for (const id of ['a', 'b', 'c', 'd']) await store.insertMessage(message(id), 'm1', ['u1']);
      expect((await store.readEvents('u1', 1, 2)).map((e) => e.seq)).toEqual([2, 3]);
      expect(await store.readEvents('u1', 4, 10)).toEqual([]);
      expect(await store.readEvents('nobody', 0, 10)).toEqual([]);
    });

    it('stores nothing when a message insert fails', async () => {
      await store.insertMessage(message('dup'), 'm1', ['u1']);
      await expect(store.insertMessage(message('dup'), 'm1', ['u1', 'u9'])).rejects.toThrow();
      expect(await store.readEvents('u1', 0, 10)).toHaveLength(1);
      expect(await store.readEvents('u9', 0, 10)).toEqual([]);
      // The failed transaction did not consume a seq.
      const [next] = await store.insertMessage(message('after'), 'm1', ['u1']);
      expect(next?.event.seq).toBe(2);
    });

    it('round-trips every message field', async () => {
      const full: Message = {
        ...message('full'),
        type: 'user',
        priority: 5,
        body: 'Body 正文',
        url: '/orders/1',
        icon: 'https://cdn.example/i.png',
        image: 'https://cdn.example/p.jpg',
        actions: [{ title: 'Track', url: '/track/1' }],
        data: { orderId: 1042, nested: { ok: true } },
        collapseKey: 'order:1042',
        sender: { id: 'seller-1', name: 'Seller' },
        expiresAt: '2999-01-01T00:00:00.000Z',
      };
      await store.insertMessage(full, 'm1', ['u1']);
      expect((await store.getMessage('full'))?.message).toEqual(full);
      expect((await store.readEvents('u1', 0, 1))[0]?.message).toEqual(full);
    });
  });
}
