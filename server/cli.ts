import { createMerchant } from './auth/merchant-keys.js';
import { ConfigError, loadConfig } from './config.js';
import { openStore } from './store/open-store.js';

const USAGE = `Usage: tidings create-merchant-key [--name <name>]

Creates a merchant key in the configured store (DATABASE_URL, or SQLite in DATA_DIR) and prints it once.
Only its hash is stored: keep the printed key safe.`;

/** Operator commands that act on the store directly. */
async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create-merchant-key') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const nameIndex = rest.indexOf('--name');
  const name = nameIndex >= 0 ? rest[nameIndex + 1] : 'merchant';
  if (!name || name.startsWith('--')) {
    process.stderr.write(`--name needs a value\n\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env);
  const store = await openStore(config);
  try {
    const { merchant, key } = await createMerchant(store, name);
    process.stderr.write(`Created merchant "${merchant.name}" (${merchant.id}) in the ${store.kind} store. The key, shown only this once:\n`);
    process.stdout.write(`${key}\n`);
  } finally {
    await store.close();
  }
  return 0;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
