import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** What sticks out, where: one line per offending element. */
export interface LayoutOffender {
  /** A CSS path to the element, e.g. `article.card > div.actions > a.button`. */
  selector: string;
  /** Its text, shortened, to recognise it. */
  text: string;
  problem: string;
}

export interface LayoutCheckOptions {
  /** Elements that must keep their content inside them (a message card). */
  boxes?: string;
}

/**
 * Walks every visible element of the page and reports those that overflow:
 * past the left or right edge of the viewport, out of the box they belong
 * to (a card), or cut by an ancestor that clips without scrolling (a "Delet"
 * button). Content that a scrolling ancestor hides (a chip row scrolled
 * sideways) is reachable and does not count, nor does text an ancestor cuts
 * on purpose with an ellipsis or a line clamp, nor an open menu's popover,
 * which lives in the top layer and is checked against the viewport alone.
 */
export async function layoutOffenders(page: Page, options: LayoutCheckOptions = {}): Promise<LayoutOffender[]> {
  // A string, not a function: the page runs it exactly as written, without the test runner's transforms.
  return page.evaluate(`(${FIND_OFFENDERS})(${JSON.stringify(options.boxes ?? 'article.card')})`);
}

/** Fails with every offender listed, by selector, when anything overflows. */
export async function expectNoOverflow(page: Page, where: string, options?: LayoutCheckOptions): Promise<void> {
  const offenders = await layoutOffenders(page, options);
  expect(
    offenders.map((o) => `${o.selector} "${o.text}": ${o.problem}`),
    `${where} at ${page.viewportSize()?.width ?? '?'} px`,
  ).toEqual([]);
}

const FIND_OFFENDERS = String.raw`function findOffenders(boxSelector) {
  const TOLERANCE = 1;
  const width = document.documentElement.clientWidth;
  const offenders = [];

  function describe(element) {
    const parts = [];
    for (let node = element; node && node !== document.body && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) part += '#' + node.id;
      else if (typeof node.className === 'string' && node.className.trim()) {
        part += '.' + node.className.trim().split(/\s+/).filter((c) => !c.startsWith('svelte-')).slice(0, 2).join('.');
      }
      parts.unshift(part.replace(/\.$/, ''));
      if (node.id) break;
    }
    return parts.join(' > ');
  }

  function clips(style) {
    return style.overflowX !== 'visible' || style.overflowY !== 'visible';
  }

  function scrolls(style) {
    return ['auto', 'scroll'].includes(style.overflowX) || ['auto', 'scroll'].includes(style.overflowY);
  }

  function cutsOnPurpose(style) {
    return style.textOverflow === 'ellipsis' || (style.webkitLineClamp && style.webkitLineClamp !== 'none');
  }

  if (document.documentElement.scrollWidth > width + TOLERANCE) {
    offenders.push({ selector: 'html', text: '', problem: 'the page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in ' + width });
  }

  for (const element of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'contents') continue;
    const own = element.getBoundingClientRect();
    // Not rendered, or visually hidden for screen readers (1 px, clipped).
    if (own.width <= 1 || own.height <= 1) continue;
    if (element.closest('[popover]:not(:popover-open)')) continue;
    const inPopover = element.closest(':popover-open');
    let left = own.left;
    let right = own.right;
    let problem = null;
    for (let ancestor = element.parentElement; ancestor && ancestor !== document.documentElement; ancestor = ancestor.parentElement) {
      if (inPopover && !inPopover.contains(ancestor)) break;
      const ancestorStyle = getComputedStyle(ancestor);
      if (!clips(ancestorStyle)) continue;
      const box = ancestor.getBoundingClientRect();
      if (scrolls(ancestorStyle)) {
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
      } else if (!cutsOnPurpose(ancestorStyle) && (own.left < box.left - TOLERANCE || own.right > box.right + TOLERANCE)) {
        problem = 'cut by ' + describe(ancestor) + ' (' + Math.round(own.left) + '–' + Math.round(own.right) + ' in ' + Math.round(box.left) + '–' + Math.round(box.right) + ')';
        break;
      }
    }
    if (problem === null && right - left <= 0) continue;
    if (problem === null && (left < -TOLERANCE || right > width + TOLERANCE)) {
      problem = 'outside the viewport (' + Math.round(left) + '–' + Math.round(right) + ' of 0–' + width + ')';
    }
    const box = inPopover ? null : element.parentElement?.closest(boxSelector);
    if (problem === null && box) {
      const bounds = box.getBoundingClientRect();
      if (left < bounds.left - TOLERANCE || right > bounds.right + TOLERANCE) {
        problem = 'outside its ' + describe(box) + ' (' + Math.round(left) + '–' + Math.round(right) + ' in ' + Math.round(bounds.left) + '–' + Math.round(bounds.right) + ')';
      }
    }
    if (problem !== null) {
      offenders.push({ selector: describe(element), text: (element.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40), problem });
    }
  }
  return offenders;
}`;
