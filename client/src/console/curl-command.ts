/**
 * The README's first step, filled in for this server: a `curl` a merchant can
 * paste into a terminal to send one message. Single-quoted for POSIX shells;
 * the key and user id are the demo's (letters, digits, `-` and `_`), and any
 * `'` in them would be closed and escaped all the same.
 */
export function curlSendCommand(origin: string, merchantKey: string, userId: string, title: string): string {
  const body = JSON.stringify({ to: { userIds: [userId] }, category: 'order', title });
  return [
    `curl -X POST ${shellQuote(`${origin}/api/v1/messages`)}`,
    `-H ${shellQuote(`Authorization: Bearer ${merchantKey}`)}`,
    `-H 'Content-Type: application/json'`,
    `-d ${shellQuote(body)}`,
  ].join(' \\\n  ');
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
