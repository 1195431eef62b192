/**
 * Text a shopper reads. A lone UTF-16 surrogate is no character at all: the
 * stores would keep it (PostgreSQL, through the JSON escape) or turn it into
 * U+FFFD (SQLite), so what was sent and what is shown would differ by store.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

export const WELL_FORMED_TEXT_MESSAGE = 'must be valid Unicode text (it holds a lone surrogate)';

/** At most `maxUnits` UTF-16 units (what zod's max counts), never cutting a surrogate pair in two. */
export function truncateText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  const cut = text.slice(0, maxUnits);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
