import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/api-error.js';
import { PushControl, SUBSCRIBE_TIMEOUT_MS, type PushControlDeps, type PushView } from './push-control.js';
import type { ObservedPushState } from './push-state.js';

/** A promise and the functions that settle it, for answers that come when the test says so. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function control(overrides: Partial<PushControlDeps> = {}) {
  const views: PushView[] = [];
  let browserState: ObservedPushState = 'off';
  const deps: PushControlDeps = {
    read: vi.fn(async () => browserState),
    requestPermission: vi.fn(async () => 'granted' as const),
    subscribe: vi.fn(async (): Promise<ObservedPushState> => (browserState = 'on')),
    unsubscribe: vi.fn(async (): Promise<ObservedPushState> => (browserState = 'off')),
    ...overrides,
  };
  const push = new PushControl(deps, (view) => views.push(view));
  return { push, deps, views, states: () => views.map((view) => view.state), setBrowserState: (state: ObservedPushState) => (browserState = state) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PushControl', () => {
  it('goes off → subscribing → on, and back off', async () => {
    const { push, states } = control();
    await push.turnOn();
    expect(states()).toEqual(['subscribing', 'on']);
    await push.turnOff();
    expect(states()).toEqual(['subscribing', 'on', 'off']);
  });

  it('shows what the browser has on refresh: blocked after the site settings denied it', async () => {
    const { push, setBrowserState, views } = control();
    setBrowserState('blocked');
    await push.refresh();
    expect(views.at(-1)).toEqual({ state: 'blocked' });
  });

  it('is blocked when the prompt was denied, and off-but-dismissed when it was closed without an answer', async () => {
    const denied = control({ requestPermission: async () => 'denied' });
    denied.setBrowserState('blocked');
    await denied.push.turnOn();
    expect(denied.views.at(-1)).toEqual({ state: 'blocked', dismissed: false });
    expect(denied.deps.subscribe).not.toHaveBeenCalled();

    const closed = control({ requestPermission: async () => 'default' });
    await closed.push.turnOn();
    expect(closed.views.at(-1)).toEqual({ state: 'off', dismissed: true });
  });

  it('names the push service as the cause when the browser refuses, and the server when it does', async () => {
    const browser = control({ subscribe: () => Promise.reject(new DOMException('Registration failed - push service not available', 'AbortError')) });
    await browser.push.turnOn();
    expect(browser.views.at(-1)).toEqual({ state: 'failed', failure: { cause: 'push-service', message: 'Registration failed - push service not available' } });

    const refusal = new ApiError(403, 'push-endpoint-not-allowed', 'not allowed');
    const server = control({ subscribe: () => Promise.reject(refusal) });
    await server.push.turnOn();
    expect(server.views.at(-1)).toEqual({ state: 'failed', failure: { cause: 'server', error: refusal } });
  });

  it('does not time out while the shopper is reading the permission prompt', async () => {
    const prompt = deferred<NotificationPermission>();
    const { push, states } = control({ requestPermission: () => prompt.promise });
    const turningOn = push.turnOn();
    await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS * 4);
    expect(states()).toEqual(['subscribing']);
    prompt.resolve('granted');
    await turningOn;
    expect(states()).toEqual(['subscribing', 'on']);
  });

  it('says it took too long once subscribing passes the time limit, and not a moment before', async () => {
    const hanging = deferred<ObservedPushState>();
    const { push, states } = control({ subscribe: () => hanging.promise });
    const turningOn = push.turnOn();
    await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS - 1);
    expect(states()).toEqual(['subscribing']);
    await vi.advanceTimersByTimeAsync(1);
    await turningOn;
    expect(states()).toEqual(['subscribing', 'timed-out']);
  });

  it('retries after a time-out, and a late answer to the first attempt changes nothing', async () => {
    const first = deferred<ObservedPushState>();
    const second = deferred<ObservedPushState>();
    const subscribe = vi.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    const { push, states, setBrowserState } = control({ subscribe });
    const firstTry = push.turnOn();
    await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS);
    await firstTry;
    expect(states()).toEqual(['subscribing', 'timed-out']);

    const retry = push.turnOn();
    await vi.advanceTimersByTimeAsync(0);
    first.reject(new DOMException('late', 'AbortError'));
    setBrowserState('on');
    second.resolve('on');
    await retry;
    expect(states()).toEqual(['subscribing', 'timed-out', 'subscribing', 'on']);
  });

  it('takes the real state when a timed-out subscription finishes after all', async () => {
    const late = deferred<ObservedPushState>();
    const { push, states, setBrowserState } = control({ subscribe: () => late.promise, timeoutMs: 1_000 });
    const turningOn = push.turnOn();
    await vi.advanceTimersByTimeAsync(1_000);
    await turningOn;
    expect(states()).toEqual(['subscribing', 'timed-out']);
    setBrowserState('on');
    late.resolve('on');
    await vi.advanceTimersByTimeAsync(0);
    expect(states()).toEqual(['subscribing', 'timed-out', 'on']);
  });
});
