/**
 * A benchmark's integer option (`--name N`): `fallback` when absent; anything
 * not an integer of at least `least` ends the run with exit code 2 and says why.
 */
export function countOption(name: string, text: string | undefined, fallback: number, least: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    process.stderr.write(`--${name} must be an integer ≥ ${least}, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}
