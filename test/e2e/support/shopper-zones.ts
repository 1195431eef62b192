import { expect } from 'vitest';
import type { TestServer } from '../../../server/test-support/test-server.js';

/** Saves `timeZone` as the shopper's own preference, the way their app does (PUT /me/preferences). */
export async function saveTimeZone(server: TestServer, userId: string, timeZone: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/me/preferences`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await server.tokenFor(userId)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ preferences: { timeZone }, changedAt: new Date().toISOString() }),
  });
  expect(res.status).toBe(200);
}

/** "YYYY-MM-DDTHH:MM" for `hour`:00 on the UTC date `days` from today: a wall-clock time for deliverAtLocal. */
export function wallClockInDays(days: number, hour: number): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T${String(hour).padStart(2, '0')}:00`;
}
