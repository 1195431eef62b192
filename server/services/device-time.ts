/**
 * A time a device stamped a change with, as the server stores it: ISO 8601
 * UTC with milliseconds (so stored times compare the same as text and as
 * instants), and never later than the server's clock. Without the clamp, a
 * device whose clock runs a year ahead would win every conflict for a year.
 */
export function deviceTime(at: string, now: Date): string {
  const ms = Math.min(Date.parse(at), now.getTime());
  return new Date(ms).toISOString();
}
