import { tick } from 'svelte';
import { messageFragment, parentState, routeOf, routeStateOf, type RouteState } from './history-route.js';

/** Frames to wait for a virtual list to render the row that should get focus back. */
const FOCUS_FRAMES = 30;

/**
 * The inbox's screens as history entries (see history-route.ts): opening a
 * thread or a message pushes an entry, and going back — the view's Back
 * button, Escape, the browser's back button, the phone's back gesture — pops
 * it. The entry left behind remembers its scroll position and which card was
 * opened, so the list comes back as the shopper left it.
 */
export class InboxRoute {
  message = $state<string | null>(null);
  thread = $state<string | null>(null);

  constructor() {
    this.sync();
  }

  /** Follows the history; call from an `$effect`. Returns the cleanup. */
  listen(): () => void {
    // The app puts the scroll position back itself, once the list is rendered again.
    history.scrollRestoration = 'manual';
    const onPopState = () => {
      this.sync();
      void this.restore();
    };
    // A notification click on an open window changes the fragment, without a popstate of ours.
    const onHashChange = () => this.sync();
    addEventListener('popstate', onPopState);
    addEventListener('hashchange', onHashChange);
    return () => {
      removeEventListener('popstate', onPopState);
      removeEventListener('hashchange', onHashChange);
    };
  }

  /** Opens a thread's timeline; `focusId` is what gets focus when the shopper comes back. */
  openThread(threadKey: string, focusId: string): void {
    this.push({ thread: threadKey }, plainAddress(), focusId);
  }

  /** Opens one message whole, over the thread when one is open. */
  openMessage(id: string, focusId: string): void {
    this.push(this.thread === null ? {} : { thread: this.thread }, messageFragment(id), focusId);
  }

  /** One screen back. */
  back(): void {
    if (routeStateOf(history.state).depth !== undefined) return history.back();
    // Opened by a notification or a link: nothing of the app's to go back to, so this entry becomes the screen below.
    history.replaceState(parentState(this), '', plainAddress());
    this.sync();
    window.scrollTo(0, 0);
  }

  /** Back to the bare list, e.g. when the shopper signs out. */
  reset(): void {
    history.replaceState(null, '', plainAddress());
    this.sync();
  }

  private push(next: RouteState, address: string, focusId: string): void {
    const current = routeStateOf(history.state);
    history.replaceState({ ...current, scrollY: window.scrollY, focusId }, '');
    history.pushState({ ...next, depth: (current.depth ?? 0) + 1 }, '', address);
    this.sync();
    window.scrollTo(0, 0);
  }

  private sync(): void {
    const route = routeOf(location.hash, history.state);
    this.message = route.message;
    this.thread = route.thread;
  }

  /** Scroll and focus as they were when the shopper left this entry. */
  private async restore(): Promise<void> {
    const { scrollY, focusId } = routeStateOf(history.state);
    await tick();
    window.scrollTo(0, scrollY ?? 0);
    if (focusId !== undefined) await focusWhenRendered(focusId);
  }
}

function plainAddress(): string {
  return location.pathname + location.search;
}

/**
 * Focuses the element (or the first button or link inside it) once it is
 * rendered: a virtual list renders the row only after it sees the scroll.
 */
async function focusWhenRendered(id: string): Promise<void> {
  for (let frame = 0; frame < FOCUS_FRAMES; frame += 1) {
    const element = document.getElementById(id);
    const target = element?.matches('button, a[href]') ? element : element?.querySelector<HTMLElement>('button, a[href]');
    if (target && target.offsetParent !== null) {
      target.focus({ preventScroll: true });
      return;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}
