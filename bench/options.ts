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
