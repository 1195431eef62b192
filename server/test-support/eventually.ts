// The one polling loop of the tests: every generic "wait until …" goes through `eventually`, so each
// wait has a deadline and a delay between tries. Waits that are woken by events rather than polled
// (PushService.waitFor, WebhookReceiver.waitFor, StreamClient.waitFor) stay with their classes.

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `check` until it stops throwing (returns its value) or `timeoutMs` has passed (throws its last failure). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await pause(everyMs);
    }
  }
}

/** Reads until `done` holds for the value read, and returns that value; the error names the last value read. */
export function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  return eventually(async () => {
    const value = await read();
    if (!done(value)) throw new Error(`timed out; last value: ${JSON.stringify(value)?.slice(0, 300)}`);
    return value;
  }, timeoutMs, everyMs);
}

/** Waits until `predicate` holds; `what` names it in the error. */
export function eventuallyHolds(predicate: () => boolean, what: string, timeoutMs = 3000, everyMs = 5): Promise<void> {
  return eventually(() => {
    if (!predicate()) throw new Error(`timed out waiting for ${what}`);
  }, timeoutMs, everyMs);
}
