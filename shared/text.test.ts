import { describe, expect, it } from 'vitest';
import { isWellFormedText, truncateText } from './text.js';

describe('isWellFormedText', () => {
  it.each([
    ['plain', true],
    ['emoji 🙂 and 中文', true],
    ['\ud800x', false],
    ['x\udc00', false],
    ['🙂'.slice(0, 1), false],
    ['\udc00\ud800', false],
  ])('%j → %s', (text, expected) => {
    expect(isWellFormedText(text)).toBe(expected);
  });
});

describe('truncateText', () => {
  it('keeps text within the limit as it is', () => {
    expect(truncateText('Re: hello', 200)).toBe('Re: hello');
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const title = `Re: ${'a'.repeat(195)}🙂`; // the emoji's two units are the 200th and 201st
    const cut = truncateText(title, 200);
    expect(cut).toHaveLength(199);
    expect(isWellFormedText(cut)).toBe(true);
    expect(truncateText(`${'a'.repeat(198)}🙂`, 200)).toBe(`${'a'.repeat(198)}🙂`);
  });
});
