import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { takeTokenFromLocation } from './session.service.js';

function visit(path: string, hash: string) {
  const replaceState = vi.fn();
  vi.stubGlobal('location', { pathname: path, search: '', hash });
  vi.stubGlobal('history', { state: null, replaceState });
  return replaceState;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('takeTokenFromLocation', () => {
  it('takes the token and removes it from the address bar', () => {
    const replaceState = visit('/', '#token=abc.def-123');
    expect(takeTokenFromLocation()).toBe('abc.def-123');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/');
  });

  it('keeps the rest of the fragment', () => {
    const replaceState = visit('/inbox', '#token=abc&view=unread');
    expect(takeTokenFromLocation()).toBe('abc');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/inbox#view=unread');
  });

  it('leaves an address without a token alone', () => {
    const replaceState = visit('/', '#view=unread');
    expect(takeTokenFromLocation()).toBeNull();
    expect(replaceState).not.toHaveBeenCalled();
  });
});
