/**
 * Two unrelated origins to resolve a path against. A real path stays on
 * whichever origin it is resolved against; anything that names a host of its
 * own ("//evil", "/\\evil", "/\t/evil") lands on that host for both, so it
 * cannot pass as same-origin even when it names one of these two.
 */
const PLACEHOLDER_ORIGINS = ['https://tidings-a.invalid', 'http://tidings-b.invalid:8080'];

/**
 * C0 controls, DEL and C1 controls. Browsers silently strip tab, CR and LF
 * from URLs ("/\t/evil.example" opens //evil.example), and none of them has a
 * place in a link, so they are refused outright rather than judged.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A URL a shopper may be sent to: absolute http(s), or a same-origin path.
 * Everything else (javascript:, data:, protocol-relative //host) is refused,
 * because these URLs end up as click targets in the inbox and notifications.
 * Judged by how a browser resolves it (the WHATWG URL parser), not by its
 * spelling.
 */
export function isSafeUrl(value: string): boolean {
  if (CONTROL_CHARACTER.test(value)) return false;
  if (value.startsWith('/')) return PLACEHOLDER_ORIGINS.every((origin) => resolvesTo(value, origin));
  const parsed = parse(value);
  return parsed?.protocol === 'https:' || parsed?.protocol === 'http:';
}

/**
 * A picture a message carries (`icon`, `image`): an https URL or a same-origin
 * path. Stricter than a link: a link is fetched when the shopper clicks it,
 * a picture as soon as the message is shown, in the inbox or in a
 * notification. Over http that would tell anyone on the path the shopper's
 * address and what they are reading, and it is mixed content in the https app.
 */
export function isSafeImageUrl(value: string): boolean {
  return isSafeUrl(value) && (value.startsWith('/') || parse(value)?.protocol === 'https:');
}

function resolvesTo(path: string, origin: string): boolean {
  return parse(path, origin)?.origin === origin;
}

function parse(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}
