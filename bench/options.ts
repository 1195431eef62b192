import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * An integer command-line option of a benchmark: `fallback` when absent; a
 * message naming the option and exit code 2 when it is not an integer ≥ `least`.
 */
export function integerOption(name: string, text: string | undefined, fallback: number, least = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    process.stderr.write(`--${name} must be an integer ≥ ${least}, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * A benchmark's command line: `node:util`'s parseArgs with `-h`/`--help` added, which prints
 * `usage` and exits 0.
 */
export function benchOptions<const O extends OptionsConfig>(usage: string, options: O): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  const { values } = parseArgs({ options: { ...options, ...HELP } });
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  return values;
}
