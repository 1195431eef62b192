import { MERCHANT_ROLES, merchantKeyNameSchema, merchantRoleSchema, type MerchantRole } from '../shared/merchant-key.schema.js';
import { LIMITS } from '../shared/limits.js';
import { createMerchant } from './auth/merchant-keys.js';
import { ConfigError, loadConfig } from './config.js';
import { openStore } from './store/open-store.js';

const USAGE = `Usage: tidings create-merchant-key [--name <name>] [--role platform|seller]

Creates a merchant key in the configured store (DATABASE_URL, or SQLite in DATA_DIR) and prints it once.
Only its hash is stored: keep the printed key safe.
--role platform (default): the shop or marketplace backend, may do everything.
--role seller: one seller of a marketplace; sends as itself, to shoppers by id and its own store topic only.
See docs/security.md.`;

class UsageError extends Error {}

/** The value after `--flag`, the default when the flag is absent, or a usage error when it has none. */
function option(args: string[], flag: string, fallback: string): string {
  const index = args.indexOf(flag);
  if (index < 0) return fallback;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

function parseArgs(args: string[]): { name: string; role: MerchantRole } {
  const unknown = args.find((arg) => arg.startsWith('--') && arg !== '--name' && arg !== '--role');
  if (unknown) throw new UsageError(`Unknown option ${unknown}`);
  const name = merchantKeyNameSchema.safeParse(option(args, '--name', 'merchant'));
  if (!name.success) throw new UsageError(`--name must be 1 to ${LIMITS.senderNameLength} characters`);
  const role = merchantRoleSchema.safeParse(option(args, '--role', 'platform'));
  if (!role.success) throw new UsageError(`--role must be one of ${MERCHANT_ROLES.join(', ')}`);
  return { name: name.data, role: role.data };
}

/** Operator commands that act on the store directly. */
async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create-merchant-key') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let options: { name: string; role: MerchantRole };
  try {
    options = parseArgs(rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env);
  const store = await openStore(config);
  try {
    const { merchant, key } = await createMerchant(store, options);
    process.stderr.write(
      `Created ${merchant.role} key "${merchant.name}" (${merchant.id}) in the ${store.kind} store. The key, shown only this once:\n`,
    );
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
