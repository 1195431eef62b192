import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMerchantByKey } from './auth/merchant-keys.js';
import { PACKAGE_ROOT } from './config.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { tempDir } from './test-support/test-server.js';

/** `tidings create-merchant-key` as the operator runs it, against a fresh SQLite data directory. */
function createKey(dataDir: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'server', 'cli.ts'), 'create-merchant-key', ...args], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

async function merchantsIn(dataDir: string) {
  const store = SqliteStore.open(dataDir);
  try {
    return await store.listMerchants();
  } finally {
    await store.close();
  }
}

describe('tidings create-merchant-key --role', () => {
  it.each([
    [['--name', 'Seller A', '--role', 'seller'], 'seller', 'Seller A'],
    [['--role', 'platform', '--name', 'Shop'], 'platform', 'Shop'],
    [['--name', 'Shop'], 'platform', 'Shop'],
  ])('%j creates a %s key', async (args, role, name) => {
    const dataDir = tempDir();
    const cli = createKey(dataDir, ...args);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(`Created ${role} key "${name}"`);
    const store = SqliteStore.open(dataDir);
    try {
      expect(await findMerchantByKey(store, cli.stdout.trim())).toMatchObject({ name, role });
    } finally {
      await store.close();
    }
  });

  it.each([
    [['--role', 'admin'], '--role must be one of platform, seller'],
    [['--role', 'Seller'], '--role must be one of platform, seller'],
    [['--role'], '--role needs a value'],
    [['--name', 'x', '--role', '--name'], '--role needs a value'],
    [['--rol', 'seller'], 'Unknown option --rol'],
    [['--name', 'n'.repeat(101)], '--name must be 1 to 100 characters'],
  ])('%j is refused with a clear message, and no key is created', async (args, message) => {
    const dataDir = tempDir();
    const cli = createKey(dataDir, ...args);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(message);
    expect(cli.stderr).toContain('Usage: tidings create-merchant-key');
    expect(cli.stdout).toBe('');
    expect(await merchantsIn(dataDir)).toEqual([]);
  });
});
