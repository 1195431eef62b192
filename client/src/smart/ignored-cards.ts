import { VisibleSince } from './interactions.js';

/** At least this share of a card in the viewport counts as seen. */
const SEEN_SHARE = 0.5;

/**
 * Watches the inbox's cards for the "ignored" rule of interactions.ts: a
 * card at least half in view for 2 s in one stretch, then scrolled out of
 * view. A card that leaves because the list was hidden (a message opened
 * over it) has no box any more (height 0): that is not scrolling past it.
 * `onIgnored` gets the card's message id; the caller checks it is still
 * unread and untouched.
 */
export class IgnoredCards {
  private readonly visible = new VisibleSince();
  private readonly ids = new WeakMap<Element, string>();
  /** One attachment per card, so a re-rendered card keeps being watched in the same stretch. */
  private readonly attachments = new Map<string, (element: Element) => () => void>();
  private readonly observer: IntersectionObserver;

  constructor(onIgnored: (id: string) => void, now: () => number = Date.now) {
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const id = this.ids.get(entry.target);
          if (id === undefined) continue;
          if (entry.intersectionRatio >= SEEN_SHARE) this.visible.shown(id, now());
          else if (this.visible.left(id, now(), entry.boundingClientRect.height > 0)) onIgnored(id);
        }
      },
      { threshold: [0, SEEN_SHARE] },
    );
  }

  /** A Svelte attachment for the card's element. */
  watch(id: string): (element: Element) => () => void {
    const known = this.attachments.get(id);
    if (known) return known;
    const attachment = (element: Element) => {
      this.ids.set(element, id);
      this.observer.observe(element);
      return () => {
        this.observer.unobserve(element);
        this.visible.left(id, Date.now(), false);
      };
    };
    this.attachments.set(id, attachment);
    return attachment;
  }

  disconnect(): void {
    this.observer.disconnect();
    this.attachments.clear();
  }
}
