import type { DemoInfo } from '../shared/auth.schema.js';
import { PRIORITY } from '../shared/message.schema.js';
import { ensureMerchant, generateMerchantKey } from './auth/merchant-keys.js';
import type { MessageService } from './services/message.service.js';
import type { Store } from './store/store.js';

export const DEMO_SHOPPERS = [
  { userId: 'alice', name: 'Alice Martin' },
  { userId: 'bob', name: 'Bob Okafor' },
  { userId: 'chen', name: '陈静 (Chen Jing)' },
] as const;

const SHOP_NAME = 'Acme Outfitters (demo)';

/**
 * Demo mode: a merchant whose key any visitor may use, and shoppers to sign
 * in as. Only ever started by an explicit --demo / DEMO=1, refused in production.
 * The key is a platform key (ensureMerchant), so the console can mint tokens and send to any topic.
 */
export async function setUpDemoShop(store: Store, messages: MessageService): Promise<DemoInfo> {
  const key = await store.getOrInitSetting('demo-merchant-key', generateMerchantKey());
  const merchant = await ensureMerchant(store, SHOP_NAME, key);
  const startedAt = new Date().toISOString();
  // Only the start that records the seeding time sends the welcome message.
  const firstStart = (await store.getOrInitSetting('demo-seeded-at', startedAt)) === startedAt;
  if (firstStart) {
    await messages.send(merchant, {
      to: { userIds: DEMO_SHOPPERS.map((shopper) => shopper.userId) },
      type: 'system',
      category: 'account',
      priority: PRIORITY.default,
      title: `Welcome to ${SHOP_NAME}`,
      body: 'This is your inbox. Open the merchant console to send yourself an order update and watch it arrive.',
      url: '/console.html',
    });
  }
  return { shopName: SHOP_NAME, shoppers: DEMO_SHOPPERS.map((s) => ({ ...s })), merchantKey: key };
}
