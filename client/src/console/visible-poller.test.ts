import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startVisiblePoller, type PageVisibility, type VisiblePoller } from './visible-poller.js';

function fakeVisibility(initially = true): PageVisibility & { set(visible: boolean): void } {
  let visible = initially;
  const listeners = new Set<() => void>();
  return {
    isVisible: () => visible,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      visible = next;
      for (const listener of listeners) listener();
    },
  };
}

describe('the visible-only poller', () => {
  let poller: VisiblePoller | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    poller?.stop();
    vi.useRealTimers();
  });

  it('polls every interval while visible', async () => {
    const poll = vi.fn(async () => {});
    poller = startVisiblePoller(poll, 5000, fakeVisibility(), globalThis);
    await vi.advanceTimersByTimeAsync(4999);
    expect(poll).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll).toHaveBeenCalledTimes(3);
  });

  it('stops while hidden and polls at once on coming back', async () => {
    const visibility = fakeVisibility();
    const poll = vi.fn(async () => {});
    poller = startVisiblePoller(poll, 5000, visibility, globalThis);
    visibility.set(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll).toHaveBeenCalledTimes(0);
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('does not start while the page is hidden', async () => {
    const poll = vi.fn(async () => {});
    poller = startVisiblePoller(poll, 5000, fakeVisibility(false), globalThis);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll).not.toHaveBeenCalled();
  });

  it('never overlaps a slow poll and times the next one from its end', async () => {
    let finish: () => void = () => {};
    const poll = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    poller = startVisiblePoller(poll, 1000, fakeVisibility(), globalThis);
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll).toHaveBeenCalledTimes(1);
    poller.pollNow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(999);
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('keeps polling after a poll fails', async () => {
    const poll = vi.fn(async () => {
      throw new Error('offline');
    });
    poller = startVisiblePoller(poll, 1000, fakeVisibility(), globalThis);
    await vi.advanceTimersByTimeAsync(3000);
    expect(poll).toHaveBeenCalledTimes(3);
  });

  it('polls now on request, and never again once stopped', async () => {
    const visibility = fakeVisibility();
    const poll = vi.fn(async () => {});
    poller = startVisiblePoller(poll, 1000, visibility, globalThis);
    poller.pollNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(poll).toHaveBeenCalledTimes(1);
    poller.stop();
    visibility.set(false);
    visibility.set(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll).toHaveBeenCalledTimes(1);
  });
});
