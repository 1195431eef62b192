/**
 * A URL a shopper may be sent to: absolute http(s), or a same-origin path.
 * Everything else (javascript:, data:, protocol-relative //host) is refused,
 * because these URLs end up as click targets in the inbox and notifications.
 */
export function isSafeUrl(value: string): boolean {
  if (value.startsWith('/')) {
    // "//evil.example" and "/\evil.example" are protocol-relative in browsers.
    return !value.startsWith('//') && !value.startsWith('/\\');
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:';
}
